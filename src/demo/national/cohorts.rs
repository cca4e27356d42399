//! The national data set's cohorts, their two information sessions and their course
//! sessions (30 held, and a cancelled catch-up in every seventh cohort).

use chrono::Datelike;
use diesel::QueryResult;

use super::plan::{has_cancelled, session_day, session_id};
use super::{COORDINATOR, Counts, PER_COHORT, Progress, SESSIONS, Shape, days, pick, ts};
use crate::db::DbConnection;
use crate::models::bulk::{Inserter, Value};

/// Loads the cohorts with their information and course sessions.
pub(super) fn load(
    conn: &mut DbConnection,
    shape: &Shape,
    counts: &mut Counts,
    progress: Progress<'_>,
) -> QueryResult<()> {
    let mut cohorts = Inserter::new(
        "cohorts",
        "id, programme_id, name, starts_on, weeks, capacity, venue, status, created_at, updated_at",
    );
    let mut info = Inserter::new(
        "information_sessions",
        "id, programme_id, held_on, venue, head_count, created_at",
    );
    let mut sessions = Inserter::new(
        "course_sessions",
        "id, cohort_id, held_on, week_number, kind, topic, cancelled, created_at, updated_at, \
         register_taken_at, register_taken_by_user_id, register_updated_at, \
         register_updated_by_user_id, register_version",
    );
    let topics: Vec<String> = (1..=SESSIONS).map(|n| format!("Day {n}")).collect();
    for c in 1..=shape.cohorts {
        let p = shape.programme_of(c);
        let start = shape.starts_on(c);
        let created = Value::At(ts(start - days(60)));
        let name = format!("Cohort {c:05} ({} {})", start.format("%B"), start.year());
        cohorts.row(
            conn,
            &[
                Value::Int(c),
                Value::Int(p),
                Value::Text(&name),
                Value::Date(start),
                Value::Int(6),
                Value::Int(PER_COHORT),
                Value::Text("Hospital Training Centre"),
                Value::Text("finished"),
                created,
                created,
            ],
        )?;
        for (n, before) in [(0, 28), (1, 14)] {
            let id = 2 * (c - 1) + n + 1;
            let held = start - days(before);
            info.row(
                conn,
                &[
                    Value::Int(id),
                    Value::Int(p),
                    Value::Date(held),
                    Value::Text("Community Hub"),
                    Value::Int(10 + pick(10, id, 25)),
                    Value::At(ts(held)),
                ],
            )?;
        }
        for s in 0..SESSIONS {
            let taken = Value::At(ts(session_day(start, s)));
            let (week, weekday) = (s / 5 + 1, s % 5);
            let kind = if week <= 2 || weekday == 4 {
                "college"
            } else {
                "placement"
            };
            sessions.row_under(
                &mut cohorts,
                conn,
                &[
                    Value::Int(session_id(c, s)),
                    Value::Int(c),
                    Value::Date(session_day(start, s)),
                    Value::Int(week),
                    Value::Text(kind),
                    Value::Text(&topics[s as usize]),
                    Value::Bool(false),
                    created,
                    created,
                    // Every register was taken on the day (see `enrolments::attendance`).
                    taken,
                    Value::Int(COORDINATOR),
                    taken,
                    Value::Int(COORDINATOR),
                    Value::Int(1),
                ],
            )?;
        }
        if has_cancelled(c) {
            sessions.row_under(
                &mut cohorts,
                conn,
                &[
                    Value::Int(session_id(c, SESSIONS)),
                    Value::Int(c),
                    Value::Date(start + days(14 + 5)),
                    Value::Int(3),
                    Value::Text("college"),
                    Value::Text("Catch-up (cancelled)"),
                    Value::Bool(true),
                    created,
                    created,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Int(0),
                ],
            )?;
        }
        progress("cohorts");
    }
    cohorts.finish(conn, counts)?;
    info.finish(conn, counts)?;
    sessions.finish(conn, counts)
}
