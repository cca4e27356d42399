-- Search keys of their own, so a search finds people however their names are typed:
-- search_name holds the folded names in both orders ("zoeobriennowak obriennowakzoe"),
-- postcode_key the postcode without spaces ("LS96AA"). The application folds them (the
-- same code on both databases) and fills rows recorded before this change when it starts
-- (src/db/migrations.rs), finding them by their empty postcode_key through its index.
-- The duplicate-person rule keeps given_name_key and family_name_key.
ALTER TABLE participants ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN postcode_key TEXT NOT NULL DEFAULT '';
CREATE INDEX participants_postcode_key_idx ON participants (postcode_key);
