-- A session's register is "taken" once it has been saved (PRODUCT.md, definitions: a
-- held session is one whose register was taken). Who took it first and when, who saved
-- it last and when, and a version that every save bumps, so a form opened before
-- someone else's save is refused rather than overwriting it.
ALTER TABLE course_sessions ADD COLUMN register_taken_at TIMESTAMP;
ALTER TABLE course_sessions ADD COLUMN register_taken_by_user_id INTEGER REFERENCES users (id);
ALTER TABLE course_sessions ADD COLUMN register_updated_at TIMESTAMP;
ALTER TABLE course_sessions ADD COLUMN register_updated_by_user_id INTEGER REFERENCES users (id);
ALTER TABLE course_sessions ADD COLUMN register_version INTEGER NOT NULL DEFAULT 0;
-- Registers saved before this change: taken when their first mark was recorded.
UPDATE course_sessions SET
    register_taken_at = (SELECT MIN(a.recorded_at) FROM attendance a WHERE a.course_session_id = course_sessions.id),
    register_updated_at = (SELECT MAX(a.recorded_at) FROM attendance a WHERE a.course_session_id = course_sessions.id),
    register_taken_by_user_id = (SELECT a.recorded_by_user_id FROM attendance a WHERE a.course_session_id = course_sessions.id ORDER BY a.recorded_at, a.id LIMIT 1),
    register_updated_by_user_id = (SELECT a.recorded_by_user_id FROM attendance a WHERE a.course_session_id = course_sessions.id ORDER BY a.recorded_at DESC, a.id DESC LIMIT 1),
    register_version = 1
WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.course_session_id = course_sessions.id);
-- Registers outstanding or due, oldest first: only untaken sessions are indexed, so the
-- index stays the size of the work still to do. Its condition is the query's own
-- (`register_taken_at IS NULL`, no bound value), so both planners can prove a query may
-- use it; the few cancelled sessions in it are filtered after.
CREATE INDEX course_sessions_untaken_idx ON course_sessions (held_on, id)
    WHERE register_taken_at IS NULL;
