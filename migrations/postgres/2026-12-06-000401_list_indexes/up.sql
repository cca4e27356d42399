-- Keyset paging of the lists (models::page): each list's order, after its filters, is
-- read from an index, so a page costs the same wherever it starts.
-- The cohorts list, newest first: all of them, of one programme, of one status.
-- (starts_on, id) replaces the index on starts_on alone, which it begins with.
DROP INDEX cohorts_starts_on_idx;
CREATE INDEX cohorts_starts_on_id_idx ON cohorts (starts_on, id);
CREATE INDEX cohorts_programme_starts_on_idx ON cohorts (programme_id, starts_on, id);
CREATE INDEX cohorts_status_starts_on_idx ON cohorts (status, starts_on, id);
-- A programme's information sessions, newest first: (held_on, id) breaks ties by id.
DROP INDEX information_sessions_programme_id_idx;
CREATE INDEX information_sessions_programme_id_idx ON information_sessions (programme_id, held_on, id);
-- The admin users list filtered by role.
CREATE INDEX users_role_idx ON users (role);
