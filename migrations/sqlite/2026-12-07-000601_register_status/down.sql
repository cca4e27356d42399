DROP INDEX course_sessions_untaken_idx;
ALTER TABLE course_sessions DROP COLUMN register_version;
ALTER TABLE course_sessions DROP COLUMN register_updated_by_user_id;
ALTER TABLE course_sessions DROP COLUMN register_updated_at;
ALTER TABLE course_sessions DROP COLUMN register_taken_by_user_id;
ALTER TABLE course_sessions DROP COLUMN register_taken_at;
