//! Validating and writing cohorts and their schedules, each write audited in the same
//! transaction.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::cohort::STATUSES;
use super::{
    AuditAction, AuditEvent, Cohort, CohortChanges, CourseSession, NewAuditEvent, NewCohort,
    Programme, SessionChanges,
};
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::validate::{self, Lines};

/// A cohort as submitted; on update, absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortInput {
    /// The programme (required when creating; cannot change).
    pub programme_id: Option<i32>,
    /// Name, unique within the programme.
    #[schema(schema_with = crate::openapi::text_100)]
    pub name: Option<String>,
    /// First day, `YYYY-MM-DD`.
    #[schema(schema_with = crate::openapi::date)]
    pub starts_on: Option<String>,
    /// Weeks (1–52, default 6).
    #[schema(minimum = 1, maximum = 52)]
    pub weeks: Option<i32>,
    /// Places (1–1000, default 25).
    #[schema(minimum = 1, maximum = 1000)]
    pub capacity: Option<i32>,
    /// Venue.
    #[schema(max_length = 200)]
    pub venue: Option<String>,
    /// `planned`, `recruiting`, `running`, `finished` or `cancelled` (default `planned`).
    #[schema(schema_with = crate::openapi::cohort_status)]
    pub status: Option<String>,
}

fn check(input: &CohortInput, creating: bool, errors: &mut FieldErrors) -> CohortChanges {
    let name = match &input.name {
        None if creating => {
            errors.add("name", "Enter a name for the cohort");
            None
        }
        None => None,
        Some(n) => validate::required_text(n, "a name for the cohort", 100)
            .map_err(|m| errors.add("name", m))
            .ok(),
    };
    let starts_on = match &input.starts_on {
        None if creating => {
            errors.add("starts_on", "Enter the start date");
            None
        }
        None => None,
        Some(d) => {
            let parsed = validate::date(d);
            if parsed.is_none() {
                errors.add(
                    "starts_on",
                    "Start date must be a real date, like 2026-01-05",
                );
            }
            parsed
        }
    };
    let weeks = input.weeks.or(creating.then_some(6));
    if weeks.is_some_and(|w| !(1..=52).contains(&w)) {
        errors.add("weeks", "Weeks must be between 1 and 52");
    }
    let capacity = input.capacity.or(creating.then_some(25));
    if capacity.is_some_and(|c| !(1..=1000).contains(&c)) {
        errors.add("capacity", "Capacity must be between 1 and 1000");
    }
    let venue = input.venue.as_deref().and_then(|v| {
        validate::text(v, "the venue", 200, Lines::One)
            .map_err(|m| errors.add("venue", m))
            .ok()
    });
    let status = input
        .status
        .clone()
        .or(creating.then(|| "planned".to_owned()));
    if status.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        errors.add("status", "Select a status");
    }
    CohortChanges {
        name,
        starts_on,
        weeks,
        capacity,
        venue,
        status,
        updated_at: None,
    }
}

/// The problems with an input, without writing anything (for forms that found problems
/// of their own and still want every field checked).
pub fn problems(input: &CohortInput, creating: bool) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if creating && input.programme_id.is_none() {
        errors.add("programme_id", "Select a programme");
    }
    check(input, creating, &mut errors);
    errors
}

/// Creates a cohort in a programme the caller's organisation partners in (`scope`),
/// audited; 404 for a programme they cannot see, 409 for a name already used.
pub fn create_cohort(
    conn: &mut DbConnection,
    actor: i32,
    scope: Option<i32>,
    input: CohortInput,
    now: NaiveDateTime,
) -> AppResult<Cohort> {
    write_transaction(conn, |conn| {
        let mut errors = FieldErrors::new();
        if input.programme_id.is_none() {
            errors.add("programme_id", "Select a programme");
        }
        let c = check(&input, true, &mut errors);
        errors.into_result()?;
        let programme_id = input.programme_id.unwrap_or_default();
        Programme::find_visible(conn, programme_id, scope).map_err(|_| {
            AppError::invalid(
                "programme_id",
                "Select a programme your organisation partners in",
            )
        })?;
        let name = c.name.unwrap_or_default();
        if Cohort::name_taken(conn, programme_id, &name, None)? {
            return Err(AppError::conflict(
                "name",
                "This programme already has a cohort with that name",
            ));
        }
        let cohort = Cohort::create(
            conn,
            &NewCohort {
                programme_id,
                name,
                starts_on: c.starts_on.unwrap_or_default(),
                weeks: c.weeks.unwrap_or(6),
                capacity: c.capacity.unwrap_or(25),
                venue: c.venue.unwrap_or_default(),
                status: c.status.unwrap_or_else(|| "planned".into()),
                created_at: now,
                updated_at: now,
            },
        )?;
        let event = NewAuditEvent::simple(Some(actor), AuditAction::Create, "cohort", cohort.id)
            .with_change(None::<&()>, Some(&cohort));
        AuditEvent::record(conn, event, now)?;
        Ok(cohort)
    })
}

/// Changes a cohort (already checked visible), audited with before and after.
pub fn update_cohort(
    conn: &mut DbConnection,
    actor: i32,
    id: i32,
    input: CohortInput,
    now: NaiveDateTime,
) -> AppResult<Cohort> {
    write_transaction(conn, |conn| {
        // Locked so a capacity cut and an enrolment cannot both pass their checks.
        let before = Cohort::lock(conn, id)?;
        let mut errors = FieldErrors::new();
        if input.programme_id.is_some_and(|p| p != before.programme_id) {
            errors.add("programme_id", "A cohort cannot move to another programme");
        }
        let mut changes = check(&input, false, &mut errors);
        errors.into_result()?;
        if let Some(name) = &changes.name
            && Cohort::name_taken(conn, before.programme_id, name, Some(id))?
        {
            return Err(AppError::conflict(
                "name",
                "This programme already has a cohort with that name",
            ));
        }
        if let Some(capacity) = changes.capacity {
            let taken = super::Enrolment::places_taken(conn, id)?;
            if i64::from(capacity) < taken {
                return Err(AppError::invalid(
                    "capacity",
                    format!("Capacity cannot be less than the {taken} places already taken"),
                ));
            }
        }
        changes.updated_at = Some(now);
        let after = Cohort::update(conn, id, &changes)?;
        let event = NewAuditEvent::simple(Some(actor), AuditAction::Update, "cohort", id)
            .with_change(Some(&before), Some(&after));
        AuditEvent::record(conn, event, now)?;
        Ok(after)
    })
}

/// Generates a cohort's sessions from its programme's template. Refused once any
/// attendance is recorded; when sessions exist, replaces them only if `replace`.
pub fn generate_sessions(
    conn: &mut DbConnection,
    actor: i32,
    cohort: &Cohort,
    replace: bool,
    now: NaiveDateTime,
) -> AppResult<Vec<CourseSession>> {
    write_transaction(conn, |conn| {
        // Locked so a register being saved cannot add attendance after the check below.
        Cohort::lock(conn, cohort.id)?;
        if CourseSession::cohort_has_attendance(conn, cohort.id)? {
            return Err(AppError::conflict(
                "replace",
                "Attendance has been recorded for this cohort, so its schedule cannot be generated again. Edit sessions one by one instead",
            ));
        }
        let existing = CourseSession::list_for_cohort(conn, cohort.id)?;
        if !existing.is_empty() && !replace {
            return Err(AppError::conflict(
                "replace",
                format!(
                    "This cohort already has {} sessions. Choose to replace them to generate the schedule again",
                    existing.len()
                ),
            ));
        }
        let template: Vec<_> = Programme::templates_of(conn, &[cohort.programme_id])?
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        let sessions = CourseSession::replace_for_cohort(conn, cohort, &template, now)?;
        let event = NewAuditEvent::simple(
            Some(actor),
            AuditAction::Create,
            "cohort_schedule",
            cohort.id,
        )
        .with_change(
            None::<&()>,
            Some(&serde_json::json!({"sessions": sessions.len(), "replaced": existing.len()})),
        );
        AuditEvent::record(conn, event, now)?;
        Ok(sessions)
    })
}

/// Changes to one session as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// New date, `YYYY-MM-DD`.
    #[schema(schema_with = crate::openapi::date)]
    pub held_on: Option<String>,
    /// New topic.
    #[schema(max_length = 200)]
    pub topic: Option<String>,
    /// Cancel (true) or reinstate (false).
    pub cancelled: Option<bool>,
}

/// Moves, retitles, cancels or reinstates one session, audited.
pub fn update_session(
    conn: &mut DbConnection,
    actor: i32,
    session: &CourseSession,
    input: SessionInput,
    now: NaiveDateTime,
) -> AppResult<CourseSession> {
    let mut errors = FieldErrors::new();
    let held_on: Option<NaiveDate> = input.held_on.as_deref().and_then(|d| {
        let parsed = validate::date(d);
        if parsed.is_none() {
            errors.add("held_on", "Date must be a real date, like 2026-01-05");
        }
        parsed
    });
    let topic = input.topic.as_deref().and_then(|t| {
        validate::text(t, "the topic", 200, Lines::One)
            .map_err(|m| errors.add("topic", m))
            .ok()
    });
    errors.into_result()?;
    write_transaction(conn, |conn| {
        // Locked so cancelling a session and saving its register take turns.
        Cohort::lock(conn, session.cohort_id)?;
        let changes = SessionChanges {
            held_on,
            topic: topic.clone(),
            cancelled: input.cancelled,
            updated_at: Some(now),
        };
        let after = CourseSession::update(conn, session.id, &changes)?;
        let event = NewAuditEvent::simple(
            Some(actor),
            AuditAction::Update,
            "course_session",
            session.id,
        )
        .with_change(Some(session), Some(&after));
        AuditEvent::record(conn, event, now)?;
        Ok(after)
    })
}
