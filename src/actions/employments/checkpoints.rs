//! The 13-, 26- and 52-week checkpoints: recording an outcome (and, for `left`, the end
//! of the job in the same step).

use chrono::NaiveDate;

use super::input::CheckpointInput;
use super::{code, date, long_date};
use crate::db::{DbConnection, write_transaction};
use crate::domain::checkpoint::CheckpointOutcome;
use crate::domain::employment::EndReason;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::checkpoint::WEEKS;
use crate::models::{Checkpoint, Employment};

/// Records the `weeks` checkpoint of job `employment_id`. This function is the whole rule
/// of who may record one and when: a role that records jobs (403 otherwise), on a job the
/// actor may see (404 otherwise: HR only at their own organisation), for 13, 26 or 52
/// weeks (404 otherwise), not before its due date, checked on a day from the due date to
/// today, and `left` only with the job's end: already recorded, or its end date and
/// reason given here, when the job is ended in the same transaction (audited too).
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
        let (status, verified_on, end) = parse(input, &checkpoint, &employment, actor.today)?;
        if let Some((end_date, reason)) = end {
            let ended =
                Employment::set_end(conn, employment.id, Some(end_date), Some(reason), actor.now)?;
            let change = Change {
                entity: "employment",
                id: employment.id,
                participant_id: Some(employment.participant_id),
                before: Some(&employment),
                after: Some(&ended),
            };
            audit::record(conn, actor, AuditAction::Update, change)?;
        }
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

/// The end of a job given with a `left` outcome: its last day and why.
type JobEnd = (NaiveDate, EndReason);

/// The checked outcome code, the day it was checked, and the end of the job to record
/// with it (`left` on a job not yet ended).
fn parse(
    input: &CheckpointInput,
    checkpoint: &Checkpoint,
    employment: &Employment,
    today: NaiveDate,
) -> AppResult<(CheckpointOutcome, NaiveDate, Option<JobEnd>)> {
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
    let end = end_of_job(input, status, employment, today, &mut errors);
    match (status, verified_on) {
        (Some(status), Some(day)) if errors.is_empty() => Ok((status, day, end)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// The end of the job given with a `left` outcome: both required when the job has no end
/// yet, the day not before the start nor in the future; ignored when it has one. Given
/// with another outcome, it is a mistake to point out.
fn end_of_job(
    input: &CheckpointInput,
    status: Option<CheckpointOutcome>,
    employment: &Employment,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<JobEnd> {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    if status != Some(CheckpointOutcome::Left) {
        if status.is_some() && given(&input.end_date) {
            errors.add(
                "end_date",
                "Only enter when the job ended if the resident has left",
            );
        }
        return None;
    }
    if employment.end_date.is_some() {
        return None;
    }
    let end_date = date(
        input.end_date.as_deref(),
        "end_date",
        "Last day in the job",
        errors,
    );
    if let Some(d) = end_date {
        if d > today {
            errors.add(
                "end_date",
                "Last day in the job must be today or in the past",
            );
        } else if d < employment.start_date {
            errors.add(
                "end_date",
                format!(
                    "Last day in the job must be on or after the start, {}",
                    long_date(employment.start_date)
                ),
            );
        }
    }
    let reason = code(
        input.end_reason.as_deref(),
        EndReason::parse,
        "end_reason",
        "Select why the job ended",
        errors,
    );
    end_date.zip(reason)
}
