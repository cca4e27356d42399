//! The demo's jobs: each job start, then its end, checkpoints and progressions replayed in
//! date order through the same functions HR's pages call.

use chrono::NaiveDate;
use serde::Deserialize;

use super::cast::{Cast, at, missing};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::models::Enrolment;
use crate::models::employment_input::{
    CheckpointInput, EmploymentInput, EndInput, ProgressionInput, Recorder, add_progression,
    end_employment, record_checkpoint, record_employment,
};

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

/// A job, then its end, checkpoints and progressions in date order.
pub(super) fn run_job(
    conn: &mut DbConnection,
    cast: Cast,
    enrolment: &Enrolment,
    job: &EmploymentRow,
    steps: &[&ProgressionRow],
) -> AppResult<()> {
    let who = Recorder {
        actor: cast.hr.0,
        scope: Some(cast.hr.1),
        employer_only: true,
    };
    let input = EmploymentInput {
        participant_id: Some(enrolment.participant_id),
        enrolment_id: Some(enrolment.id),
        employer_organisation_id: Some(cast.hr.1),
        site: Some(job.site.clone()),
        job_title: Some(job.job_title.clone()),
        staff_group: Some(job.staff_group.clone()),
        band: Some(job.band),
        hours_per_week: Some(job.hours_per_week),
        contract: Some(job.contract.clone()),
        start_date: Some(job.start_date.clone()),
    };
    let start = crate::validate::date(&job.start_date).ok_or_else(|| missing("job start"))?;
    let mut employment = record_employment(conn, who, input, at(start))?;
    // (date, order within the day, what): an end comes before a checkpoint saying "left".
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
    for (i, step) in steps.iter().enumerate() {
        events.push((step.effective_on, 2, Event::Step(i)));
    }
    events.sort_by_key(|(day, order, _)| (*day, *order));
    for (day, _, event) in events {
        match event {
            Event::End => {
                let input = EndInput {
                    end_date: job.end_date.clone(),
                    end_reason: job.end_reason.clone(),
                };
                employment = end_employment(conn, who.actor, &employment, input, at(day))?;
            }
            Event::Checkpoint(weeks, status) => {
                let input = CheckpointInput {
                    status: Some(status),
                    verified_on: Some(day.to_string()),
                };
                record_checkpoint(conn, who.actor, &employment, weeks, input, day, at(day))?;
            }
            Event::Step(i) => {
                let s = steps[i];
                let input = ProgressionInput {
                    effective_on: Some(s.effective_on.to_string()),
                    kind: Some(s.kind.clone()),
                    job_title: s.job_title.clone(),
                    band: s.band,
                    staff_group: s.staff_group.clone(),
                    notes: s.notes.clone(),
                };
                add_progression(conn, who.actor, &employment, input, at(day))?;
            }
        }
    }
    Ok(())
}

enum Event {
    End,
    Checkpoint(i32, String),
    Step(usize),
}
