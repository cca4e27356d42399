//! The job facts of a batch of cohorts as at a date: each enrolment's jobs that started
//! by then, with the checkpoint weeks verified in post and the progressions effective by
//! then, in three grouped queries.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::checkpoint::CheckpointOutcome;
use crate::schema::{checkpoints, employments, enrolments, organisations, progressions};

/// A progression's new title, band and staff group (each when it changed).
pub type Step = (Option<String>, Option<i32>, Option<String>);

/// One job attributed to an enrolment, as at the date.
#[derive(Debug, Clone)]
pub struct JobFacts {
    /// Employment id.
    pub id: i32,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, when it ended on or before the as-at date.
    pub end_date: Option<NaiveDate>,
    /// Employer name.
    pub employer: String,
    /// Site.
    pub site: String,
    /// Job title at the start.
    pub job_title: String,
    /// Band at the start.
    pub band: i32,
    /// Staff group at the start.
    pub staff_group: String,
    /// Checkpoint weeks verified `in_post` by the as-at date.
    pub verified_in_post: Vec<i32>,
    /// Progressions by the as-at date, in date order.
    pub progressions: Vec<Step>,
}

/// Jobs attributed to the cohorts' enrolments, with checkpoints and progressions, as at.
pub(super) fn load_jobs(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
) -> QueryResult<HashMap<i32, Vec<JobFacts>>> {
    type JobRow = (
        i32,
        i32,
        NaiveDate,
        Option<NaiveDate>,
        String,
        String,
        String,
        i32,
        String,
    );
    let rows: Vec<JobRow> = employments::table
        .inner_join(enrolments::table)
        .inner_join(organisations::table)
        .filter(enrolments::cohort_id.eq_any(ids))
        .filter(employments::start_date.le(as_at))
        .order((employments::start_date, employments::id))
        .select((
            employments::id,
            employments::enrolment_id,
            employments::start_date,
            employments::end_date,
            organisations::name,
            employments::site,
            employments::job_title,
            employments::band,
            employments::staff_group,
        ))
        .load(conn)?;
    let mut verified = verified_weeks(conn, ids, as_at)?;
    let mut by_job = steps_by_job(conn, ids, as_at)?;
    let mut out: HashMap<i32, Vec<JobFacts>> = HashMap::new();
    for (id, enrolment_id, start, end, employer, site, title, band, group) in rows {
        out.entry(enrolment_id).or_default().push(JobFacts {
            id,
            start_date: start,
            end_date: end.filter(|d| *d <= as_at),
            employer,
            site,
            job_title: title,
            band,
            staff_group: group,
            verified_in_post: verified.remove(&id).unwrap_or_default(),
            progressions: by_job.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The checkpoint weeks each job of the cohorts was verified in post at, as at.
fn verified_weeks(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
) -> QueryResult<HashMap<i32, Vec<i32>>> {
    let mut verified: HashMap<i32, Vec<i32>> = HashMap::new();
    let checked: Vec<(i32, i32)> = checkpoints::table
        .inner_join(employments::table.inner_join(enrolments::table))
        .filter(enrolments::cohort_id.eq_any(ids))
        .filter(checkpoints::status.eq(CheckpointOutcome::InPost))
        .filter(checkpoints::verified_on.le(as_at))
        .select((checkpoints::employment_id, checkpoints::weeks))
        .load(conn)?;
    for (employment, weeks) in checked {
        verified.entry(employment).or_default().push(weeks);
    }
    Ok(verified)
}

/// The progressions of each job of the cohorts effective by the date, oldest first.
fn steps_by_job(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
) -> QueryResult<HashMap<i32, Vec<Step>>> {
    type StepRow = (i32, Option<String>, Option<i32>, Option<String>);
    let mut by_job: HashMap<i32, Vec<Step>> = HashMap::new();
    let steps: Vec<StepRow> = progressions::table
        .inner_join(employments::table.inner_join(enrolments::table))
        .filter(enrolments::cohort_id.eq_any(ids))
        .filter(progressions::effective_on.le(as_at))
        .order((progressions::effective_on, progressions::id))
        .select((
            progressions::employment_id,
            progressions::job_title,
            progressions::band,
            progressions::staff_group,
        ))
        .load(conn)?;
    for (employment, title, band, group) in steps {
        by_job
            .entry(employment)
            .or_default()
            .push((title, band, group));
    }
    Ok(by_job)
}
