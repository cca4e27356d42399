//! The attendance register of one course session: who is on it, and writing its marks
//! (the action `actions::registers` validates and audits). The first present or late mark
//! moves an enrolment to `started`.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::attendance::AttendanceMark;
use super::{AuditAction, AuditEvent, CourseSession, Enrolment, NewAuditEvent, RosterEntry};
use crate::db::DbConnection;
use crate::domain::{Mark, Stage};
use crate::error::{AppError, AppResult};

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
    #[schema(value_type = Option<String>)]
    pub status: Option<Mark>,
}

impl RegisterLine {
    /// Full name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// The mark's code, if marked (what the form's radios carry).
    pub fn status_code(&self) -> Option<&'static str> {
        self.status.map(Mark::as_str)
    }
}

/// Who is on a session's register: every enrolment of the cohort except those withdrawn
/// or who never started, unless they already have a mark for this session.
pub fn load(conn: &mut DbConnection, session: &CourseSession) -> AppResult<Vec<RegisterLine>> {
    let marks = AttendanceMark::by_enrolment(conn, session.id)?;
    Ok(Enrolment::roster(conn, session.cohort_id)?
        .into_iter()
        .filter(|r| r.enrolment.stage.holds_place() || marks.contains_key(&r.enrolment.id))
        .map(|r: RosterEntry| RegisterLine {
            enrolment_id: r.enrolment.id,
            participant_id: r.enrolment.participant_id,
            status: marks.get(&r.enrolment.id).copied(),
            given_name: r.given_name,
            family_name: r.family_name,
            stage: r.enrolment.stage.as_str().to_owned(),
        })
        .collect())
}

/// For each taken, uncancelled session among `sessions` (all of cohort `cohort_id`), how
/// many people on its register are still unmarked: someone enrolled after it was taken,
/// say. Sessions with nobody unmarked are left out.
pub fn unmarked_counts(
    conn: &mut DbConnection,
    cohort_id: i32,
    sessions: &[CourseSession],
) -> AppResult<HashMap<i32, usize>> {
    use crate::schema::{attendance, course_sessions};
    use diesel::prelude::*;
    let taken: Vec<&CourseSession> = sessions
        .iter()
        .filter(|s| s.register_taken() && !s.cancelled)
        .collect();
    if taken.is_empty() {
        return Ok(HashMap::new());
    }
    let on_roster: Vec<i32> = Enrolment::roster(conn, cohort_id)?
        .into_iter()
        .filter(|r| r.enrolment.stage.holds_place())
        .map(|r| r.enrolment.id)
        .collect();
    let marked: std::collections::HashSet<(i32, i32)> = attendance::table
        .inner_join(course_sessions::table)
        .filter(course_sessions::cohort_id.eq(cohort_id))
        .select((attendance::course_session_id, attendance::enrolment_id))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();
    Ok(taken
        .into_iter()
        .map(|s| {
            let n = on_roster
                .iter()
                .filter(|e| !marked.contains(&(s.id, **e)))
                .count();
            (s.id, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect())
}

/// One validated line of a register to save: the enrolment (of the session's cohort,
/// listed once) and its mark, `None` to clear it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkEntry {
    /// The enrolment.
    pub enrolment_id: i32,
    /// The mark, or `None` to clear it.
    pub mark: Option<Mark>,
}

/// The enrolments of a cohort by id: who a register may name.
pub fn roster_by_id(conn: &mut DbConnection, cohort_id: i32) -> AppResult<HashMap<i32, Enrolment>> {
    Ok(Enrolment::roster(conn, cohort_id)?
        .into_iter()
        .map(|r| (r.enrolment.id, r.enrolment))
        .collect())
}

/// Writes validated marks of one session (under the cohort's lock) in enrolment order, so
/// concurrent saves of the same register (in any order of entries) all succeed and the
/// last one wins; saving the same register twice leaves one row per enrolment. The first
/// present or late mark starts an enrolment. Returns the marks before and after, for the
/// audit row.
pub fn write_marks(
    conn: &mut DbConnection,
    actor: i32,
    session: &CourseSession,
    roster: &HashMap<i32, Enrolment>,
    entries: &[MarkEntry],
    now: NaiveDateTime,
) -> AppResult<(HashMap<i32, Mark>, HashMap<i32, Mark>)> {
    let before = AttendanceMark::by_enrolment(conn, session.id)?;
    let mut ordered = entries.to_vec();
    ordered.sort_by_key(|e| e.enrolment_id);
    for entry in ordered {
        match entry.mark {
            Some(mark) => {
                AttendanceMark::set(conn, session.id, entry.enrolment_id, mark, actor, now)?
            }
            None => AttendanceMark::clear(conn, session.id, entry.enrolment_id)?,
        }
        let enrolment = &roster[&entry.enrolment_id];
        if entry.mark.is_some_and(Mark::is_attended) && enrolment.stage.starts_on_attendance() {
            start(conn, actor, enrolment, session.held_on, now)?;
        }
    }
    CourseSession::record_register_saved(conn, session.id, actor, now)?;
    let after = AttendanceMark::by_enrolment(conn, session.id)?;
    Ok((before, after))
}

/// Refuses a register for a cancelled session or one later than `today`.
pub fn check_session(session: &CourseSession, today: NaiveDate) -> AppResult<()> {
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
