-- Days a programme's courses do not run (a site closure, a college inset day), set by an
-- administrator. Generating a schedule skips them as it skips bank holidays, and moving
-- a session onto one warns. One row per programme and day: its unique index also serves
-- the programme's list, newest first, and the look-ups while generating.
CREATE TABLE closure_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    closed_on DATE NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by_user_id INTEGER REFERENCES users (id),
    UNIQUE (programme_id, closed_on)
);
CREATE INDEX closure_days_created_by_user_id_idx ON closure_days (created_by_user_id);
