//! Recording jobs, their ends, checkpoints and progression, with the rules HR relies on;
//! every write audited in the same transaction.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::checkpoint::{OUTCOMES, WEEKS};
use super::employment::{CONTRACTS, END_REASONS, NewEmployment, STAFF_GROUPS};
use super::progression::{KINDS, NewProgression};
use super::{
    AuditAction, AuditEvent, Checkpoint, Cohort, Employment, Enrolment, NewAuditEvent,
    Organisation, Programme, Progression, access,
};
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::validate;

/// Band 1 closed to new starters from this date (NHS Terms and Conditions, 2018 deal).
pub fn band_one_closed_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 12, 1).unwrap_or_default()
}

/// Who is recording: HR may record only at their own organisation.
#[derive(Debug, Clone, Copy)]
pub struct Recorder {
    /// User id.
    pub actor: i32,
    /// The caller's organisation; `None` for admins.
    pub scope: Option<i32>,
    /// True for HR: jobs only at their own organisation.
    pub employer_only: bool,
}

/// A job start as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmploymentInput {
    /// The person.
    pub participant_id: Option<i32>,
    /// Their enrolment the job is attributed to.
    pub enrolment_id: Option<i32>,
    /// The employer (a partner of the enrolment's programme).
    pub employer_organisation_id: Option<i32>,
    /// Site, e.g. St James's University Hospital.
    #[schema(schema_with = crate::openapi::text_150)]
    pub site: Option<String>,
    /// Job title.
    #[schema(schema_with = crate::openapi::text_150)]
    pub job_title: Option<String>,
    /// Staff group code.
    #[schema(schema_with = crate::openapi::staff_group)]
    pub staff_group: Option<String>,
    /// Agenda for Change band 1–9 (band 1 only for starts before 1 December 2018).
    #[schema(minimum = 1, maximum = 9)]
    pub band: Option<i32>,
    /// Hours per week, 1–48.
    #[schema(minimum = 1, maximum = 48)]
    pub hours_per_week: Option<f64>,
    /// `permanent`, `fixed_term`, `bank` or `apprenticeship`.
    #[schema(schema_with = crate::openapi::contract)]
    pub contract: Option<String>,
    /// First day, `YYYY-MM-DD`, on or after the cohort's start.
    #[schema(schema_with = crate::openapi::date)]
    pub start_date: Option<String>,
}

fn code(
    value: &Option<String>,
    options: &[(&str, &str)],
    field: &str,
    message: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if options.iter().any(|(c, _)| *c == v) => Some(v.to_owned()),
        _ => {
            errors.add(field, message);
            None
        }
    }
}

fn date(
    value: &Option<String>,
    field: &str,
    what: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
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

/// Records a job start with its three checkpoints, audited.
pub fn record_employment(
    conn: &mut DbConnection,
    who: Recorder,
    input: EmploymentInput,
    now: NaiveDateTime,
) -> AppResult<Employment> {
    let mut errors = FieldErrors::new();
    let site = validate::required_text(input.site.as_deref().unwrap_or_default(), "the site", 150)
        .map_err(|m| errors.add("site", m))
        .ok();
    let job_title = validate::required_text(
        input.job_title.as_deref().unwrap_or_default(),
        "the job title",
        150,
    )
    .map_err(|m| errors.add("job_title", m))
    .ok();
    let staff_group = code(
        &input.staff_group,
        &STAFF_GROUPS,
        "staff_group",
        "Select a staff group",
        &mut errors,
    );
    let contract = code(
        &input.contract,
        &CONTRACTS,
        "contract",
        "Select a contract type",
        &mut errors,
    );
    let start_date = date(&input.start_date, "start_date", "Start date", &mut errors);
    match input.band {
        None => errors.add("band", "Enter the Agenda for Change band"),
        Some(b) if !(1..=9).contains(&b) => errors.add("band", "Band must be between 1 and 9"),
        Some(1) if start_date.is_some_and(|d| d >= band_one_closed_from()) => errors.add(
            "band",
            "Band 1 closed to new starters on 1 December 2018: choose band 2 or above",
        ),
        _ => {}
    }
    match input.hours_per_week {
        None => errors.add("hours_per_week", "Enter the hours per week"),
        Some(h) if !(1.0..=48.0).contains(&h) => {
            errors.add("hours_per_week", "Hours per week must be between 1 and 48")
        }
        _ => {}
    }
    let participant_id = input.participant_id.unwrap_or_default();
    let Ok(participant) = access::participant(conn, participant_id, who.scope) else {
        errors.add("participant_id", "Select a resident");
        return Err(AppError::Validation(errors));
    };
    let enrolment = input
        .enrolment_id
        .and_then(|id| Enrolment::find(conn, id).ok())
        .filter(|e| e.participant_id == participant.id);
    let Some(enrolment) = enrolment else {
        errors.add("enrolment_id", "Select one of this resident's enrolments");
        return Err(AppError::Validation(errors));
    };
    let Ok(cohort) = Cohort::find_visible(conn, enrolment.cohort_id, who.scope) else {
        errors.add("enrolment_id", "Select one of this resident's enrolments");
        return Err(AppError::Validation(errors));
    };
    let employer = input
        .employer_organisation_id
        .and_then(|id| Organisation::find(conn, id).ok());
    match (&employer, who.scope) {
        (None, _) => errors.add("employer_organisation_id", "Select the employer"),
        (Some(org), Some(own)) if who.employer_only && org.id != own => errors.add(
            "employer_organisation_id",
            "You can record jobs only at your own organisation",
        ),
        (Some(org), _) if !Programme::has_partner(conn, cohort.programme_id, org.id)? => errors
            .add(
                "employer_organisation_id",
                "The employer must be a partner of the resident's programme",
            ),
        _ => {}
    }
    if let Some(start) = start_date
        && start < cohort.starts_on
    {
        errors.add(
            "start_date",
            format!(
                "Start date must be on or after the cohort's start, {}",
                cohort.starts_on.format("%-d %B %Y")
            ),
        );
    }
    errors.into_result()?;
    let new = NewEmployment {
        participant_id: participant.id,
        enrolment_id: enrolment.id,
        employer_organisation_id: employer.map(|o| o.id).unwrap_or_default(),
        site: site.unwrap_or_default(),
        job_title: job_title.unwrap_or_default(),
        staff_group: staff_group.unwrap_or_default(),
        band: input.band.unwrap_or_default(),
        hours_per_week: input.hours_per_week.unwrap_or_default(),
        contract: contract.unwrap_or_default(),
        start_date: start_date.unwrap_or_default(),
    };
    write_transaction(conn, |conn| {
        let employment = Employment::create(conn, &new, now)?;
        Checkpoint::create_for(conn, employment.id, employment.start_date)?;
        audit(
            conn,
            who.actor,
            AuditAction::Create,
            "employment",
            employment.id,
            participant.id,
            None::<&()>,
            &employment,
            now,
        )?;
        Ok(employment)
    })
}

#[allow(clippy::too_many_arguments)]
fn audit<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    actor: i32,
    action: AuditAction,
    entity: &str,
    id: i32,
    participant: i32,
    before: Option<&B>,
    after: &A,
    now: NaiveDateTime,
) -> AppResult<()> {
    let mut event =
        NewAuditEvent::simple(Some(actor), action, entity, id).with_change(before, Some(after));
    event.participant_id = Some(participant);
    AuditEvent::record(conn, event, now)?;
    Ok(())
}

/// The end of a job as submitted (both null to reopen it).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndInput {
    /// Last day, `YYYY-MM-DD`, not before the start.
    #[schema(schema_with = crate::openapi::date)]
    pub end_date: Option<String>,
    /// `resigned`, `dismissed`, `end_of_contract`, `moved_employer` or `other`.
    #[schema(schema_with = crate::openapi::end_reason)]
    pub end_reason: Option<String>,
}

/// Ends (or reopens) a job, audited.
pub fn end_employment(
    conn: &mut DbConnection,
    actor: i32,
    before: &Employment,
    input: EndInput,
    now: NaiveDateTime,
) -> AppResult<Employment> {
    let reopening = input
        .end_date
        .as_deref()
        .is_none_or(|d| d.trim().is_empty())
        && input
            .end_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty());
    let mut errors = FieldErrors::new();
    let (end_date, reason) = if reopening {
        (None, None)
    } else {
        let end_date = date(&input.end_date, "end_date", "End date", &mut errors);
        if end_date.is_some_and(|d| d < before.start_date) {
            errors.add(
                "end_date",
                format!(
                    "End date must be on or after the start, {}",
                    before.start_date.format("%-d %B %Y")
                ),
            );
        }
        let reason = code(
            &input.end_reason,
            &END_REASONS,
            "end_reason",
            "Select why the job ended",
            &mut errors,
        );
        (end_date, reason)
    };
    errors.into_result()?;
    write_transaction(conn, |conn| {
        let before = &Employment::lock(conn, before.id)?;
        let after = Employment::set_end(conn, before.id, end_date, reason.as_deref(), now)?;
        audit(
            conn,
            actor,
            AuditAction::Update,
            "employment",
            before.id,
            before.participant_id,
            Some(before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

/// A checkpoint outcome as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckpointInput {
    /// `in_post`, `left` or `unable_to_contact`.
    #[schema(schema_with = crate::openapi::checkpoint_outcome)]
    pub status: Option<String>,
    /// The day it was checked, `YYYY-MM-DD`: on or after the due date, not in the future.
    #[schema(schema_with = crate::openapi::date)]
    pub verified_on: Option<String>,
}

/// Records a checkpoint outcome. Not before the due date; `left` needs the job's end date.
pub fn record_checkpoint(
    conn: &mut DbConnection,
    actor: i32,
    employment: &Employment,
    weeks: i32,
    input: CheckpointInput,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Checkpoint> {
    if !WEEKS.contains(&weeks) {
        return Err(AppError::NotFound);
    }
    let checkpoint = Checkpoint::find(conn, employment.id, weeks)?;
    let mut errors = FieldErrors::new();
    let status = code(
        &input.status,
        &OUTCOMES,
        "status",
        "Select in post, left or unable to contact",
        &mut errors,
    );
    let verified_on = date(
        &input.verified_on,
        "verified_on",
        "Date checked",
        &mut errors,
    );
    if today < checkpoint.due_on {
        errors.add(
            "verified_on",
            format!(
                "This checkpoint is due on {}: it cannot be recorded before then",
                checkpoint.due_on.format("%-d %B %Y")
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
    if status.as_deref() == Some("left") && employment.end_date.is_none() {
        errors.add(
            "status",
            "Record when the job ended before marking the resident as left",
        );
    }
    errors.into_result()?;
    write_transaction(conn, |conn| {
        // Checked again under the job's lock: the job may have been reopened meanwhile.
        let employment = Employment::lock(conn, employment.id)?;
        if status.as_deref() == Some("left") && employment.end_date.is_none() {
            return Err(AppError::invalid(
                "status",
                "Record when the job ended before marking the resident as left",
            ));
        }
        let checkpoint = Checkpoint::find(conn, employment.id, weeks)?;
        let after = Checkpoint::record(
            conn,
            checkpoint.id,
            status.as_deref().unwrap_or_default(),
            verified_on.unwrap_or(today),
            actor,
            now,
        )?;
        audit(
            conn,
            actor,
            AuditAction::Update,
            "checkpoint",
            checkpoint.id,
            employment.participant_id,
            Some(&checkpoint),
            &after,
            now,
        )?;
        Ok(after)
    })
}

/// A progression as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressionInput {
    /// When it took effect, `YYYY-MM-DD`.
    #[schema(schema_with = crate::openapi::date)]
    pub effective_on: Option<String>,
    /// `band_increase`, `role_change`, `staff_group_change`, `apprenticeship_start` or `qualification`.
    #[schema(schema_with = crate::openapi::progression_kind)]
    pub kind: Option<String>,
    /// New job title.
    #[schema(max_length = 150)]
    pub job_title: Option<String>,
    /// New band (a band increase must raise it).
    #[schema(minimum = 1, maximum = 9)]
    pub band: Option<i32>,
    /// New staff group (a staff group change must change it).
    #[schema(schema_with = crate::openapi::staff_group)]
    pub staff_group: Option<String>,
    /// Notes (up to 500 characters).
    #[schema(max_length = 500)]
    pub notes: Option<String>,
}

/// The band and staff group a job has reached after its progressions.
pub fn current_position(
    employment: &Employment,
    progressions: &[Progression],
) -> (i32, String, String) {
    let mut band = employment.band;
    let mut group = employment.staff_group.clone();
    let mut title = employment.job_title.clone();
    for p in progressions
        .iter()
        .filter(|p| p.employment_id == employment.id)
    {
        band = p.band.unwrap_or(band);
        group = p.staff_group.clone().unwrap_or(group);
        title = p.job_title.clone().unwrap_or(title);
    }
    (band, group, title)
}

/// What is wrong with a step of `kind` to `new_band` / `new_group` from the job's current
/// `band` and `group`: a band increase must raise the band, a staff group change must
/// change the group.
fn step_problem(
    kind: Option<&str>,
    new_band: Option<i32>,
    new_group: Option<&str>,
    band: i32,
    group: &str,
) -> Option<(&'static str, String)> {
    match kind {
        Some("band_increase") if new_band.is_none_or(|b| b <= band) => Some((
            "band",
            format!("A band increase must raise the band above {band}"),
        )),
        Some("staff_group_change") if new_group.is_none_or(|g| g == group) => Some((
            "staff_group",
            "A staff group change must move to a different staff group".to_owned(),
        )),
        _ => None,
    }
}

/// Adds a progression step, audited.
pub fn add_progression(
    conn: &mut DbConnection,
    actor: i32,
    employment: &Employment,
    input: ProgressionInput,
    now: NaiveDateTime,
) -> AppResult<Progression> {
    let existing = Progression::for_employments(conn, &[employment.id])?;
    let (band, group, _) = current_position(employment, &existing);
    let mut errors = FieldErrors::new();
    let kind = code(
        &input.kind,
        &KINDS,
        "kind",
        "Select the kind of step",
        &mut errors,
    );
    let effective_on = date(&input.effective_on, "effective_on", "Date", &mut errors);
    if effective_on.is_some_and(|d| d < employment.start_date) {
        errors.add("effective_on", "Date must be on or after the job's start");
    }
    let staff_group = match input
        .staff_group
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(g) if STAFF_GROUPS.iter().any(|(c, _)| *c == g) => Some(g.to_owned()),
        Some(_) => {
            errors.add("staff_group", "Select a staff group");
            None
        }
    };
    if input.band.is_some_and(|b| !(1..=9).contains(&b)) {
        errors.add("band", "Band must be between 1 and 9");
    }
    if let Some((field, message)) = step_problem(
        kind.as_deref(),
        input.band,
        staff_group.as_deref(),
        band,
        &group,
    ) {
        errors.add(field, message);
    }
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
    errors.into_result()?;
    let new = NewProgression {
        employment_id: employment.id,
        effective_on: effective_on.unwrap_or_default(),
        kind: kind.unwrap_or_default(),
        job_title,
        band: input.band,
        staff_group,
        notes,
    };
    write_transaction(conn, |conn| {
        // Steps of one job are added one at a time, each checked against the position the
        // steps committed before it reached.
        let employment = Employment::lock(conn, employment.id)?;
        let existing = Progression::for_employments(conn, &[employment.id])?;
        let (band, group, _) = current_position(&employment, &existing);
        if let Some((field, message)) = step_problem(
            Some(new.kind.as_str()),
            new.band,
            new.staff_group.as_deref(),
            band,
            &group,
        ) {
            return Err(AppError::invalid(field, message));
        }
        let p = Progression::create(conn, &new, actor, now)?;
        audit(
            conn,
            actor,
            AuditAction::Create,
            "progression",
            p.id,
            employment.participant_id,
            None::<&()>,
            &p,
            now,
        )?;
        Ok(p)
    })
}
