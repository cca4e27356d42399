-- The checkpoints work queue (models::checkpoint_queue): unrecorded checkpoints due by a
-- day, in the order (due_on, id), a page at a time. Only unrecorded rows are indexed, so
-- the index stays the size of the queue, not of every checkpoint ever made.
CREATE INDEX checkpoints_queue_idx ON checkpoints (due_on, id) WHERE status IS NULL;
-- A resident's history on their page (models::trail), newest first by (occurred_at, id),
-- a page at a time. It replaces the index on participant_id alone, its prefix.
DROP INDEX audit_events_participant_id_idx;
CREATE INDEX audit_events_participant_at_idx ON audit_events (participant_id, occurred_at, id);
