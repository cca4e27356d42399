//! Progression: a later career step on a job (band increase, role or staff group change,
//! apprenticeship, qualification), checked against the position the job has reached.

use super::input::ProgressionInput;
use super::{code, date};
use crate::db::{DbConnection, write_transaction};
use crate::domain::employment::StaffGroup;
use crate::domain::progression::ProgressionKind;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::progression::{NewProgression, current_position};
use crate::models::{Employment, Progression};
use crate::validate;

/// Adds a progression step to a job `actor` may see, audited. Only roles that record jobs.
pub fn add_progression(
    conn: &mut DbConnection,
    actor: &Actor,
    employment_id: i32,
    input: &ProgressionInput,
) -> AppResult<Progression> {
    actor.require(Permission::RecordEmployments)?;
    write_transaction(conn, |conn| {
        Employment::find_visible(conn, employment_id, actor)?;
        // Steps of one job are added one at a time, each checked against the position the
        // steps committed before it reached.
        let employment = Employment::lock(conn, employment_id)?;
        let new = parse(conn, input, &employment)?;
        let p = Progression::create(conn, &new, actor.user_id, actor.now)?;
        let change = Change {
            entity: "progression",
            id: p.id,
            participant_id: Some(employment.participant_id),
            before: None::<&()>,
            after: Some(&p),
        };
        audit::record(conn, actor, AuditAction::Create, change)?;
        Ok(p)
    })
}

/// The checked step, or every problem with it.
fn parse(
    conn: &mut DbConnection,
    input: &ProgressionInput,
    employment: &Employment,
) -> AppResult<NewProgression> {
    let existing = Progression::for_employments(conn, &[employment.id])?;
    let (band, group, _) = current_position(employment, &existing);
    let mut errors = FieldErrors::new();
    let kind = code(
        input.kind.as_deref(),
        ProgressionKind::parse,
        "kind",
        "Select the kind of step",
        &mut errors,
    );
    let effective_on = date(
        input.effective_on.as_deref(),
        "effective_on",
        "Date",
        &mut errors,
    );
    if effective_on.is_some_and(|d| d < employment.start_date) {
        errors.add("effective_on", "Date must be on or after the job's start");
    }
    let staff_group = optional_staff_group(input.staff_group.as_deref(), &mut errors);
    if input.band.is_some_and(|b| !(1..=9).contains(&b)) {
        errors.add("band", "Band must be between 1 and 9");
    }
    // A band increase must raise the band; a staff group change must change the group.
    match kind {
        Some(ProgressionKind::BandIncrease) if input.band.is_none_or(|b| b <= band) => errors.add(
            "band",
            format!("A band increase must raise the band above {band}"),
        ),
        Some(ProgressionKind::StaffGroupChange) if staff_group.is_none_or(|g| g == group) => errors
            .add(
                "staff_group",
                "A staff group change must move to a different staff group",
            ),
        _ => {}
    }
    let (job_title, notes) = texts(input, &mut errors);
    match (kind, effective_on) {
        (Some(kind), Some(effective_on)) if errors.is_empty() => Ok(NewProgression {
            employment_id: employment.id,
            effective_on,
            kind,
            job_title,
            band: input.band,
            staff_group,
            notes,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// A staff group code when one is given.
fn optional_staff_group(value: Option<&str>, errors: &mut FieldErrors) -> Option<StaffGroup> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(g) if StaffGroup::parse(g).is_some() => StaffGroup::parse(g),
        Some(_) => {
            errors.add("staff_group", "Select a staff group");
            None
        }
    }
}

/// The new job title (one line, optional) and the notes.
fn texts(input: &ProgressionInput, errors: &mut FieldErrors) -> (Option<String>, String) {
    let job_title = validate::optional_text(
        input.job_title.as_deref(),
        "the job title",
        150,
        validate::Lines::One,
    )
    .map_err(|m| errors.add("job_title", m))
    .ok()
    .flatten();
    // Line breaks are fine in notes; NUL and the like are not (PostgreSQL refuses NUL).
    let notes = validate::text(
        input.notes.as_deref().unwrap_or_default(),
        "notes",
        500,
        validate::Lines::Many,
    )
    .map_err(|m| errors.add("notes", m))
    .unwrap_or_default();
    (job_title, notes)
}
