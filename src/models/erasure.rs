//! Erasure: a resident's identity is removed while the facts that reports count are kept.
//! Names, email, phone and date of birth are replaced (the columns stay NOT NULL, so
//! reports and forms keep working), the postcode is cut to its district (`LS9 7TF` →
//! `LS9`), the referral note and progression notes (free text) are cleared, equality
//! answers are deleted, and `erased_at` is set. Enrolments, stage history, attendance,
//! jobs, checkpoints and progressions stay, so every report count is unchanged.
//!
//! The audit trail keeps every event, but the before/after snapshots of the events about
//! the person are scrubbed of those fields. The append-only triggers allow exactly this:
//! an update of an event's snapshots once its participant is erased (migration
//! `2026-11-24-000001_erasure_scrubs_audit`). The erasure itself is audited without any
//! of the erased data.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::Value;

use super::{AuditAction, AuditEvent, NewAuditEvent, Participant};
use crate::db::{DbConnection, write_transaction};
use crate::error::AppResult;
use crate::schema::{audit_events, employments, equality_monitoring, participants, progressions};
use crate::validate::fold;

/// The given name an erased record shows.
pub const ERASED_GIVEN_NAME: &str = "Erased";
/// The family name an erased record shows.
pub const ERASED_FAMILY_NAME: &str = "resident";
/// What replaces erased values in audit snapshots.
pub const ERASED_VALUE: &str = "[erased]";
/// The fields removed from audit snapshots.
const PERSONAL_KEYS: [&str; 10] = [
    "given_name",
    "family_name",
    "given_name_key",
    "family_name_key",
    "date_of_birth",
    "postcode",
    "email",
    "phone",
    "referral_source",
    // Progression notes are free text about the person.
    "notes",
];

/// The date of birth an erased record keeps (the column is NOT NULL): 1 January 1900,
/// which no real resident can have (the oldest accepted age is 100).
pub fn erased_date_of_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

/// The postcode district (outward code): `LS9 7TF` → `LS9`.
pub fn postcode_district(postcode: &str) -> String {
    postcode
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// The record was erased now.
    Erased,
    /// It had been erased already, at this time; nothing changed.
    AlreadyErased(NaiveDateTime),
}

/// Erases a resident (already checked visible, or from the command line), in one write
/// transaction. Erasing twice is harmless.
pub fn erase_participant(
    conn: &mut DbConnection,
    actor: Option<i32>,
    id: i32,
    now: NaiveDateTime,
) -> AppResult<Erasure> {
    write_transaction(conn, |conn| {
        let participant = Participant::lock(conn, id)?;
        if let Some(at) = participant.erased_at {
            return Ok(Erasure::AlreadyErased(at));
        }
        diesel::update(participants::table.find(id))
            .set((
                participants::given_name.eq(ERASED_GIVEN_NAME),
                participants::family_name.eq(ERASED_FAMILY_NAME),
                participants::given_name_key.eq(ERASED_GIVEN_NAME.to_lowercase()),
                participants::family_name_key.eq(ERASED_FAMILY_NAME),
                participants::date_of_birth.eq(erased_date_of_birth()),
                participants::postcode.eq(postcode_district(&participant.postcode)),
                participants::search_name.eq(fold::name_key(ERASED_GIVEN_NAME, ERASED_FAMILY_NAME)),
                participants::postcode_key.eq(fold::postcode_key(&postcode_district(
                    &participant.postcode,
                ))),
                participants::phone.eq(None::<String>),
                participants::email.eq(None::<String>),
                participants::referral_source.eq(None::<String>),
                participants::erased_at.eq(Some(now)),
                participants::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::delete(equality_monitoring::table.find(id)).execute(conn)?;
        let jobs = employments::table
            .filter(employments::participant_id.eq(id))
            .select(employments::id);
        diesel::update(progressions::table.filter(progressions::employment_id.eq_any(jobs)))
            .set(progressions::notes.eq(""))
            .execute(conn)?;
        scrub_audit_trail(conn, id)?;
        let mut event = NewAuditEvent::simple(actor, AuditAction::Erase, "participant", id)
            .with_change(None::<&()>, Some(&serde_json::json!({"erased": true})));
        event.participant_id = Some(id);
        AuditEvent::record(conn, event, now)?;
        Ok(Erasure::Erased)
    })
}

/// Rewrites the snapshots of every audit event about an erased participant.
fn scrub_audit_trail(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    let events: Vec<(i32, Option<String>, Option<String>)> = audit_events::table
        .filter(audit_events::participant_id.eq(id))
        .select((
            audit_events::id,
            audit_events::before_json,
            audit_events::after_json,
        ))
        .load(conn)?;
    for (event_id, before, after) in events {
        let (new_before, new_after) = (scrub(before.as_deref()), scrub(after.as_deref()));
        if new_before != before || new_after != after {
            diesel::update(audit_events::table.find(event_id))
                .set((
                    audit_events::before_json.eq(new_before),
                    audit_events::after_json.eq(new_after),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// A snapshot without the personal fields (unreadable snapshots are dropped whole).
fn scrub(json: Option<&str>) -> Option<String> {
    let mut value: Value = serde_json::from_str(json?).ok()?;
    scrub_value(&mut value);
    Some(value.to_string())
}

fn scrub_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if PERSONAL_KEYS.contains(&key.as_str()) {
                    if !v.is_null() {
                        *v = Value::String(ERASED_VALUE.into());
                    }
                } else {
                    scrub_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_lose_personal_fields_only() {
        let json = r#"{"given_name":"Amina","email":null,"nested":[{"postcode":"LS9 7TF"}],"stage":"applied","notes":"Back after her operation"}"#;
        let out: Value = serde_json::from_str(&scrub(Some(json)).unwrap()).unwrap();
        assert_eq!(out["given_name"], ERASED_VALUE);
        assert_eq!(out["email"], Value::Null);
        assert_eq!(out["nested"][0]["postcode"], ERASED_VALUE);
        assert_eq!(out["stage"], "applied");
        assert_eq!(out["notes"], ERASED_VALUE);
        assert_eq!(scrub(None), None);
        assert_eq!(scrub(Some("not json")), None);
    }

    #[test]
    fn postcodes_keep_their_district() {
        assert_eq!(postcode_district("LS9 7TF"), "LS9");
        assert_eq!(postcode_district("SW1A 1AA"), "SW1A");
        assert_eq!(postcode_district(""), "");
    }
}
