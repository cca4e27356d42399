//! Residents: finding them, adding them, changing their details and recording their
//! equality monitoring answers, and noting them at an information session. Each function checks the permission, finds the resident
//! only when the actor may see them (404 otherwise), validates into a checked record, then
//! writes with its audit row, in one transaction.

use crate::actions::enrolments;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::equality::{check_equality, save_equality as store_equality};
use crate::models::information_session::{self, InformationSession};
use crate::models::page::{PageRequest, Paged};
use crate::models::participant_input::{
    ParticipantInput, check, create_participant, update_participant,
};
use crate::models::{
    Cohort, Enrolment, EqualityAnswers, Participant, ParticipantRecord, Programme, access,
};
use crate::validate;

/// Residents the actor may see whose names match `q` (checked search text), by id after
/// `after`, at most `limit`.
pub fn search(
    conn: &mut DbConnection,
    actor: &Actor,
    q: &str,
    page: &PageRequest<i32>,
) -> AppResult<Paged<Participant>> {
    actor.require(Permission::ViewParticipants)?;
    let q = validate::search(q).map_err(|m| AppError::invalid("q", m))?;
    let after = page.after.unwrap_or(0);
    let rows = Participant::search(conn, actor.scope(), &q, after, page.fetch())?;
    Ok(Paged::from_fetched(rows, page, |p| p.id))
}

/// One resident the actor may see.
pub fn show(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<Participant> {
    actor.require(Permission::ViewParticipants)?;
    Ok(access::participant(conn, id, actor.scope())?)
}

/// One resident the actor may see and change (the edit form).
pub fn for_edit(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<Participant> {
    actor.require(Permission::EditParticipants)?;
    Ok(access::participant(conn, id, actor.scope())?)
}

/// Adds a resident owned by the actor's organisation; 409 naming the record already on
/// file when they are. `unread` carries problems found while reading a form (empty from
/// the API), reported together with the checks' own.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &ParticipantInput,
    unread: FieldErrors,
) -> AppResult<Participant> {
    actor.require(Permission::EditParticipants)?;
    let record = checked(input, actor, unread)?;
    let (owner, scope) = (actor.organisation_id, actor.scope());
    create_participant(conn, actor.user_id, owner, scope, record, actor.now)
}

/// A cohort the actor may add residents to and enrol them in (the add-and-enrol form).
pub fn cohort_to_add_to(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort_id: i32,
) -> AppResult<Cohort> {
    actor.require(Permission::EditParticipants)?;
    actor.require(Permission::ManageEnrolments)?;
    Ok(Cohort::find_visible(conn, cohort_id, actor.scope())?)
}

/// Adds a resident and enrols them in a cohort the actor may see, in one transaction:
/// both are written with their audit rows, or neither is. The checks are [`create`]'s
/// (409 naming the record already on file) and the enrolment's (a closed or full cohort,
/// an age outside 16 to 100 when it starts).
pub fn add_and_enrol(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort_id: i32,
    input: &ParticipantInput,
    unread: FieldErrors,
) -> AppResult<(Participant, Enrolment)> {
    cohort_to_add_to(conn, actor, cohort_id)?;
    write_transaction(conn, |conn| {
        // The cohort first, then the person: the order imports and enrolments keep, so
        // none of them waits on another in a circle.
        Cohort::lock(conn, cohort_id)?;
        let participant = create(conn, actor, input, unread.clone())?;
        let enrolment = enrolments::enrol_in_cohort(conn, actor, cohort_id, participant.id)?;
        Ok((participant, enrolment))
    })
}

/// Replaces a resident's details with a whole form's worth (see [`create`] for `unread`).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    input: &ParticipantInput,
    unread: FieldErrors,
) -> AppResult<Participant> {
    actor.require(Permission::EditParticipants)?;
    write_transaction(conn, |conn| {
        access::participant(conn, id, actor.scope())?;
        let record = checked(input, actor, unread.clone())?;
        update_participant(conn, actor.user_id, actor.scope(), id, record, actor.now)
    })
}

/// Changes the fields a patch names, keeping the rest as they are.
pub fn patch(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    patch: &ParticipantInput,
) -> AppResult<Participant> {
    actor.require(Permission::EditParticipants)?;
    write_transaction(conn, |conn| {
        let existing = access::participant(conn, id, actor.scope())?;
        let record = checked(&merge(&existing, patch.clone()), actor, FieldErrors::new())?;
        update_participant(conn, actor.user_id, actor.scope(), id, record, actor.now)
    })
}

/// The checked record, or every problem: those found reading the form first.
fn checked(
    input: &ParticipantInput,
    actor: &Actor,
    unread: FieldErrors,
) -> AppResult<ParticipantRecord> {
    match check(input, actor.today) {
        Ok(record) if unread.is_empty() => Ok(record),
        Ok(_) => Err(AppError::Validation(unread)),
        Err(errors) => Err(AppError::Validation(merge_errors(unread, errors))),
    }
}

/// Merges the checks' problems after the form's, keeping the first per field.
fn merge_errors(mut first: FieldErrors, then: FieldErrors) -> FieldErrors {
    for (field, message) in then.iter() {
        first.add(field, message.clone());
    }
    first
}

fn merge(existing: &Participant, patch: ParticipantInput) -> ParticipantInput {
    let keep = |new: Option<String>, old: Option<String>| new.or(old);
    ParticipantInput {
        given_name: keep(patch.given_name, Some(existing.given_name.clone())),
        family_name: keep(patch.family_name, Some(existing.family_name.clone())),
        date_of_birth: keep(
            patch.date_of_birth,
            Some(existing.date_of_birth.to_string()),
        ),
        postcode: keep(patch.postcode, Some(existing.postcode.clone())),
        email: keep(patch.email, existing.email.clone()),
        phone: keep(patch.phone, existing.phone.clone()),
        referral_source: keep(patch.referral_source, existing.referral_source.clone()),
        employment_status: keep(patch.employment_status, existing.employment_status.clone()),
        months_unemployed: patch.months_unemployed.or(existing.months_unemployed),
        benefit_status: keep(patch.benefit_status, existing.benefit_status.clone()),
        consent_given_on: keep(
            patch.consent_given_on,
            existing.consent_given_on.map(|d| d.to_string()),
        ),
        lawful_basis: keep(patch.lawful_basis, existing.lawful_basis.clone()),
    }
}

/// A resident the actor may see, with their equality answers (all `None` when none were
/// recorded); only roles that may see equality data.
pub fn equality(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
) -> AppResult<(Participant, EqualityAnswers)> {
    actor.require(Permission::ViewEqualityData)?;
    let participant = access::participant(conn, id, actor.scope())?;
    let answers = EqualityAnswers::find(conn, id)?.unwrap_or_default();
    Ok((participant, answers))
}

/// Records a resident's equality answers (see [`create`] for `unread`), audited without
/// the answers themselves.
pub fn save_equality(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    answers: &EqualityAnswers,
    unread: FieldErrors,
) -> AppResult<EqualityAnswers> {
    actor.require(Permission::ViewEqualityData)?;
    write_transaction(conn, |conn| {
        access::participant(conn, id, actor.scope())?;
        let answers = match check_equality(answers, actor.today) {
            Ok(answers) if unread.is_empty() => answers,
            Ok(_) => return Err(AppError::Validation(unread.clone())),
            Err(errors) => return Err(AppError::Validation(merge_errors(unread.clone(), errors))),
        };
        store_equality(conn, actor.user_id, id, &answers, actor.now)?;
        Ok(answers)
    })
}

/// Notes that a resident the actor may see (404 otherwise) registered at an information
/// session of a programme the actor partners in (422 for any other choice).
pub fn note_information_session(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    session_id: Option<i32>,
) -> AppResult<()> {
    actor.require(Permission::ManageEnrolments)?;
    write_transaction(conn, |conn| {
        access::participant(conn, id, actor.scope())?;
        let session = session_id
            .and_then(|s| InformationSession::find(conn, s).ok())
            .filter(|s| Programme::find_visible(conn, s.programme_id, actor.scope()).is_ok())
            .ok_or_else(|| {
                AppError::invalid("information_session_id", "Select an information session")
            })?;
        information_session::add_attendee(conn, actor.user_id, &session, id, actor.now)
    })
}
