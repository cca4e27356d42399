//! The demo's jobs: each job start, then its end, checkpoints and progressions replayed in
//! date order through the same functions HR's pages call.

use chrono::NaiveDate;
use serde::Deserialize;

use super::cast::{acting, missing};
use crate::actions::employments::{
    CheckpointInput, EmploymentInput, EndInput, ProgressionInput, add_progression, end_employment,
    record_checkpoint, record_employment,
};
use crate::db::DbConnection;
use crate::domain::{Actor, Role};
use crate::error::AppResult;
use crate::models::Enrolment;

#[derive(Debug, Deserialize)]
pub(super) struct EmploymentRow {
    pub(super) r#ref: String,
    pub(super) cohort: String,
    site: String,
    job_title: String,
    staff_group: String,
    band: i32,
    hours_per_week: f64,
    contract: String,
    pub(super) start_date: String,
    end_date: Option<String>,
    end_reason: Option<String>,
    checkpoint_13: Option<String>,
    checkpoint_26: Option<String>,
    checkpoint_52: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProgressionRow {
    pub(super) r#ref: String,
    pub(super) job_start: String,
    effective_on: NaiveDate,
    kind: String,
    job_title: Option<String>,
    band: Option<i32>,
    staff_group: Option<String>,
    notes: Option<String>,
}

/// Trust HR (user id, organisation id) acting on `day`.
fn hr_on((user_id, organisation_id): (i32, i32), day: NaiveDate) -> Actor {
    acting(user_id, Role::Hr, organisation_id, day)
}

/// A job recorded by trust HR (user id, organisation id), then its end, checkpoints and
/// progressions in date order.
pub(super) fn run_job(
    conn: &mut DbConnection,
    hr: (i32, i32),
    enrolment: &Enrolment,
    job: &EmploymentRow,
    steps: &[&ProgressionRow],
) -> AppResult<()> {
    let input = EmploymentInput {
        participant_id: Some(enrolment.participant_id),
        enrolment_id: Some(enrolment.id),
        employer_organisation_id: Some(hr.1),
        site: Some(job.site.clone()),
        job_title: Some(job.job_title.clone()),
        staff_group: Some(job.staff_group.clone()),
        band: Some(job.band),
        hours_per_week: Some(job.hours_per_week),
        contract: Some(job.contract.clone()),
        start_date: Some(job.start_date.clone()),
    };
    let start = crate::validate::date(&job.start_date).ok_or_else(|| missing("job start"))?;
    let employment = record_employment(conn, &hr_on(hr, start), &input)?;
    for (day, _, event) in events(job, steps)? {
        let actor = hr_on(hr, day);
        match event {
            Event::End => {
                let input = EndInput {
                    end_date: job.end_date.clone(),
                    end_reason: job.end_reason.clone(),
                };
                end_employment(conn, &actor, employment.id, &input)?;
            }
            Event::Checkpoint(weeks, status) => {
                let input = CheckpointInput {
                    status: Some(status),
                    verified_on: Some(day.to_string()),
                    ..CheckpointInput::default()
                };
                record_checkpoint(conn, &actor, employment.id, weeks, &input)?;
            }
            Event::Step(s) => {
                let input = ProgressionInput {
                    effective_on: Some(s.effective_on.to_string()),
                    kind: Some(s.kind.clone()),
                    job_title: s.job_title.clone(),
                    band: s.band,
                    staff_group: s.staff_group.clone(),
                    notes: s.notes.clone(),
                };
                add_progression(conn, &actor, employment.id, &input)?;
            }
        }
    }
    Ok(())
}

/// What happened to the job after its start, as (date, order within the day, what),
/// sorted: an end comes before a checkpoint saying "left".
fn events<'a>(
    job: &EmploymentRow,
    steps: &[&'a ProgressionRow],
) -> AppResult<Vec<(NaiveDate, u8, Event<'a>)>> {
    let mut events: Vec<(NaiveDate, u8, Event)> = Vec::new();
    if let Some(end) = job.end_date.as_deref().and_then(crate::validate::date) {
        events.push((end, 0, Event::End));
    }
    for (weeks, cell) in [
        (13, &job.checkpoint_13),
        (26, &job.checkpoint_26),
        (52, &job.checkpoint_52),
    ] {
        if let Some((status, day)) = cell.as_deref().and_then(|c| c.split_once(':')) {
            let day = crate::validate::date(day).ok_or_else(|| missing("checkpoint date"))?;
            events.push((day, 1, Event::Checkpoint(weeks, status.to_owned())));
        }
    }
    for step in steps {
        events.push((step.effective_on, 2, Event::Step(step)));
    }
    events.sort_by_key(|(day, order, _)| (*day, *order));
    Ok(events)
}

enum Event<'a> {
    End,
    Checkpoint(i32, String),
    Step(&'a ProgressionRow),
}
