-- Today's registers across every cohort a user may see (the dashboard's "Today"): the
-- sessions of one day, found without reading every cohort's schedule.
CREATE INDEX course_sessions_held_on_idx ON course_sessions (held_on, id);
