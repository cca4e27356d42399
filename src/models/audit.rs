//! The audit trail: one append-only row per write (and per read of personal data),
//! always inserted in the same transaction as the change it records.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::Actor;
use crate::schema::audit_events;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A record was created.
    Create,
    /// A record was changed.
    Update,
    /// A record was removed.
    Delete,
    /// Personal data was read.
    Read,
    /// Personal data was exported.
    Export,
    /// Someone signed in.
    SignIn,
    /// Someone signed out.
    SignOut,
    /// A resident's personal data was erased.
    Erase,
}

impl AuditAction {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Read => "read",
            Self::Export => "export",
            Self::SignIn => "sign_in",
            Self::SignOut => "sign_out",
            Self::Erase => "erase",
        }
    }
}

/// A stored audit event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    /// Identifier.
    pub id: i32,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// Who, when a user did it.
    pub actor_user_id: Option<i32>,
    /// Action code.
    pub action: String,
    /// Entity name (`user`, `organisation`, …).
    pub entity: String,
    /// The entity's id.
    pub entity_id: String,
    /// The participant concerned, for the person's trail.
    pub participant_id: Option<i32>,
    /// The record before, as JSON.
    pub before_json: Option<String>,
    /// The record after, as JSON.
    pub after_json: Option<String>,
}

/// An event to record.
#[derive(Debug)]
pub struct NewAuditEvent<'a> {
    /// Who.
    pub actor_user_id: Option<i32>,
    /// What.
    pub action: AuditAction,
    /// Entity name.
    pub entity: &'a str,
    /// Entity id.
    pub entity_id: String,
    /// Participant concerned.
    pub participant_id: Option<i32>,
    /// Before.
    pub before: Option<serde_json::Value>,
    /// After.
    pub after: Option<serde_json::Value>,
}

impl NewAuditEvent<'_> {
    /// An event with no participant and no before/after snapshot.
    pub fn simple(
        actor: Option<i32>,
        action: AuditAction,
        entity: &str,
        entity_id: i32,
    ) -> NewAuditEvent<'_> {
        NewAuditEvent {
            actor_user_id: actor,
            action,
            entity,
            entity_id: entity_id.to_string(),
            participant_id: None,
            before: None,
            after: None,
        }
    }

    /// Adds before and after snapshots.
    pub fn with_change<B: Serialize, A: Serialize>(
        mut self,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Self {
        self.before = before.and_then(|b| serde_json::to_value(b).ok());
        self.after = after.and_then(|a| serde_json::to_value(a).ok());
        self
    }
}

/// What an action changed: the entity and its id, the resident concerned (for their
/// trail), and the record before (`None` when created) and after.
#[derive(Debug)]
pub struct Change<'a, B: Serialize, A: Serialize> {
    /// Entity name (`employment`, `checkpoint`, …).
    pub entity: &'a str,
    /// The entity's id.
    pub id: i32,
    /// The resident concerned, when there is one.
    pub participant_id: Option<i32>,
    /// The record before.
    pub before: Option<&'a B>,
    /// The record after.
    pub after: Option<&'a A>,
}

/// Appends the audit row of `actor`'s `change`, at the actor's instant: the one helper
/// actions use, inside the transaction that makes the change.
pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    action: AuditAction,
    change: Change<'_, B, A>,
) -> QueryResult<()> {
    let mut event = NewAuditEvent::simple(Some(actor.user_id), action, change.entity, change.id)
        .with_change(change.before, change.after);
    event.participant_id = change.participant_id;
    AuditEvent::record(conn, event, actor.now)
}

impl AuditEvent {
    /// Appends an event; call inside the transaction that makes the change.
    pub fn record(
        conn: &mut DbConnection,
        event: NewAuditEvent<'_>,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(audit_events::table)
            .values((
                audit_events::occurred_at.eq(now),
                audit_events::actor_user_id.eq(event.actor_user_id),
                audit_events::action.eq(event.action.as_str()),
                audit_events::entity.eq(event.entity),
                audit_events::entity_id.eq(event.entity_id),
                audit_events::participant_id.eq(event.participant_id),
                audit_events::before_json.eq(event.before.map(|v| v.to_string())),
                audit_events::after_json.eq(event.after.map(|v| v.to_string())),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The trail of one entity, oldest first.
    pub fn for_entity(
        conn: &mut DbConnection,
        entity: &str,
        entity_id: &str,
    ) -> QueryResult<Vec<AuditEvent>> {
        audit_events::table
            .filter(audit_events::entity.eq(entity))
            .filter(audit_events::entity_id.eq(entity_id))
            .order(audit_events::id)
            .select(AuditEvent::as_select())
            .load(conn)
    }

    /// How many events exist (tests compare counts before and after a refused request).
    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        audit_events::table.count().get_result(conn)
    }
}

impl AuditEvent {
    /// The trail of everything recorded about one participant, newest first, with the
    /// name of who did it.
    pub fn for_participant(
        conn: &mut DbConnection,
        participant_id: i32,
    ) -> QueryResult<Vec<(AuditEvent, Option<String>)>> {
        audit_events::table
            .left_join(crate::schema::users::table)
            .filter(audit_events::participant_id.eq(participant_id))
            .order(audit_events::id.desc())
            .select((
                AuditEvent::as_select(),
                crate::schema::users::name.nullable(),
            ))
            .load(conn)
    }
}
