//! The 13-, 26- and 52-week checkpoints: recording an outcome, and the queue of those due.

use chrono::NaiveDate;

use super::input::CheckpointInput;
use super::{code, date, long_date};
use crate::db::{DbConnection, write_transaction};
use crate::domain::checkpoint::CheckpointOutcome;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::checkpoint::{QueueFilter, QueueItem, QueueScope, WEEKS};
use crate::models::page::{PageRequest, Paged};
use crate::models::{Checkpoint, Employment};
use crate::validate;

/// Records the `weeks` checkpoint of job `employment_id`. This function is the whole rule
/// of who may record one and when: a role that records jobs (403 otherwise), on a job the
/// actor may see (404 otherwise: HR only at their own organisation), for 13, 26 or 52
/// weeks (404 otherwise), not before its due date, checked on a day from the due date to
/// today, and `left` only once the job has an end date.
pub fn record_checkpoint(
    conn: &mut DbConnection,
    actor: &Actor,
    employment_id: i32,
    weeks: i32,
    input: &CheckpointInput,
) -> AppResult<Checkpoint> {
    actor.require(Permission::RecordEmployments)?;
    write_transaction(conn, |conn| {
        Employment::find_visible(conn, employment_id, actor)?;
        if !WEEKS.contains(&weeks) {
            return Err(AppError::NotFound);
        }
        // Read under the job's lock: the job may be reopened meanwhile.
        let employment = Employment::lock(conn, employment_id)?;
        let checkpoint = Checkpoint::find(conn, employment.id, weeks)?;
        let (status, verified_on) = parse(input, &checkpoint, &employment, actor.today)?;
        let after = Checkpoint::record(
            conn,
            checkpoint.id,
            status,
            verified_on,
            actor.user_id,
            actor.now,
        )?;
        let change = Change {
            entity: "checkpoint",
            id: checkpoint.id,
            participant_id: Some(employment.participant_id),
            before: Some(&checkpoint),
            after: Some(&after),
        };
        audit::record(conn, actor, AuditAction::Update, change)?;
        Ok(after)
    })
}

/// The checked outcome code and the day it was checked.
fn parse(
    input: &CheckpointInput,
    checkpoint: &Checkpoint,
    employment: &Employment,
    today: NaiveDate,
) -> AppResult<(CheckpointOutcome, NaiveDate)> {
    let mut errors = FieldErrors::new();
    let status = code(
        input.status.as_deref(),
        CheckpointOutcome::parse,
        "status",
        "Select in post, left or unable to contact",
        &mut errors,
    );
    let verified_on = date(
        input.verified_on.as_deref(),
        "verified_on",
        "Date checked",
        &mut errors,
    );
    if today < checkpoint.due_on {
        errors.add(
            "verified_on",
            format!(
                "This checkpoint is due on {}: it cannot be recorded before then",
                long_date(checkpoint.due_on)
            ),
        );
    } else if let Some(d) = verified_on {
        if d < checkpoint.due_on {
            errors.add(
                "verified_on",
                "Date checked must be on or after the due date",
            );
        } else if d > today {
            errors.add("verified_on", "Date checked must be today or in the past");
        }
    }
    if status == Some(CheckpointOutcome::Left) && employment.end_date.is_none() {
        errors.add(
            "status",
            "Record when the job ended before marking the resident as left",
        );
    }
    match (status, verified_on) {
        (Some(status), Some(day)) if errors.is_empty() => Ok((status, day)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// The work queue's filters as a query string gives them (`?site=&due_by=&overdue=`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Part of the employer site as recorded on the job (any case).
    pub site: Option<String>,
    /// Only checkpoints due on or before this date (`YYYY-MM-DD`; blank: any). Not a
    /// real date: 422.
    pub due_by: Option<String>,
    /// `true`: only overdue checkpoints (due two weeks ago or longer).
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
}

impl QueueQuery {
    /// The checked filter; 422 naming the field that cannot be read.
    pub fn filter(&self) -> AppResult<QueueFilter> {
        let site = self.site.as_deref().map(str::trim).unwrap_or_default();
        if site.chars().count() > 200 {
            return Err(AppError::invalid(
                "site",
                "Site must be 200 characters or fewer",
            ));
        }
        let due_by = match self.due_by.as_deref().map(str::trim).unwrap_or_default() {
            "" => None,
            text => Some(validate::date(text).ok_or_else(|| {
                AppError::invalid("due_by", "Due by must be a real date, like 2026-01-05")
            })?),
        };
        let overdue = match self.overdue.as_deref().unwrap_or_default() {
            "1" | "true" | "yes" | "on" => true,
            "" | "0" | "false" | "no" | "off" => false,
            _ => {
                return Err(AppError::invalid(
                    "overdue",
                    "overdue must be true or false",
                ));
            }
        };
        Ok(QueueFilter {
            site: (!site.is_empty()).then(|| site.to_owned()),
            due_by,
            overdue,
        })
    }
}

/// A page of the checkpoints `actor` works on that are due or overdue and not yet
/// recorded, oldest due first, matching `query`: HR their own organisation's jobs,
/// coordinators and managers the jobs of residents in their organisation's programmes,
/// admins every job.
pub fn checkpoint_queue(
    conn: &mut DbConnection,
    actor: &Actor,
    query: &QueueQuery,
    page: &PageRequest<(NaiveDate, i32)>,
) -> AppResult<Paged<QueueItem>> {
    actor.require(Permission::ViewParticipants)?;
    let filter = query.filter()?;
    let scope = QueueScope::of_actor(actor);
    let rows = Checkpoint::queue_page(conn, scope, actor.today, &filter, page.after, page.fetch())?;
    Ok(Paged::from_fetched(rows, page, QueueItem::key))
}
