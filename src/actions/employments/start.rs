//! Recording a job start: the enrolment it is attributed to, the employer (a partner of
//! the programme; HR only their own organisation), the facts of the job and its start
//! date, with its three checkpoints created in the same transaction.

use chrono::NaiveDate;

use super::input::EmploymentInput;
use super::{code, date, long_date};
use crate::db::{DbConnection, write_transaction};
use crate::domain::employment::{Contract, StaffGroup};
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::employment::NewEmployment;
use crate::models::enrolment::EnrolmentChanges;
use crate::models::{
    Checkpoint, Cohort, Employment, Enrolment, Organisation, Participant, Programme, access,
};
use crate::validate;

/// Band 1 closed to new starters from this date (NHS Terms and Conditions, 2018 deal).
pub fn band_one_closed_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 12, 1).unwrap_or_default()
}

/// Records a job start with its three checkpoints, audited. Only roles that record jobs;
/// the resident must be visible to `actor`, and HR may record only at their own
/// organisation.
pub fn record_employment(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &EmploymentInput,
) -> AppResult<Employment> {
    actor.require(Permission::RecordEmployments)?;
    write_transaction(conn, |conn| {
        let new = parse(conn, actor, input)?;
        let employment = Employment::create(conn, &new, actor.now)?;
        Checkpoint::create_for(conn, employment.id, employment.start_date)?;
        let change = Change {
            entity: "employment",
            id: employment.id,
            participant_id: Some(new.participant_id),
            before: None::<&()>,
            after: Some(&employment),
        };
        audit::record(conn, actor, AuditAction::Create, change)?;
        fill_offer(conn, actor, &employment)?;
        Ok(employment)
    })
}

/// A job start implies an offer: fills the enrolment's empty offer date with the job's
/// start date, audited like an offer recorded on the enrolment, so `offered ≥ employed`
/// holds in every report. Under the cohort's lock, as every enrolment change is, so an
/// offer typed meanwhile is read before it is kept or filled.
fn fill_offer(conn: &mut DbConnection, actor: &Actor, employment: &Employment) -> AppResult<()> {
    let enrolment = Enrolment::find(conn, employment.enrolment_id)?;
    Cohort::lock(conn, enrolment.cohort_id)?;
    let before = Enrolment::find(conn, enrolment.id)?;
    if before.offered_on.is_some() {
        return Ok(());
    }
    let changes = EnrolmentChanges {
        offered_on: Some(Some(employment.start_date)),
        updated_at: Some(actor.now),
        ..EnrolmentChanges::default()
    };
    let after = Enrolment::update(conn, before.id, &changes)?;
    let change = Change {
        entity: "enrolment",
        id: after.id,
        participant_id: Some(after.participant_id),
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(conn, actor, AuditAction::Update, change)?;
    Ok(())
}

/// The job's own facts, each `None` when missing or invalid (the problem is in `errors`).
struct Facts {
    site: Option<String>,
    job_title: Option<String>,
    staff_group: Option<StaffGroup>,
    contract: Option<Contract>,
    start_date: Option<NaiveDate>,
    band: Option<i32>,
    hours_per_week: Option<f64>,
}

/// The checked job start, or every problem with it at once.
fn parse(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &EmploymentInput,
) -> AppResult<NewEmployment> {
    let mut errors = FieldErrors::new();
    let facts = facts(input, &mut errors);
    let Some((participant, enrolment, cohort)) = placement(conn, actor, input, &mut errors)? else {
        return Err(AppError::Validation(errors));
    };
    let employer = employer(conn, actor, input, &cohort, &mut errors)?;
    if let Some(start) = facts.start_date
        && start < cohort.starts_on
    {
        errors.add(
            "start_date",
            format!(
                "Start date must be on or after the cohort's start, {}",
                long_date(cohort.starts_on)
            ),
        );
    }
    let Facts {
        site: Some(site),
        job_title: Some(job_title),
        staff_group: Some(staff_group),
        contract: Some(contract),
        start_date: Some(start_date),
        band: Some(band),
        hours_per_week: Some(hours_per_week),
    } = facts
    else {
        return Err(AppError::Validation(errors));
    };
    let Some(employer_organisation_id) = employer else {
        return Err(AppError::Validation(errors));
    };
    errors.into_result()?;
    Ok(NewEmployment {
        participant_id: participant.id,
        enrolment_id: enrolment.id,
        employer_organisation_id,
        site,
        job_title,
        staff_group,
        band,
        hours_per_week,
        contract,
        start_date,
    })
}

/// The site, title, staff group, contract, start, band and hours, checked.
fn facts(input: &EmploymentInput, errors: &mut FieldErrors) -> Facts {
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
        input.staff_group.as_deref(),
        StaffGroup::parse,
        "staff_group",
        "Select a staff group",
        errors,
    );
    let contract = code(
        input.contract.as_deref(),
        Contract::parse,
        "contract",
        "Select a contract type",
        errors,
    );
    let start_date = date(
        input.start_date.as_deref(),
        "start_date",
        "Start date",
        errors,
    );
    Facts {
        site,
        job_title,
        staff_group,
        contract,
        band: band(input.band, start_date, errors),
        hours_per_week: hours(input.hours_per_week, errors),
        start_date,
    }
}

/// An Agenda for Change band, 1–9; band 1 only for starts before it closed.
fn band(band: Option<i32>, start: Option<NaiveDate>, errors: &mut FieldErrors) -> Option<i32> {
    let problem = match band {
        None => "Enter the Agenda for Change band",
        Some(b) if !(1..=9).contains(&b) => "Band must be between 1 and 9",
        Some(1) if start.is_some_and(|d| d >= band_one_closed_from()) => {
            "Band 1 closed to new starters on 1 December 2018: choose band 2 or above"
        }
        Some(b) => return Some(b),
    };
    errors.add("band", problem);
    None
}

/// Contracted hours per week, 1–48.
fn hours(hours: Option<f64>, errors: &mut FieldErrors) -> Option<f64> {
    match hours {
        None => errors.add("hours_per_week", "Enter the hours per week"),
        Some(h) if !(1.0..=48.0).contains(&h) => {
            errors.add("hours_per_week", "Hours per week must be between 1 and 48")
        }
        Some(h) => return Some(h),
    }
    None
}

/// The resident (visible to `actor`), their enrolment and its cohort (visible too);
/// `None` when one is missing, with the problem in `errors`.
fn placement(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &EmploymentInput,
    errors: &mut FieldErrors,
) -> AppResult<Option<(Participant, Enrolment, Cohort)>> {
    let participant_id = input.participant_id.unwrap_or_default();
    let Ok(participant) = access::participant(conn, participant_id, actor.scope()) else {
        errors.add("participant_id", "Select a resident");
        return Ok(None);
    };
    let enrolment = input
        .enrolment_id
        .and_then(|id| Enrolment::find(conn, id).ok())
        .filter(|e| e.participant_id == participant.id);
    let cohort = enrolment
        .as_ref()
        .and_then(|e| Cohort::find_visible(conn, e.cohort_id, actor.scope()).ok());
    match (enrolment, cohort) {
        (Some(enrolment), Some(cohort)) => Ok(Some((participant, enrolment, cohort))),
        _ => {
            errors.add("enrolment_id", "Select one of this resident's enrolments");
            Ok(None)
        }
    }
}

/// The employer: a partner of the cohort's programme, and for HR their own organisation.
fn employer(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &EmploymentInput,
    cohort: &Cohort,
    errors: &mut FieldErrors,
) -> AppResult<Option<i32>> {
    let employer = input
        .employer_organisation_id
        .and_then(|id| Organisation::find(conn, id).ok());
    let problem = match (employer, actor.scope()) {
        (None, _) => "Select the employer",
        (Some(org), Some(own)) if actor.employer_only() && org.id != own => {
            "You can record jobs only at your own organisation"
        }
        (Some(org), _) if !Programme::has_partner(conn, cohort.programme_id, org.id)? => {
            "The employer must be a partner of the resident's programme"
        }
        (Some(org), _) => return Ok(Some(org.id)),
    };
    errors.add("employer_organisation_id", problem);
    Ok(None)
}

/// What the job start form offers: the resident, their enrolments the caller may see,
/// and the employers they may choose.
pub struct JobStartChoices {
    /// The resident.
    pub participant: Participant,
    /// Their enrolments visible to the caller, with the cohorts.
    pub enrolments: Vec<(Enrolment, Cohort)>,
    /// Partners of those enrolments' programmes, by name; HR only their own organisation.
    pub employers: Vec<Organisation>,
}

/// The job start form's choices for resident `participant_id` (403 for roles that do not
/// record jobs; 404 unless the resident is visible).
pub fn job_start_choices(
    conn: &mut DbConnection,
    actor: &Actor,
    participant_id: i32,
) -> AppResult<JobStartChoices> {
    actor.require(Permission::RecordEmployments)?;
    let participant = access::participant(conn, participant_id, actor.scope())?;
    let enrolments = Enrolment::visible_for_participant(conn, participant_id, actor.scope())?;
    let programmes: Vec<i32> = enrolments.iter().map(|(_, c)| c.programme_id).collect();
    let mut employers: Vec<Organisation> = Vec::new();
    for (_, org) in Programme::partners_of(conn, &programmes)? {
        let own = !actor.employer_only() || actor.scope() == Some(org.id);
        if own && !employers.iter().any(|o| o.id == org.id) {
            employers.push(org);
        }
    }
    employers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(JobStartChoices {
        participant,
        enrolments,
        employers,
    })
}
