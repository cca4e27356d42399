//! The attendance register of one course session: who is on it, and saving it whole in
//! one transaction. The first present or late mark moves an enrolment to `started`.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::attendance::{Mark, RegisterEntry, STATUSES, is_attended};
use super::{
    AuditAction, AuditEvent, Cohort, CourseSession, Enrolment, NewAuditEvent, RosterEntry,
};
use crate::db::{DbConnection, write_transaction};
use crate::domain::Stage;
use crate::error::{AppError, AppResult, FieldErrors};

/// One line of a register.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisterLine {
    /// The enrolment.
    pub enrolment_id: i32,
    /// The person.
    pub participant_id: i32,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Their stage.
    pub stage: String,
    /// The mark, if any.
    pub status: Option<String>,
}

impl RegisterLine {
    /// Full name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// Who is on a session's register: every enrolment of the cohort except those withdrawn
/// or who never started, unless they already have a mark for this session.
pub fn load(conn: &mut DbConnection, session: &CourseSession) -> AppResult<Vec<RegisterLine>> {
    let marks: HashMap<i32, String> = Mark::for_session(conn, session.id)?
        .into_iter()
        .map(|m| (m.enrolment_id, m.status))
        .collect();
    Ok(Enrolment::roster(conn, session.cohort_id)?
        .into_iter()
        .filter(|r| r.enrolment.stage.holds_place() || marks.contains_key(&r.enrolment.id))
        .map(|r: RosterEntry| RegisterLine {
            enrolment_id: r.enrolment.id,
            participant_id: r.enrolment.participant_id,
            status: marks.get(&r.enrolment.id).cloned(),
            given_name: r.given_name,
            family_name: r.family_name,
            stage: r.enrolment.stage.as_str().to_owned(),
        })
        .collect())
}

/// Saves a register in one transaction. Only sessions on or before `today` and not
/// cancelled take marks; every entry must be an enrolment of this session's cohort, listed
/// once, with a known status (null clears a mark). Saving the same register twice leaves
/// one row per enrolment. Saves of one cohort's registers take turns on the cohort's row
/// lock and write their marks in enrolment order, so concurrent saves of the same register
/// (in any order of entries) all succeed and the last one wins.
pub fn save(
    conn: &mut DbConnection,
    actor: i32,
    session: &CourseSession,
    entries: &[RegisterEntry],
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Vec<RegisterLine>> {
    check_session(session, today)?;
    write_transaction(conn, |conn| {
        Cohort::lock(conn, session.cohort_id)?;
        // Read again under the lock: the session may have been cancelled meanwhile.
        let session = &CourseSession::find(conn, session.id)?;
        check_session(session, today)?;
        let roster: HashMap<i32, Enrolment> = Enrolment::roster(conn, session.cohort_id)?
            .into_iter()
            .map(|r| (r.enrolment.id, r.enrolment))
            .collect();
        let mut errors = FieldErrors::new();
        let mut seen = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let field = format!("[{i}]");
            if !roster.contains_key(&entry.enrolment_id) {
                errors.add(
                    &field,
                    format!(
                        "Enrolment {} is not in this session's cohort",
                        entry.enrolment_id
                    ),
                );
            } else if seen.contains(&entry.enrolment_id) {
                errors.add(
                    &field,
                    format!("Enrolment {} is listed twice", entry.enrolment_id),
                );
            } else if entry
                .status
                .as_deref()
                .is_some_and(|s| !STATUSES.iter().any(|(c, _)| *c == s))
            {
                errors.add(
                    &field,
                    "Status must be present, late, authorised_absence or unauthorised_absence",
                );
            }
            seen.push(entry.enrolment_id);
        }
        errors.into_result()?;
        let before: HashMap<i32, String> = Mark::for_session(conn, session.id)?
            .into_iter()
            .map(|m| (m.enrolment_id, m.status))
            .collect();
        let mut ordered: Vec<&RegisterEntry> = entries.iter().collect();
        ordered.sort_by_key(|e| e.enrolment_id);
        for entry in ordered {
            match &entry.status {
                Some(status) => {
                    Mark::set(conn, session.id, entry.enrolment_id, status, actor, now)?
                }
                None => Mark::clear(conn, session.id, entry.enrolment_id)?,
            }
            let enrolment = &roster[&entry.enrolment_id];
            if entry.status.as_deref().is_some_and(is_attended)
                && enrolment.stage.starts_on_attendance()
            {
                start(conn, actor, enrolment, session.held_on, now)?;
            }
        }
        let after: HashMap<i32, String> = Mark::for_session(conn, session.id)?
            .into_iter()
            .map(|m| (m.enrolment_id, m.status))
            .collect();
        let event = NewAuditEvent::simple(Some(actor), AuditAction::Update, "register", session.id)
            .with_change(Some(&before), Some(&after));
        AuditEvent::record(conn, event, now)?;
        load(conn, session)
    })
}

/// Refuses a register for a cancelled session or one later than `today`.
fn check_session(session: &CourseSession, today: NaiveDate) -> AppResult<()> {
    if session.cancelled {
        return Err(AppError::invalid(
            "session",
            "This session is cancelled, so it takes no register. Reinstate it first",
        ));
    }
    if session.held_on > today {
        return Err(AppError::invalid(
            "session",
            format!(
                "This session is on {}: registers can be taken on the day or later",
                session.held_on.format("%-d %B %Y")
            ),
        ));
    }
    Ok(())
}

/// Moves an enrolment to `started` on the day of its first attendance.
fn start(
    conn: &mut DbConnection,
    actor: i32,
    enrolment: &Enrolment,
    on: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    Enrolment::record_stage_change(
        conn,
        enrolment.id,
        Some(enrolment.stage),
        Stage::Started,
        Some(actor),
        on,
        now,
    )?;
    let changes = super::EnrolmentChanges {
        stage: Some(Stage::Started),
        updated_at: Some(now),
        ..Default::default()
    };
    let after = Enrolment::update(conn, enrolment.id, &changes)?;
    let mut event =
        NewAuditEvent::simple(Some(actor), AuditAction::Update, "enrolment", enrolment.id)
            .with_change(Some(enrolment), Some(&after));
    event.participant_id = Some(enrolment.participant_id);
    AuditEvent::record(conn, event, now)?;
    Ok(())
}
