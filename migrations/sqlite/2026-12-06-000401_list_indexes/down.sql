DROP INDEX users_role_idx;
DROP INDEX information_sessions_programme_id_idx;
CREATE INDEX information_sessions_programme_id_idx ON information_sessions (programme_id, held_on);
DROP INDEX cohorts_status_starts_on_idx;
DROP INDEX cohorts_programme_starts_on_idx;
DROP INDEX cohorts_starts_on_id_idx;
CREATE INDEX cohorts_starts_on_idx ON cohorts (starts_on);
