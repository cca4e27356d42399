-- A job start implies an offer: enrolments with a job and no offer date take the
-- earliest start date of their jobs (from now on the job start action fills it).
UPDATE enrolments
SET offered_on = (
    SELECT MIN(employments.start_date) FROM employments
    WHERE employments.enrolment_id = enrolments.id
)
WHERE offered_on IS NULL
  AND EXISTS (SELECT 1 FROM employments WHERE employments.enrolment_id = enrolments.id);
