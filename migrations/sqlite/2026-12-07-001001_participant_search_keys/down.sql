DROP INDEX participants_postcode_key_idx;
ALTER TABLE participants DROP COLUMN postcode_key;
ALTER TABLE participants DROP COLUMN search_name;
