DROP INDEX audit_events_participant_at_idx;
CREATE INDEX audit_events_participant_id_idx ON audit_events (participant_id);
DROP INDEX checkpoints_queue_idx;
