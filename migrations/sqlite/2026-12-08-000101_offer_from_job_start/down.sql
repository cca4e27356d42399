-- The offer dates filled from job starts cannot be told from offers typed on the same
-- day, so they stay.
SELECT 1;
