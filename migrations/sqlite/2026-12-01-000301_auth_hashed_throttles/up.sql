-- Sign-in throttles no longer keep what was typed: the old table was keyed by the email
-- box's raw contents (a password typed there sat in plain text, and any length was stored).
-- Rows are now keyed by a keyed hash (HMAC-SHA256) of the normalised email or of the
-- client address, with the key kept in `app_secrets` so every app server shares it.
-- Throttle rows only matter for a day, so the old ones are simply dropped.
DROP TABLE login_throttles;

CREATE TABLE login_throttles (
    kind TEXT NOT NULL CHECK (kind IN ('account', 'address')),
    key_hash TEXT NOT NULL CHECK (length(key_hash) = 64),
    failures INTEGER NOT NULL CHECK (failures >= 0),
    last_failed_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP,
    PRIMARY KEY (kind, key_hash)
);

-- Expired rows are purged by time after each failed attempt.
CREATE INDEX login_throttles_last_failed_at_idx ON login_throttles (last_failed_at);

-- Secrets generated once per installation (the throttle's hashing key), shared by every
-- app server through the database.
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
