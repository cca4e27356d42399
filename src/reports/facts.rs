//! The facts every report is computed from, read as at a date for a batch of cohorts in a
//! fixed number of grouped queries (never one per person): the cohorts and their
//! schedules, each enrolment with its person, its stage as at the date, its attendance
//! counts, and its jobs, checkpoints and progressions up to the date.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

pub use jobs::{JobFacts, Step};

use crate::db::DbConnection;
use crate::domain::{Stage, WithdrawalReason};
use crate::models::CourseSession;
use crate::models::attendance::{held_as_at, is_outstanding};
use crate::schema::{
    attendance, cohorts, course_sessions, deprivation_lookup, enrolment_stage_changes, enrolments,
    equality_monitoring, participants, programmes,
};

mod jobs;

/// A cohort as the reports see it.
#[derive(Debug, Clone)]
pub struct CohortFacts {
    /// Cohort id.
    pub id: i32,
    /// Programme id.
    pub programme_id: i32,
    /// Programme name.
    pub programme: String,
    /// Cohort name.
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// The last session that is not cancelled (or the planned end with no schedule).
    pub ends_on: NaiveDate,
    /// Completion threshold, percent of held sessions.
    pub threshold: i32,
    /// Sessions held by the as-at date (on or before it, not cancelled, register taken).
    pub held: i64,
    /// Sessions before the as-at date, not cancelled, whose register was never taken:
    /// neither attended nor missed, so the figures may move once they are taken.
    pub outstanding: i64,
}

/// One enrolment with its person, as at the date.
#[derive(Debug, Clone)]
pub struct EnrolmentFacts {
    /// Enrolment id.
    pub id: i32,
    /// Cohort id.
    pub cohort_id: i32,
    /// Person id.
    pub participant_id: i32,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Postcode.
    pub postcode: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Neighbourhood (recorded with the person, or from the lookup).
    pub neighbourhood: Option<String>,
    /// True once the person's identity was erased (date of birth is a placeholder).
    pub erased: bool,
    /// IMD decile from the lookup.
    pub imd_decile: Option<i32>,
    /// Equality answers (for breakdowns; never printed per person).
    pub ethnic_group: Option<String>,
    /// Sex.
    pub sex: Option<String>,
    /// Disability.
    pub disability: Option<String>,
    /// The stage as at the date.
    pub stage: Stage,
    /// Interview date on or before the as-at date.
    pub interviewed: bool,
    /// Offer date on or before the as-at date.
    pub offered: bool,
    /// The interview date, when on or before the as-at date.
    pub interviewed_on: Option<NaiveDate>,
    /// The offer date, when on or before the as-at date.
    pub offered_on: Option<NaiveDate>,
    /// The withdrawal date, when withdrawn as at the date and recorded by then.
    pub withdrawn_on: Option<NaiveDate>,
    /// Why they withdrew, when withdrawn as at the date.
    pub withdrawal_reason: Option<WithdrawalReason>,
    /// Held sessions attended (present or late).
    pub attended: i64,
    /// Jobs attributed to this enrolment that started by the as-at date, oldest first.
    pub jobs: Vec<JobFacts>,
}

/// Everything about a batch of cohorts as at a date.
#[derive(Debug, Default)]
pub struct Facts {
    /// The cohorts, in the order asked for.
    pub cohorts: Vec<CohortFacts>,
    /// Their enrolments that existed by the as-at date, by cohort then enrolment id.
    pub enrolments: Vec<EnrolmentFacts>,
}

type PersonRow = (
    (i32, i32, i32, Option<NaiveDate>, Option<NaiveDate>),
    (Option<NaiveDate>, Option<WithdrawalReason>),
    (String, String, String, NaiveDate, Option<String>, bool),
    (Option<String>, Option<i32>),
    (Option<String>, Option<String>, Option<String>),
);

/// Reads the facts of `cohort_ids` as at `as_at`.
pub fn load(conn: &mut DbConnection, cohort_ids: &[i32], as_at: NaiveDate) -> QueryResult<Facts> {
    let ids = cohort_ids.to_vec();
    let cohorts = load_cohorts(conn, &ids, as_at)?;
    let stages = stages_as_at(conn, &ids, as_at)?;
    let attended = attended(conn, &ids, as_at)?;
    let mut jobs = jobs::load_jobs(conn, &ids, as_at)?;
    let people = load_people(conn, &ids)?;
    let mut enrolments = Vec::with_capacity(people.len());
    for ((id, cohort_id, participant_id, interviewed, offered), left, person, area, equality) in
        people
    {
        // An enrolment made after the as-at date did not exist then.
        let Some(stage) = stages.get(&id) else {
            continue;
        };
        enrolments.push(EnrolmentFacts {
            id,
            cohort_id,
            participant_id,
            given_name: person.0,
            family_name: person.1,
            postcode: person.2,
            date_of_birth: person.3,
            // Stored with the person when they were recorded, so it outlives erasure
            // (which cuts the postcode to its district); the lookup fills older records.
            neighbourhood: person.4.or(area.0),
            erased: person.5,
            imd_decile: area.1,
            ethnic_group: equality.0,
            sex: equality.1,
            disability: equality.2,
            stage: *stage,
            interviewed: interviewed.is_some_and(|d| d <= as_at),
            offered: offered.is_some_and(|d| d <= as_at),
            interviewed_on: interviewed.filter(|d| *d <= as_at),
            offered_on: offered.filter(|d| *d <= as_at),
            // The withdrawal as it stood on the date: only while the stage then was
            // withdrawn, and its date only once it had happened.
            withdrawn_on: left.0.filter(|d| *stage == Stage::Withdrawn && *d <= as_at),
            withdrawal_reason: left.1.filter(|_| *stage == Stage::Withdrawn),
            attended: attended.get(&id).copied().unwrap_or(0),
            jobs: jobs.remove(&id).unwrap_or_default(),
        });
    }
    Ok(Facts {
        cohorts,
        enrolments,
    })
}

/// Held sessions attended (present or late) by each enrolment of the cohorts, as at.
fn attended(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
) -> QueryResult<HashMap<i32, i64>> {
    Ok(attendance::table
        .inner_join(course_sessions::table)
        .filter(course_sessions::cohort_id.eq_any(ids))
        .filter(held_as_at(as_at))
        .filter(attendance::status.eq_any(crate::domain::Mark::ATTENDED))
        .group_by(attendance::enrolment_id)
        .select((attendance::enrolment_id, count_star()))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect())
}

/// Every enrolment of the cohorts with its resident, their area and equality answers.
fn load_people(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<PersonRow>> {
    enrolments::table
        .inner_join(participants::table)
        .left_join(
            deprivation_lookup::table.on(deprivation_lookup::postcode.eq(participants::postcode)),
        )
        .left_join(
            equality_monitoring::table.on(equality_monitoring::participant_id.eq(participants::id)),
        )
        .filter(enrolments::cohort_id.eq_any(ids))
        .order((enrolments::cohort_id, enrolments::id))
        .select((
            (
                enrolments::id,
                enrolments::cohort_id,
                enrolments::participant_id,
                enrolments::interviewed_on,
                enrolments::offered_on,
            ),
            (enrolments::withdrawn_on, enrolments::withdrawal_reason),
            (
                participants::given_name,
                participants::family_name,
                participants::postcode,
                participants::date_of_birth,
                participants::neighbourhood,
                participants::erased_at.is_not_null(),
            ),
            (
                deprivation_lookup::neighbourhood.nullable(),
                deprivation_lookup::imd_decile.nullable(),
            ),
            (
                equality_monitoring::ethnic_group.nullable(),
                equality_monitoring::sex.nullable(),
                equality_monitoring::disability.nullable(),
            ),
        ))
        .load(conn)
}

fn load_cohorts(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
) -> QueryResult<Vec<CohortFacts>> {
    let rows: Vec<(crate::models::Cohort, String, i32)> = cohorts::table
        .inner_join(programmes::table)
        .filter(cohorts::id.eq_any(ids))
        .select((
            crate::models::Cohort::as_select(),
            programmes::name,
            programmes::completion_threshold,
        ))
        .load(conn)?;
    let sessions: Vec<CourseSession> = course_sessions::table
        .filter(course_sessions::cohort_id.eq_any(ids))
        .filter(course_sessions::cancelled.eq(false))
        .select(CourseSession::as_select())
        .load(conn)?;
    let mut by_id: HashMap<i32, CohortFacts> = rows
        .into_iter()
        .map(|(c, programme, threshold)| {
            let facts = CohortFacts {
                id: c.id,
                programme_id: c.programme_id,
                programme,
                name: c.name.clone(),
                starts_on: c.starts_on,
                ends_on: c.planned_end(),
                threshold,
                held: 0,
                outstanding: 0,
            };
            (c.id, facts)
        })
        .collect();
    let mut last: HashMap<i32, NaiveDate> = HashMap::new();
    for s in sessions {
        let entry = last.entry(s.cohort_id).or_insert(s.held_on);
        *entry = (*entry).max(s.held_on);
        if let Some(c) = by_id.get_mut(&s.cohort_id) {
            c.held += i64::from(s.is_held(as_at));
            c.outstanding += i64::from(is_outstanding(&s, as_at));
        }
    }
    for (cohort_id, day) in last {
        if let Some(c) = by_id.get_mut(&cohort_id) {
            c.ends_on = day;
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The stage of each enrolment as at the date: its latest change on or before it.
fn stages_as_at(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
) -> QueryResult<HashMap<i32, Stage>> {
    let changes: Vec<(i32, Stage)> = enrolment_stage_changes::table
        .inner_join(enrolments::table)
        .filter(enrolments::cohort_id.eq_any(ids))
        .filter(enrolment_stage_changes::changed_on.le(as_at))
        .order((
            enrolment_stage_changes::changed_on,
            enrolment_stage_changes::id,
        ))
        .select((
            enrolment_stage_changes::enrolment_id,
            enrolment_stage_changes::to_stage,
        ))
        .load(conn)?;
    Ok(changes.into_iter().collect())
}
