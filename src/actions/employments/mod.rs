//! Jobs residents start after the course: recording a job start, ending it, its 13-, 26-
//! and 52-week checkpoints, progression steps, and what the pages and the API show of
//! them. Who may see a job is [`Employment::find_visible`] (HR: jobs at their own
//! organisation; others: jobs of residents in their organisation's programmes; admins:
//! all); who may change one is each write action here, which checks the permission, that
//! rule, and the rules of the change, in one transaction.

mod checkpoints;
mod end;
pub mod input;
mod progressions;
mod queue;
mod show;
mod start;

pub use checkpoints::record_checkpoint;
pub use end::end_employment;
pub use input::{CheckpointInput, EmploymentInput, EndInput, ProgressionInput};
pub use progressions::add_progression;
pub use queue::{QueueQuery, SITE_CHOICES, checkpoint_queue, next_due, queue_item, site_choices};
pub use show::{JobRecord, job_record};
pub use start::{JobStartChoices, band_one_closed_from, job_start_choices, record_employment};

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::employment_view::{EmploymentView, views};
use crate::models::page::{PageRequest, Paged, whole};
use crate::models::{Employment, access};
use crate::validate;

/// One job `actor` may see, with its checkpoints and progression (404 otherwise).
pub fn job(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<EmploymentView> {
    actor.require(Permission::ViewParticipants)?;
    let employment = Employment::find_visible(conn, id, actor)?;
    view(conn, actor, employment)
}

/// A page of a resident's jobs `actor` may see, oldest first (keyset on
/// `(start_date, id)`; 404 unless the resident is visible).
pub fn for_participant(
    conn: &mut DbConnection,
    actor: &Actor,
    participant_id: i32,
    request: &PageRequest<(NaiveDate, i32)>,
) -> AppResult<Paged<EmploymentView>> {
    actor.require(Permission::ViewParticipants)?;
    access::participant(conn, participant_id, actor.scope())?;
    let jobs =
        Employment::for_participant(conn, participant_id, actor.scope(), actor.employer_only())?;
    // A person's jobs are a handful: page the list read whole, then build the views
    // (checkpoints, progression) of this page's jobs only.
    let page = whole::by_key(jobs, request, |j| (j.start_date, j.id));
    Ok(Paged {
        items: views(conn, page.items, actor.today)?,
        next: page.next,
    })
}

/// A job just written by `actor`, as the API answers it (checkpoint status as of today).
pub fn view(
    conn: &mut DbConnection,
    actor: &Actor,
    employment: Employment,
) -> AppResult<EmploymentView> {
    views(conn, vec![employment], actor.today)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The answer to a write refused before it reached its action (a path or form that
/// could not be read): 403 for a role that may not record jobs, as the action would
/// answer, otherwise `error`.
pub fn refuse(actor: &Actor, error: AppError) -> AppError {
    match actor.require(Permission::RecordEmployments) {
        Ok(()) => error,
        Err(forbidden) => forbidden,
    }
}

/// The value of a code read by `parse`, trimmed; `message` under `field` when missing or
/// unknown.
fn code<T>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    field: &str,
    message: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let parsed = value.map(str::trim).and_then(parse);
    if parsed.is_none() {
        errors.add(field, message);
    }
    parsed
}

/// A required date (`what` names it in messages), read by the one date check.
fn date(
    value: Option<&str>,
    field: &str,
    what: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => {
            errors.add(field, format!("Enter the {}", what.to_lowercase()));
            None
        }
        Some(v) => validate::date(v).or_else(|| {
            errors.add(
                field,
                format!("{what} must be a real date, like 2026-12-07"),
            );
            None
        }),
    }
}

/// `day` as the pages write dates, e.g. 1 December 2018.
fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}
