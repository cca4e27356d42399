-- The checkpoint queue's site filter lists the distinct sites, as recorded, on the jobs a
-- user may see, in name order, a few at a time: read from an index in site order (stopping
-- after the first few) rather than by sorting every job in the country.
CREATE INDEX employments_site_idx ON employments (site);
CREATE INDEX employments_employer_site_idx ON employments (employer_organisation_id, site);
