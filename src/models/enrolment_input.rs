//! Enrolling residents and moving them through the stages, each change with a history
//! row and an audit event in the same transaction.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::participant_input::age_on;
use super::{
    AuditAction, AuditEvent, Cohort, Enrolment, EnrolmentChanges, NewAuditEvent, Participant,
};
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Stage, WithdrawalReason};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::validate;

fn audit(
    conn: &mut DbConnection,
    actor: i32,
    action: AuditAction,
    before: Option<&Enrolment>,
    after: &Enrolment,
    now: NaiveDateTime,
) -> AppResult<()> {
    let mut event = NewAuditEvent::simple(Some(actor), action, "enrolment", after.id)
        .with_change(before, Some(after));
    event.participant_id = Some(after.participant_id);
    AuditEvent::record(conn, event, now)?;
    Ok(())
}

/// Enrols a resident in a cohort: refused when the cohort is full or cancelled, when the
/// person would be under 16 or over 100 at the start, and (409) when already enrolled.
pub fn enrol(
    conn: &mut DbConnection,
    actor: i32,
    cohort: &Cohort,
    participant: &Participant,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Enrolment> {
    write_transaction(conn, |conn| {
        // Enrolments into one cohort take turns, so the count of places below is current.
        let cohort = Cohort::lock(conn, cohort.id)?;
        // Then the person, so an erasure cannot slip in between the check and the insert.
        let participant = &Participant::lock(conn, participant.id)?;
        if participant.erased_at.is_some() {
            return Err(AppError::invalid(
                "participant_id",
                "This resident's personal data was erased, so they cannot be enrolled again",
            ));
        }
        if Enrolment::find_for(conn, participant.id, cohort.id)?.is_some() {
            return Err(AppError::conflict(
                "participant_id",
                format!(
                    "{} is already enrolled in this cohort",
                    participant.full_name()
                ),
            ));
        }
        if matches!(cohort.status.as_str(), "cancelled" | "finished") {
            return Err(AppError::invalid(
                "participant_id",
                format!(
                    "This cohort is {}, so nobody can be enrolled",
                    cohort.status
                ),
            ));
        }
        let taken = Enrolment::places_taken(conn, cohort.id)?;
        if taken >= i64::from(cohort.capacity) {
            return Err(AppError::invalid(
                "participant_id",
                format!(
                    "This cohort is full: all {} places are taken. Raise its capacity or enrol the resident in another cohort",
                    cohort.capacity
                ),
            ));
        }
        let age = age_on(participant.date_of_birth, cohort.starts_on);
        if !(16..=100).contains(&age) {
            return Err(AppError::invalid(
                "participant_id",
                format!(
                    "{} would be {age} when the course starts; residents must be 16 to 100",
                    participant.full_name()
                ),
            ));
        }
        let enrolment =
            Enrolment::create(conn, participant.id, cohort.id, Some(actor), today, now)?;
        audit(conn, actor, AuditAction::Create, None, &enrolment, now)?;
        Ok(enrolment)
    })
}

/// Changes to an enrolment as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentInput {
    /// New stage.
    #[schema(schema_with = crate::openapi::stage)]
    pub stage: Option<String>,
    /// Required when the stage becomes `withdrawn`.
    #[schema(schema_with = crate::openapi::withdrawal_reason)]
    pub withdrawal_reason: Option<String>,
    /// Interview date, `YYYY-MM-DD` (empty string clears it).
    pub interviewed_on: Option<String>,
    /// Offer date, `YYYY-MM-DD` (empty string clears it).
    pub offered_on: Option<String>,
}

fn optional_date(
    value: &Option<String>,
    field: &str,
    label: &str,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<Option<NaiveDate>> {
    let value = value.as_deref()?.trim();
    if value.is_empty() {
        return Some(None);
    }
    match validate::date(value) {
        Some(d) if d <= today => Some(Some(d)),
        Some(_) => {
            errors.add(field, format!("{label} must be today or in the past"));
            None
        }
        None => {
            errors.add(
                field,
                format!("{label} must be a real date, like 2026-01-05"),
            );
            None
        }
    }
}

/// Applies a stage change and/or interview and offer dates, with a history row when the
/// stage changes. Illegal moves and a withdrawal without a reason are refused (422).
pub fn change_enrolment(
    conn: &mut DbConnection,
    actor: i32,
    before: &Enrolment,
    input: EnrolmentInput,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Enrolment> {
    let mut errors = FieldErrors::new();
    let stage = input
        .stage
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let stage = match stage.map(Stage::parse) {
        None => None,
        Some(None) => {
            errors.add("stage", "Select a stage");
            None
        }
        Some(Some(stage)) => {
            if let Err(message) = before.stage.check_transition(stage) {
                errors.add("stage", message);
            }
            Some(stage)
        }
    };
    let withdrawing = stage == Some(Stage::Withdrawn) && before.stage != Stage::Withdrawn;
    let reason = input
        .withdrawal_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let reason = match reason.map(WithdrawalReason::parse) {
        None => None,
        Some(None) => {
            errors.add("withdrawal_reason", "Select why the resident withdrew");
            None
        }
        Some(Some(reason)) => Some(reason),
    };
    if withdrawing && reason.is_none() {
        errors.add("withdrawal_reason", "Select why the resident withdrew");
    }
    let interviewed_on = optional_date(
        &input.interviewed_on,
        "interviewed_on",
        "Interview date",
        today,
        &mut errors,
    );
    let offered_on = optional_date(
        &input.offered_on,
        "offered_on",
        "Offer date",
        today,
        &mut errors,
    );
    errors.into_result()?;
    write_transaction(conn, |conn| {
        // Stage changes of a cohort's enrolments (here and by a register) take turns; the
        // move is checked again against the stage as it is now.
        Cohort::lock(conn, before.cohort_id)?;
        let before = &Enrolment::find(conn, before.id)?;
        if let Some(to) = stage.filter(|s| *s != before.stage)
            && let Err(message) = before.stage.check_transition(to)
        {
            return Err(AppError::invalid("stage", message));
        }
        let mut changes = EnrolmentChanges {
            interviewed_on,
            offered_on,
            updated_at: Some(now),
            ..EnrolmentChanges::default()
        };
        let moving = stage.filter(|s| *s != before.stage);
        if let Some(to) = moving {
            changes.stage = Some(to);
            let withdrawn = to == Stage::Withdrawn;
            changes.withdrawal_reason = Some(reason.filter(|_| withdrawn));
            changes.withdrawn_on = Some(withdrawn.then_some(today));
            Enrolment::record_stage_change(
                conn,
                before.id,
                Some(before.stage),
                to,
                Some(actor),
                today,
                now,
            )?;
        } else if let Some(reason) = reason.filter(|_| before.stage == Stage::Withdrawn) {
            changes.withdrawal_reason = Some(Some(reason));
        }
        let after = Enrolment::update(conn, before.id, &changes)?;
        audit(conn, actor, AuditAction::Update, Some(before), &after, now)?;
        Ok(after)
    })
}
