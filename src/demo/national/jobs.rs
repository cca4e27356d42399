//! The national data set's jobs at the programme's trust, their 13/26/52-week
//! checkpoints (verified by HR once due) and some progressions.

use chrono::TimeDelta;
use diesel::QueryResult;

use super::plan::plan;
use super::{Counts, HR, PER_COHORT, Progress, Shape, TRUSTS, as_at, days, pick, ts};
use crate::db::DbConnection;
use crate::models::bulk::{Inserter, Value};

/// Loads the jobs, checkpoints and progressions.
pub(super) fn load(
    conn: &mut DbConnection,
    shape: &Shape,
    counts: &mut Counts,
    progress: Progress<'_>,
) -> QueryResult<()> {
    let mut jobs = Inserter::new(
        "employments",
        "id, participant_id, enrolment_id, employer_organisation_id, site, job_title, staff_group, \
         band, hours_per_week, contract, start_date, end_date, end_reason, created_at, updated_at",
    );
    let mut checks = Inserter::new(
        "checkpoints",
        "id, employment_id, weeks, due_on, status, verified_on, verified_by_user_id, recorded_at",
    );
    let mut steps = Inserter::new(
        "progressions",
        "id, employment_id, effective_on, kind, job_title, band, staff_group, notes, created_at, created_by_user_id",
    );
    let (mut job_id, mut check_id, mut step_id) = (0, 0, 0);
    let today = as_at();
    for c in 1..=shape.cohorts {
        let employer = 4 + (shape.programme_of(c) - 1) % TRUSTS;
        let site = format!("Hospital {:02}", employer - 3);
        for k in 0..PER_COHORT {
            let p = plan(shape, c, k);
            let Some(job) = p.job else { continue };
            job_id += 1;
            let (title, reason) = if pick(25, p.id, 2) == 0 {
                ("Porter", "resigned")
            } else {
                ("Ward Housekeeper", "moved_employer")
            };
            jobs.row(
                conn,
                &[
                    Value::Int(job_id),
                    Value::Int(p.id),
                    Value::Int(p.id),
                    Value::Int(employer),
                    Value::Text(&site),
                    Value::Text(title),
                    Value::Text("estates_and_facilities"),
                    Value::Int(2),
                    Value::Real(37.5),
                    Value::Text(["permanent", "fixed_term", "bank"][pick(26, p.id, 3) as usize]),
                    Value::Date(job.start),
                    Value::date_or_null(job.end),
                    if job.end.is_some() {
                        Value::Text(reason)
                    } else {
                        Value::Null
                    },
                    Value::At(ts(job.start)),
                    Value::At(ts(job.start)),
                ],
            )?;
            for weeks in [13, 26, 52] {
                check_id += 1;
                let due = job.start + TimeDelta::weeks(weeks);
                let mut row = [
                    Value::Int(check_id),
                    Value::Int(job_id),
                    Value::Int(weeks),
                    Value::Date(due),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ];
                if due <= today {
                    let verified = (due + days(pick(27, check_id, 14))).min(today);
                    let status = if job.end.is_some_and(|end| end < due) {
                        "left"
                    } else if pick(28, check_id, 100) < 5 {
                        "unable_to_contact"
                    } else {
                        "in_post"
                    };
                    row[4] = Value::Text(status);
                    row[5] = Value::Date(verified);
                    row[6] = Value::Int(HR);
                    row[7] = Value::At(ts(verified));
                }
                checks.row_under(&mut jobs, conn, &row)?;
            }
            let on = job.start + days(200 + pick(29, p.id, 300));
            let in_job = job.end.is_none_or(|end| end > on);
            if pick(30, p.id, 100) < 15 && on <= today && in_job {
                let (kind, title, group) = match pick(31, p.id, 3) {
                    0 => (
                        "role_change",
                        Value::Text("Ward Clerk"),
                        Value::Text("admin_and_clerical"),
                    ),
                    1 => (
                        "staff_group_change",
                        Value::Text("Healthcare Assistant"),
                        Value::Text("additional_clinical_services"),
                    ),
                    _ => ("band_increase", Value::Null, Value::Null),
                };
                step_id += 1;
                steps.row_under(
                    &mut jobs,
                    conn,
                    &[
                        Value::Int(step_id),
                        Value::Int(job_id),
                        Value::Date(on),
                        Value::Text(kind),
                        title,
                        Value::Int(3),
                        group,
                        Value::Text(""),
                        Value::At(ts(on)),
                        Value::Int(HR),
                    ],
                )?;
            }
        }
        progress("jobs");
    }
    jobs.finish(conn, counts)?;
    checks.finish(conn, counts)?;
    steps.finish(conn, counts)
}
