DROP TABLE app_secrets;
DROP INDEX login_throttles_last_failed_at_idx;
DROP TABLE login_throttles;
CREATE TABLE login_throttles (
    email TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    last_failed_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);
