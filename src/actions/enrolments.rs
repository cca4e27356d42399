//! Enrolling residents in cohorts and moving them through the stages. Each function checks
//! the permission, finds the cohort, resident or enrolment only when the actor may see it,
//! validates, writes (with a stage-history row when the stage moves) and records the audit
//! event, all in one transaction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Permission, Stage, WithdrawalReason};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, Change};
use crate::models::enrolment::eligibility;
use crate::models::{AuditAction, Cohort, Enrolment, EnrolmentChanges, Participant, access};
use crate::validate;

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

/// An [`EnrolmentInput`] that passed the checks: `None` leaves a field as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnrolmentChange {
    /// The stage to move to.
    pub stage: Option<Stage>,
    /// Why they withdrew.
    pub withdrawal_reason: Option<WithdrawalReason>,
    /// Interview date (`Some(None)` clears it).
    pub interviewed_on: Option<Option<NaiveDate>>,
    /// Offer date (`Some(None)` clears it).
    pub offered_on: Option<Option<NaiveDate>>,
}

/// Enrols a resident from the cohort's side (the API): a cohort the actor cannot see is 404,
/// a resident they cannot see is refused (422) as an unknown choice.
pub fn enrol_in_cohort(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort_id: i32,
    participant_id: i32,
) -> AppResult<Enrolment> {
    actor.require(Permission::ManageEnrolments)?;
    write_transaction(conn, |conn| {
        let cohort = Cohort::find_visible(conn, cohort_id, actor.scope())?;
        let participant =
            access::participant(conn, participant_id, actor.scope()).map_err(|_| {
                AppError::invalid(
                    "participant_id",
                    "Select a resident your organisation can see",
                )
            })?;
        enrol(conn, actor, &cohort, &participant)
    })
}

/// Enrols a resident from their own page: a resident the actor cannot see is 404, a cohort
/// they cannot see (or none chosen) is refused (422).
pub fn enrol_resident(
    conn: &mut DbConnection,
    actor: &Actor,
    participant_id: i32,
    cohort_id: Option<i32>,
) -> AppResult<Enrolment> {
    actor.require(Permission::ManageEnrolments)?;
    write_transaction(conn, |conn| {
        let participant = access::participant(conn, participant_id, actor.scope())?;
        let cohort = cohort_id
            .and_then(|c| Cohort::find_visible(conn, c, actor.scope()).ok())
            .ok_or_else(|| AppError::invalid("cohort_id", "Select a cohort"))?;
        enrol(conn, actor, &cohort, &participant)
    })
}

/// The write both ways of enrolling share: refused when the resident was erased, is already
/// in the cohort (409), or the cohort is closed, full, or they would be under 16 or over
/// 100 when it starts.
fn enrol(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort: &Cohort,
    participant: &Participant,
) -> AppResult<Enrolment> {
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
    let mut refusal = eligibility::closed(&cohort);
    if refusal.is_none() {
        refusal = full(conn, &cohort)?;
    }
    let refusal = refusal.or_else(|| {
        let name = participant.full_name();
        eligibility::too_young_or_old(&name, participant.date_of_birth, &cohort)
    });
    if let Some(message) = refusal {
        return Err(AppError::invalid("participant_id", message));
    }
    let enrolment = Enrolment::create(
        conn,
        participant.id,
        cohort.id,
        Some(actor.user_id),
        actor.today,
        actor.now,
    )?;
    let change = Change {
        entity: "enrolment",
        id: enrolment.id,
        participant_id: Some(enrolment.participant_id),
        before: None::<&Enrolment>,
        after: Some(&enrolment),
    };
    audit::record(conn, actor, AuditAction::Create, change)?;
    Ok(enrolment)
}

/// Why one more resident cannot join `cohort`, when it has no place left.
fn full(conn: &mut DbConnection, cohort: &Cohort) -> AppResult<Option<String>> {
    Ok((eligibility::free_places(conn, cohort)? == 0).then(|| {
        format!(
            "This cohort is full: all {} places are taken. Raise its capacity or enrol the resident in another cohort",
            cohort.capacity
        )
    }))
}

/// An enrolment the actor may change, with its cohort and resident (the change form).
pub fn for_change(
    conn: &mut DbConnection,
    actor: &Actor,
    enrolment_id: i32,
) -> AppResult<(Enrolment, Cohort, Participant)> {
    actor.require(Permission::ManageEnrolments)?;
    let (enrolment, cohort) = access::enrolment(conn, enrolment_id, actor.scope())?;
    let participant = Participant::find(conn, enrolment.participant_id)?;
    Ok((enrolment, cohort, participant))
}

/// Applies a stage change and/or interview and offer dates, with a history row when the
/// stage moves. Illegal moves and a withdrawal without a reason are refused (422).
pub fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    enrolment_id: i32,
    input: &EnrolmentInput,
) -> AppResult<Enrolment> {
    actor.require(Permission::ManageEnrolments)?;
    write_transaction(conn, |conn| {
        let (before, _) = access::enrolment(conn, enrolment_id, actor.scope())?;
        let (first_seen, change) = (
            before.stage,
            check(input, before.stage, actor.today).map_err(AppError::Validation)?,
        );
        // Stage changes of a cohort's enrolments (here and by a register) take turns; the
        // whole change is checked again against the stage as it is now, so a move that
        // became illegal, or a withdrawal that now needs its reason, is refused.
        Cohort::lock(conn, before.cohort_id)?;
        let before = Enrolment::find(conn, before.id)?;
        let change = if before.stage == first_seen {
            change
        } else {
            check(input, before.stage, actor.today).map_err(AppError::Validation)?
        };
        let moving = change.stage.filter(|s| *s != before.stage);
        if let Some(to) = moving {
            Enrolment::record_stage_change(
                conn,
                before.id,
                Some(before.stage),
                to,
                Some(actor.user_id),
                actor.today,
                actor.now,
            )?;
        }
        let changes = changes(&before, &change, moving, actor);
        let after = Enrolment::update(conn, before.id, &changes)?;
        let change = Change {
            entity: "enrolment",
            id: after.id,
            participant_id: Some(after.participant_id),
            before: Some(&before),
            after: Some(&after),
        };
        audit::record(conn, actor, AuditAction::Update, change)?;
        Ok(after)
    })
}

/// The columns a checked change sets: a move to `withdrawn` sets the reason and date, any
/// other move clears them; a reason alone is kept only while withdrawn.
fn changes(
    before: &Enrolment,
    change: &EnrolmentChange,
    moving: Option<Stage>,
    actor: &Actor,
) -> EnrolmentChanges {
    let mut changes = EnrolmentChanges {
        interviewed_on: change.interviewed_on,
        offered_on: change.offered_on,
        updated_at: Some(actor.now),
        ..EnrolmentChanges::default()
    };
    let reason = change.withdrawal_reason;
    if let Some(to) = moving {
        let withdrawn = to == Stage::Withdrawn;
        changes.stage = Some(to);
        changes.withdrawal_reason = Some(reason.filter(|_| withdrawn));
        changes.withdrawn_on = Some(withdrawn.then_some(actor.today));
    } else if let Some(reason) = reason.filter(|_| before.stage == Stage::Withdrawn) {
        changes.withdrawal_reason = Some(Some(reason));
    }
    changes
}

/// Checks an [`EnrolmentInput`] against the enrolment's stage `from`.
pub fn check(
    input: &EnrolmentInput,
    from: Stage,
    today: NaiveDate,
) -> Result<EnrolmentChange, FieldErrors> {
    let mut errors = FieldErrors::new();
    let filled = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let stage = filled(&input.stage).and_then(|code| match Stage::parse(&code) {
        None => {
            errors.add("stage", "Select a stage");
            None
        }
        Some(stage) => {
            if let Err(message) = from.check_transition(stage) {
                errors.add("stage", message);
            }
            Some(stage)
        }
    });
    let reason = filled(&input.withdrawal_reason).and_then(|code| {
        let reason = WithdrawalReason::parse(&code);
        if reason.is_none() {
            errors.add("withdrawal_reason", "Select why the resident withdrew");
        }
        reason
    });
    let withdrawing = stage == Some(Stage::Withdrawn) && from != Stage::Withdrawn;
    if withdrawing && reason.is_none() {
        errors.add("withdrawal_reason", "Select why the resident withdrew");
    }
    let mut date = |value: &Option<String>, field: &str, what: &str| {
        let value = value.as_deref()?.trim();
        if value.is_empty() {
            return Some(None);
        }
        validate::past_date(value, what, "2026-01-05", today)
            .map_err(|message| errors.add(field, message))
            .ok()
            .map(Some)
    };
    let interviewed_on = date(&input.interviewed_on, "interviewed_on", "Interview date");
    let offered_on = date(&input.offered_on, "offered_on", "Offer date");
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(EnrolmentChange {
        stage,
        withdrawal_reason: reason,
        interviewed_on,
        offered_on,
    })
}
