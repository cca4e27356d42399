-- Covers the reports' attendance count (reports::facts::load): sessions of the cohorts ->
-- their attendance rows with status present or late -> count per enrolment. The unique
-- (course_session_id, enrolment_id) index finds the rows but not their status, so every
-- one of the 7.2 million rows at national scale cost a table lookup; with this index the
-- count reads the index alone. Measured in docs/BENCHMARKS.md.
CREATE INDEX attendance_session_status_idx ON attendance (course_session_id, status, enrolment_id);
