//! Course sessions: moving, retitling, cancelling or reinstating one day of a cohort's
//! schedule, and reading one for its change form.

use chrono::NaiveDate;
use serde::Deserialize;

use super::closures;
use crate::db::{DbConnection, write_transaction};
use crate::domain::calendar::Closed;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::{Cohort, CourseSession, SessionChanges, access};
use crate::validate::{self, Lines};

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

impl SessionInput {
    /// The changes, parsed; every problem at once.
    fn to_changes(&self) -> Result<SessionChanges, FieldErrors> {
        let mut errors = FieldErrors::new();
        let held_on: Option<NaiveDate> = self.held_on.as_deref().and_then(|d| {
            validate::date(d).or_else(|| {
                errors.add("held_on", "Date must be a real date, like 2026-01-05");
                None
            })
        });
        let topic = self.topic.as_deref().and_then(|t| {
            validate::text(t, "the topic", 200, Lines::One)
                .map_err(|m| errors.add("topic", m))
                .ok()
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SessionChanges {
            held_on,
            topic,
            cancelled: self.cancelled,
            updated_at: None,
        })
    }
}

/// A session and its cohort when the actor holds `permission` and may see them; 404
/// otherwise.
pub fn visible(
    conn: &mut DbConnection,
    actor: &Actor,
    permission: Permission,
    id: i32,
) -> AppResult<(CourseSession, Cohort)> {
    actor.require(permission)?;
    Ok(access::session(conn, id, actor.scope())?)
}

/// The session to fill the change form with.
pub fn for_edit(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<CourseSession> {
    Ok(visible(conn, actor, Permission::ManageCohorts, id)?.0)
}

/// Moves, retitles, cancels or reinstates one session, audited with before and after.
/// A move onto a bank holiday or closure day is saved as asked (the API's PATCH does
/// not warn; the change form does, through [`update_form`]).
/// `input` is the body as read (an unreadable one is refused after the permission
/// check, so a role without it gets 403 whatever it sends); `found` carries problems a
/// form found parsing its own fields, which refuse the change on their own.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    input: AppResult<SessionInput>,
    found: FieldErrors,
) -> AppResult<CourseSession> {
    actor.require(Permission::ManageCohorts)?;
    let input = input?;
    let (before, _) = visible(conn, actor, Permission::ManageCohorts, id)?;
    found.into_result()?;
    let mut changes = input.to_changes().map_err(AppError::Validation)?;
    changes.updated_at = Some(actor.now);
    write_transaction(conn, |conn| {
        // Locked so cancelling a session and saving its register take turns.
        Cohort::lock(conn, before.cohort_id)?;
        let after = CourseSession::update(conn, id, &changes)?;
        audit::record(
            conn,
            actor,
            AuditAction::Update,
            Change {
                entity: "course_session",
                id,
                participant_id: None,
                before: Some(&before),
                after: Some(&after),
            },
        )?;
        Ok(after)
    })
}

/// The outcome of the change-session form: saved, or the session as it was with the
/// problems to show beside the form.
pub type FormOutcome = Result<CourseSession, (CourseSession, FieldErrors)>;

/// The form field that confirms a move onto a closed day.
pub const KEEP_CLOSED: &str = "keep_closed";

/// The warning for a move onto a closed day, naming it, when the form's date moves the
/// session onto a bank holiday or closure day of its programme.
fn closed_day_warning(
    conn: &mut DbConnection,
    session: &CourseSession,
    programme_id: i32,
    input: &SessionInput,
) -> AppResult<Option<String>> {
    let Some(date) = input.held_on.as_deref().and_then(validate::date) else {
        return Ok(None);
    };
    if date == session.held_on {
        return Ok(None);
    }
    let why = closures::closed_on(conn, programme_id, date)?;
    Ok(why.map(|why| {
        let kind = match why {
            Closed::BankHoliday(_) => "a bank holiday",
            Closed::Closure(_) => "a closure day of the programme",
        };
        format!(
            "{} is {kind} ({}). Choose another date, or confirm to keep the session on that day",
            date.format("%A %-d %B %Y"),
            why.describe()
        )
    }))
}

/// Saves the change-session form ([`update`] with the form's own problems in `found`);
/// refused changes come back with the session to show the form again. A move onto a
/// bank holiday or closure day comes back with a warning naming it under
/// [`KEEP_CLOSED`] unless `keep_closed` confirms it.
pub fn update_form(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    input: SessionInput,
    found: FieldErrors,
    keep_closed: bool,
) -> AppResult<FormOutcome> {
    let (session, cohort) = visible(conn, actor, Permission::ManageCohorts, id)?;
    if found.is_empty()
        && !keep_closed
        && let Some(warning) = closed_day_warning(conn, &session, cohort.programme_id, &input)?
    {
        let mut errors = FieldErrors::new();
        errors.add(KEEP_CLOSED, warning);
        return Ok(Err((session, errors)));
    }
    match update(conn, actor, id, Ok(input), found) {
        Ok(saved) => Ok(Ok(saved)),
        Err(AppError::Validation(errors)) => Ok(Err((session, errors))),
        Err(e) => Err(e),
    }
}
