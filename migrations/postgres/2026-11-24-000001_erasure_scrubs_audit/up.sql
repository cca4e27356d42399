-- Erasure (docs/OPERATIONS.md): the audit trail stays append-only, with one narrow
-- exception. Once a participant is erased (erased_at set), the before/after snapshots of
-- the audit events about them may be rewritten, so their old name, date of birth and
-- contact details do not survive in the trail. Nothing else of an event may change, no
-- event of a person who is not erased may change, and no event may ever be deleted.
-- Twin of migrations/sqlite/ with the same folder name.

CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.participant_id IS NOT NULL
        AND NEW.id = OLD.id
        AND NEW.occurred_at = OLD.occurred_at
        AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
        AND NEW.action = OLD.action
        AND NEW.entity = OLD.entity
        AND NEW.entity_id = OLD.entity_id
        AND NEW.participant_id = OLD.participant_id
        AND EXISTS (SELECT 1 FROM participants p WHERE p.id = OLD.participant_id AND p.erased_at IS NOT NULL)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
