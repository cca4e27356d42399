//! Ending a job (its last day and why), or reopening it with both left blank.

use chrono::NaiveDate;

use super::input::EndInput;
use super::{code, date, long_date};
use crate::db::{DbConnection, write_transaction};
use crate::domain::employment::EndReason;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::Employment;
use crate::models::audit::{self, AuditAction, Change};

/// Ends (or reopens) a job `actor` may see, audited. Only roles that record jobs.
pub fn end_employment(
    conn: &mut DbConnection,
    actor: &Actor,
    employment_id: i32,
    input: &EndInput,
) -> AppResult<Employment> {
    actor.require(Permission::RecordEmployments)?;
    write_transaction(conn, |conn| {
        Employment::find_visible(conn, employment_id, actor)?;
        let before = Employment::lock(conn, employment_id)?;
        let end = parse(input, &before)?;
        let (end_date, reason) = end.unzip();
        let after = Employment::set_end(conn, before.id, end_date, reason, actor.now)?;
        let change = Change {
            entity: "employment",
            id: before.id,
            participant_id: Some(before.participant_id),
            before: Some(&before),
            after: Some(&after),
        };
        audit::record(conn, actor, AuditAction::Update, change)?;
        Ok(after)
    })
}

/// The checked end (day and reason code), or `None` to reopen: both fields blank.
fn parse(input: &EndInput, job: &Employment) -> AppResult<Option<(NaiveDate, EndReason)>> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    if blank(&input.end_date) && blank(&input.end_reason) {
        return Ok(None);
    }
    let mut errors = FieldErrors::new();
    let end_date = date(
        input.end_date.as_deref(),
        "end_date",
        "End date",
        &mut errors,
    );
    if end_date.is_some_and(|d| d < job.start_date) {
        errors.add(
            "end_date",
            format!(
                "End date must be on or after the start, {}",
                long_date(job.start_date)
            ),
        );
    }
    let reason = code(
        input.end_reason.as_deref(),
        EndReason::parse,
        "end_reason",
        "Select why the job ended",
        &mut errors,
    );
    match (end_date, reason) {
        (Some(day), Some(reason)) if errors.is_empty() => Ok(Some((day, reason))),
        _ => Err(AppError::Validation(errors)),
    }
}
