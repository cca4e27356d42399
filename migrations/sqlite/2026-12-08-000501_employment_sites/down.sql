DROP INDEX employments_employer_site_idx;
DROP INDEX employments_site_idx;
