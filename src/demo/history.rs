//! The demo's history, 2019 to the demo date: cohorts and their schedules, information
//! sessions, residents and their equality answers, enrolments, registers, jobs,
//! checkpoints and progressions. Replayed in date order through the same model functions
//! the pages and the API call, each with the date it happened on as "today", so every
//! rule is checked and every as-at report sees the history as it unfolded.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::cast::{Cast, admin, at, coordinator, missing};
use super::jobs;
use crate::actions::cohorts::{self as cohort_actions, CohortInput};
use crate::actions::enrolments::{self, EnrolmentInput};
use crate::actions::registers::{self, RegisterEntry};
use crate::db::DbConnection;
use crate::domain::{CohortStatus, Mark, Stage};
use crate::error::{AppError, AppResult};
use crate::models::deprivation::DeprivationArea;
use crate::models::equality::{check_equality, save_equality};
use crate::models::information_session::{self, InformationSession};
use crate::models::participant_input::{ParticipantInput, check, create_participant};
use crate::models::{Cohort, CourseSession, Enrolment, EqualityAnswers, Participant};

const DEPRIVATION: &str = include_str!("../../fixtures/deprivation.csv");
const COHORTS: &str = include_str!("../../fixtures/cohorts.csv");
const INFORMATION_SESSIONS: &str = include_str!("../../fixtures/information_sessions.csv");
const PARTICIPANTS: &str = include_str!("../../fixtures/participants.csv");
const ENROLMENTS: &str = include_str!("../../fixtures/enrolments.csv");
const EMPLOYMENTS: &str = include_str!("../../fixtures/employments.csv");
const PROGRESSIONS: &str = include_str!("../../fixtures/progressions.csv");

/// How many cohorts `fixtures/cohorts.csv` holds.
pub const COHORT_COUNT: usize = 22;

#[derive(Debug, Deserialize)]
struct CohortRow {
    name: String,
    starts_on: NaiveDate,
    status: String,
    capacity: i32,
    venue: String,
}

#[derive(Debug, Deserialize)]
struct InformationSessionRow {
    held_on: NaiveDate,
    venue: String,
    head_count: i32,
    named: String,
}

#[derive(Debug, Deserialize)]
struct PersonRow {
    r#ref: String,
    given_name: String,
    family_name: String,
    date_of_birth: String,
    postcode: String,
    email: Option<String>,
    phone: Option<String>,
    referral_source: Option<String>,
    employment_status: Option<String>,
    months_unemployed: Option<i32>,
    benefit_status: Option<String>,
    consent_given_on: Option<String>,
    ethnic_group: Option<String>,
    sex: Option<String>,
    disability: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EnrolmentRow {
    r#ref: String,
    cohort: String,
    applied_on: NaiveDate,
    accepted_on: Option<NaiveDate>,
    not_started_on: Option<NaiveDate>,
    attendance: Option<String>,
    withdrawn_on: Option<NaiveDate>,
    withdrawal_reason: Option<String>,
    completed_on: Option<NaiveDate>,
    interviewed_on: Option<NaiveDate>,
    offered_on: Option<NaiveDate>,
}

pub(super) fn rows<T: for<'de> Deserialize<'de>>(text: &str, file: &str) -> AppResult<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("fixtures/{file} is malformed: {e}")))
}

fn stage(
    conn: &mut DbConnection,
    cast: Cast,
    enrolment: &mut Enrolment,
    input: EnrolmentInput,
    on: NaiveDate,
) -> AppResult<()> {
    let actor = coordinator(cast, on);
    *enrolment = enrolments::change(conn, &actor, enrolment.id, &input)?;
    Ok(())
}

fn to_stage(to: Stage, reason: Option<String>) -> EnrolmentInput {
    EnrolmentInput {
        stage: Some(to.as_str().to_owned()),
        withdrawal_reason: reason,
        ..EnrolmentInput::default()
    }
}

/// Replays the whole history. Runs inside the caller's transaction.
pub fn load(conn: &mut DbConnection, cast: Cast, progress: &mut dyn FnMut(&str)) -> AppResult<()> {
    let areas: Vec<DeprivationArea> = rows(DEPRIVATION, "deprivation.csv")?;
    DeprivationArea::upsert(conn, &areas)?;
    let people: HashMap<String, PersonRow> = rows::<PersonRow>(PARTICIPANTS, "participants.csv")?
        .into_iter()
        .map(|p| (p.r#ref.clone(), p))
        .collect();
    let sessions = information_sessions(conn, cast)?;
    let enrolments: Vec<EnrolmentRow> = rows(ENROLMENTS, "enrolments.csv")?;
    let mut enrolled: HashMap<(String, String), Enrolment> = HashMap::new();
    for row in rows::<CohortRow>(COHORTS, "cohorts.csv")? {
        progress(&row.name);
        let mine: Vec<&EnrolmentRow> = enrolments.iter().filter(|e| e.cohort == row.name).collect();
        for (reference, enrolment) in run_cohort(conn, cast, &row, &mine, &people, &sessions)? {
            enrolled.insert((reference, row.name.clone()), enrolment);
        }
    }
    let steps: Vec<jobs::ProgressionRow> = rows(PROGRESSIONS, "progressions.csv")?;
    for job in rows::<jobs::EmploymentRow>(EMPLOYMENTS, "employments.csv")? {
        let enrolment = enrolled
            .get(&(job.r#ref.clone(), job.cohort.clone()))
            .ok_or_else(|| missing("enrolment"))?;
        let mine: Vec<&jobs::ProgressionRow> = steps
            .iter()
            .filter(|s| s.r#ref == job.r#ref && s.job_start == job.start_date)
            .collect();
        jobs::run_job(conn, cast.hr, enrolment, &job, &mine)?;
    }
    Ok(())
}

fn information_sessions(
    conn: &mut DbConnection,
    cast: Cast,
) -> AppResult<Vec<(InformationSession, Vec<String>)>> {
    let mut out = Vec::new();
    for row in rows::<InformationSessionRow>(INFORMATION_SESSIONS, "information_sessions.csv")? {
        let session = information_session::create(
            conn,
            cast.coordinator.0,
            cast.programme_id,
            (row.held_on, row.venue, row.head_count),
            at(row.held_on),
        )?;
        let named = row.named.split_whitespace().map(str::to_owned).collect();
        out.push((session, named));
    }
    Ok(out)
}

/// A cohort from creation to its final status; returns its enrolments by person.
fn run_cohort(
    conn: &mut DbConnection,
    cast: Cast,
    row: &CohortRow,
    enrolments: &[&EnrolmentRow],
    people: &HashMap<String, PersonRow>,
    information: &[(InformationSession, Vec<String>)],
) -> AppResult<Vec<(String, Enrolment)>> {
    let created = row.starts_on - chrono::TimeDelta::days(70);
    let input = CohortInput {
        programme_id: Some(cast.programme_id),
        name: Some(row.name.clone()),
        starts_on: Some(row.starts_on.to_string()),
        weeks: Some(6),
        capacity: Some(row.capacity),
        venue: Some(row.venue.clone()),
        status: Some(CohortStatus::Recruiting.as_str().to_owned()),
    };
    let by_admin = admin(cast, created);
    let cohort = cohort_actions::create(conn, &by_admin, Ok(input), Default::default())?.cohort;
    cohort_actions::generate_schedule(conn, &by_admin, cohort.id, Ok(false))?;
    let mut roster = Vec::new();
    for &e in enrolments {
        roster.push((e, apply(conn, cast, &cohort, e, people, information)?));
    }
    take_registers(conn, cast, &cohort, &mut roster)?;
    finish(conn, cast, &cohort, row)?;
    Ok(roster
        .into_iter()
        .map(|(e, enrolment)| (e.r#ref.clone(), enrolment))
        .collect())
}

/// One resident's application to `cohort`: the resident, the information sessions they
/// came to, the enrolment and its stages before the course.
fn apply(
    conn: &mut DbConnection,
    cast: Cast,
    cohort: &Cohort,
    e: &EnrolmentRow,
    people: &HashMap<String, PersonRow>,
    information: &[(InformationSession, Vec<String>)],
) -> AppResult<Enrolment> {
    let person = people.get(&e.r#ref).ok_or_else(|| missing("resident"))?;
    let participant = create_person(conn, cast, person, e.applied_on)?;
    for (session, named) in information {
        if named.contains(&e.r#ref) {
            let (actor, when) = (cast.coordinator.0, at(session.held_on));
            information_session::add_attendee(conn, actor, session, participant.id, when)?;
        }
    }
    let actor = coordinator(cast, e.applied_on);
    let mut enrolment = enrolments::enrol_in_cohort(conn, &actor, cohort.id, participant.id)?;
    if let Some(on) = e.accepted_on {
        stage(
            conn,
            cast,
            &mut enrolment,
            to_stage(Stage::Accepted, None),
            on,
        )?;
    }
    if let Some(on) = e.not_started_on {
        let input = to_stage(Stage::NotStarted, None);
        stage(conn, cast, &mut enrolment, input, on)?;
    }
    if let (None, Some(on)) = (e.accepted_on, e.withdrawn_on) {
        let input = to_stage(Stage::Withdrawn, e.withdrawal_reason.clone());
        stage(conn, cast, &mut enrolment, input, on)?;
    }
    Ok(enrolment)
}

fn create_person(
    conn: &mut DbConnection,
    cast: Cast,
    p: &PersonRow,
    on: NaiveDate,
) -> AppResult<Participant> {
    let input = ParticipantInput {
        given_name: Some(p.given_name.clone()),
        family_name: Some(p.family_name.clone()),
        date_of_birth: Some(p.date_of_birth.clone()),
        postcode: Some(p.postcode.clone()),
        email: p.email.clone(),
        phone: p.phone.clone(),
        referral_source: p.referral_source.clone(),
        employment_status: p.employment_status.clone(),
        months_unemployed: p.months_unemployed,
        benefit_status: p.benefit_status.clone(),
        consent_given_on: p.consent_given_on.clone(),
        lawful_basis: Some("public_task".into()),
    };
    let record = check(&input, on).map_err(AppError::Validation)?;
    let (actor, owner) = cast.coordinator;
    let participant = create_participant(conn, actor, owner, None, record, at(on))?;
    if p.ethnic_group.is_some() || p.sex.is_some() || p.disability.is_some() {
        let answers = EqualityAnswers {
            ethnic_group: p.ethnic_group.clone(),
            sex: p.sex.clone(),
            disability: p.disability.clone(),
            consent_given_on: Some(on),
        };
        let answers = check_equality(&answers, on).map_err(AppError::Validation)?;
        save_equality(conn, actor, participant.id, &answers, at(on))?;
    }
    Ok(participant)
}

/// Every held session's register in date order; withdrawals happen on their day.
fn take_registers(
    conn: &mut DbConnection,
    cast: Cast,
    cohort: &Cohort,
    roster: &mut [(&EnrolmentRow, Enrolment)],
) -> AppResult<()> {
    let sessions = CourseSession::list_for_cohort(conn, cohort.id)?;
    for (i, session) in sessions.iter().enumerate() {
        let entries = register_entries(conn, cast, session, i, roster)?;
        if entries.is_empty() {
            continue;
        }
        let day = session.held_on;
        let by = coordinator(cast, day);
        registers::save(conn, &by, session.id, Ok(entries))?;
        // The register may have started people: read their stages back in one query.
        let mut fresh: HashMap<i32, Enrolment> = Enrolment::roster(conn, cohort.id)?
            .into_iter()
            .map(|r| (r.enrolment.id, r.enrolment))
            .collect();
        for (_, enrolment) in roster.iter_mut() {
            if let Some(now) = fresh.remove(&enrolment.id) {
                *enrolment = now;
            }
        }
    }
    after_course(conn, cast, roster)
}

/// The register of session number `i`: each mark from the fixture's attendance string,
/// after withdrawing whoever left on or before the session's day.
fn register_entries(
    conn: &mut DbConnection,
    cast: Cast,
    session: &CourseSession,
    i: usize,
    roster: &mut [(&EnrolmentRow, Enrolment)],
) -> AppResult<Vec<RegisterEntry>> {
    let mut entries = Vec::new();
    for (row, enrolment) in roster.iter_mut() {
        if row.accepted_on.is_some()
            && let Some(on) = row.withdrawn_on.filter(|d| *d <= session.held_on)
            && enrolment.stage != Stage::Withdrawn
        {
            let input = to_stage(Stage::Withdrawn, row.withdrawal_reason.clone());
            stage(conn, cast, enrolment, input, on)?;
        }
        let mark = row.attendance.as_deref().and_then(|a| a.chars().nth(i));
        let mark = match mark {
            Some('P') => Mark::Present,
            Some('L') => Mark::Late,
            Some('A') => Mark::AuthorisedAbsence,
            Some('U') => Mark::UnauthorisedAbsence,
            _ => continue,
        };
        entries.push(RegisterEntry {
            enrolment_id: enrolment.id,
            status: Some(mark.as_str().to_owned()),
        });
    }
    Ok(entries)
}

/// Completions by a coordinator, then interviews and offers, after the registers.
fn after_course(
    conn: &mut DbConnection,
    cast: Cast,
    roster: &mut [(&EnrolmentRow, Enrolment)],
) -> AppResult<()> {
    for (row, enrolment) in roster.iter_mut() {
        if let Some(on) = row.completed_on {
            stage(conn, cast, enrolment, to_stage(Stage::Completed, None), on)?;
        }
        if let Some(on) = row.offered_on.or(row.interviewed_on) {
            let input = EnrolmentInput {
                interviewed_on: row.interviewed_on.map(|d| d.to_string()),
                offered_on: row.offered_on.map(|d| d.to_string()),
                ..EnrolmentInput::default()
            };
            stage(conn, cast, enrolment, input, on)?;
        }
    }
    Ok(())
}

/// Moves the cohort to its final status: running from its start, then finished after its
/// last session, or cancelled before it began.
fn finish(conn: &mut DbConnection, cast: Cast, cohort: &Cohort, row: &CohortRow) -> AppResult<()> {
    let mut set = |status: CohortStatus, on: NaiveDate| {
        let input = CohortInput {
            status: Some(status.as_str().to_owned()),
            ..CohortInput::default()
        };
        cohort_actions::update(
            conn,
            &admin(cast, on),
            cohort.id,
            Ok(input),
            Default::default(),
        )
        .map(drop)
    };
    match CohortStatus::parse(&row.status) {
        Some(CohortStatus::Cancelled) => set(
            CohortStatus::Cancelled,
            row.starts_on - chrono::TimeDelta::days(7),
        ),
        Some(CohortStatus::Running) => set(CohortStatus::Running, row.starts_on),
        Some(CohortStatus::Finished) => {
            set(CohortStatus::Running, row.starts_on)?;
            set(
                CohortStatus::Finished,
                cohort.planned_end() + chrono::TimeDelta::days(3),
            )
        }
        _ => Ok(()),
    }
}
