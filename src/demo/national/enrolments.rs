//! The national data set's enrolments with their stage histories, and the attendance of
//! every enrolment at every held session (the bulk of the rows: 7.2 million at scale 1).

use chrono::NaiveDate;
use diesel::QueryResult;

use super::plan::{Fate, Plan, plan, session_day, session_id, status};
use super::{COORDINATOR, Counts, PER_COHORT, Progress, SESSIONS, Shape, days, pick, ts};
use crate::db::DbConnection;
use crate::models::bulk::{Inserter, Value};

/// The stage changes of `p`, oldest first: (from, to, day).
fn history(p: &Plan) -> Vec<(Option<&'static str>, &'static str, NaiveDate)> {
    let mut history = vec![
        (None, "applied", p.start - days(30)),
        (Some("applied"), "accepted", p.start - days(10)),
    ];
    match p.fate {
        Fate::NotStarted => history.push((Some("accepted"), "not_started", p.start + days(3))),
        fate => {
            history.push((Some("accepted"), "started", p.start));
            if let Fate::Withdrawn(s) = fate {
                history.push((Some("started"), "withdrawn", session_day(p.start, s)));
            } else if fate == Fate::Completed {
                history.push((Some("started"), "completed", p.last));
            }
        }
    }
    history
}

/// Why `p` withdrew, when it did.
fn withdrawal_reason(p: &Plan) -> Option<&'static str> {
    match p.fate {
        Fate::Withdrawn(_) if p.found_job => Some("found_employment"),
        Fate::Withdrawn(_) => {
            Some(["health", "caring_responsibilities", "lost_contact"][pick(24, p.id, 3) as usize])
        }
        _ => None,
    }
}

fn text_or_null(text: Option<&str>) -> Value<'_> {
    text.map_or(Value::Null, Value::Text)
}

/// Loads the enrolments and their stage changes.
pub(super) fn load(
    conn: &mut DbConnection,
    shape: &Shape,
    counts: &mut Counts,
    progress: Progress<'_>,
) -> QueryResult<()> {
    let mut rows = Inserter::new(
        "enrolments",
        "id, participant_id, cohort_id, stage, withdrawal_reason, withdrawn_on, interviewed_on, \
         offered_on, created_at, updated_at",
    );
    let mut changes = Inserter::new(
        "enrolment_stage_changes",
        "id, enrolment_id, from_stage, to_stage, changed_on, changed_at, changed_by_user_id",
    );
    let mut change_id = 0;
    for c in 1..=shape.cohorts {
        for k in 0..PER_COHORT {
            let p = plan(shape, c, k);
            let history = history(&p);
            let (_, stage, updated) = *history.last().expect("at least one change");
            let withdrawn_on = matches!(p.fate, Fate::Withdrawn(_)).then_some(updated);
            rows.row(
                conn,
                &[
                    Value::Int(p.id),
                    Value::Int(p.id),
                    Value::Int(p.cohort),
                    Value::Text(stage),
                    text_or_null(withdrawal_reason(&p)),
                    Value::date_or_null(withdrawn_on),
                    Value::date_or_null(p.interviewed),
                    Value::date_or_null(p.offered),
                    Value::At(ts(p.start - days(30))),
                    Value::At(ts(updated)),
                ],
            )?;
            for (from, to, day) in history {
                change_id += 1;
                changes.row_under(
                    &mut rows,
                    conn,
                    &[
                        Value::Int(change_id),
                        Value::Int(p.id),
                        text_or_null(from),
                        Value::Text(to),
                        Value::Date(day),
                        Value::At(ts(day)),
                        Value::Int(COORDINATOR),
                    ],
                )?;
            }
        }
        progress("enrolments");
    }
    rows.finish(conn, counts)?;
    changes.finish(conn, counts)
}

/// Loads every enrolment's attendance at every held session.
pub(super) fn attendance(
    conn: &mut DbConnection,
    shape: &Shape,
    counts: &mut Counts,
    progress: Progress<'_>,
) -> QueryResult<()> {
    let mut rows = Inserter::new(
        "attendance",
        "id, course_session_id, enrolment_id, status, recorded_at, recorded_by_user_id",
    );
    let mut id = 0;
    for c in 1..=shape.cohorts {
        let plans: Vec<Plan> = (0..PER_COHORT).map(|k| plan(shape, c, k)).collect();
        for s in 0..SESSIONS {
            let recorded = Value::At(ts(session_day(plans[0].start, s)));
            let session = Value::Int(session_id(c, s));
            for p in &plans {
                id += 1;
                rows.row(
                    conn,
                    &[
                        Value::Int(id),
                        session,
                        Value::Int(p.id),
                        Value::Text(status(p, s)),
                        recorded,
                        Value::Int(COORDINATOR),
                    ],
                )?;
            }
        }
        progress("attendance");
    }
    rows.finish(conn, counts)
}
