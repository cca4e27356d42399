//! Attendance: one mark per (course session, enrolment), unique in the database, and the
//! per-person figures derived from the marks (attendance rate, longest run of absences).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::CourseSession;
use crate::db::DbConnection;
use crate::schema::{attendance, course_sessions};

/// The four marks, in the order the register shows them.
pub const STATUSES: [(&str, &str); 4] = [
    ("present", "Present"),
    ("late", "Late"),
    ("authorised_absence", "Authorised absence"),
    ("unauthorised_absence", "Unauthorised absence"),
];

/// Runs of absences at or above this are flagged on the cohort page and dashboard.
pub const ABSENCE_FLAG: usize = 3;

/// The label of a mark.
pub fn status_label(code: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Not marked", |(_, l)| l)
}

/// Whether a mark counts as attended.
pub fn is_attended(status: &str) -> bool {
    matches!(status, "present" | "late")
}

/// One mark.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attendance)]
pub struct Mark {
    /// The session.
    pub course_session_id: i32,
    /// The enrolment.
    pub enrolment_id: i32,
    /// The status code.
    pub status: String,
}

/// One row of a register as saved.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntry {
    /// The enrolment.
    pub enrolment_id: i32,
    /// `present`, `late`, `authorised_absence`, `unauthorised_absence`, or null to clear.
    #[schema(schema_with = crate::openapi::attendance_status)]
    pub status: Option<String>,
}

/// Attendance figures of one enrolment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AttendanceSummary {
    /// Held sessions marked present or late.
    pub attended: usize,
    /// Sessions held so far (not cancelled, on or before today).
    pub held: usize,
    /// Longest run of absences (either kind) among held sessions.
    pub longest_absence_run: usize,
}

impl AttendanceSummary {
    /// Attended ÷ held as a percentage, when anything was held.
    pub fn rate(&self) -> Option<f64> {
        (self.held > 0).then(|| self.attended as f64 * 100.0 / self.held as f64)
    }

    /// The rate with one decimal and a % sign, or "No sessions yet".
    pub fn rate_text(&self) -> String {
        self.rate()
            .map_or_else(|| "No sessions yet".to_owned(), |r| format!("{r:.1}%"))
    }

    /// True when the run of absences reaches the flag.
    pub fn flagged(&self) -> bool {
        self.longest_absence_run >= ABSENCE_FLAG
    }
}

/// Computes a summary from held sessions (in date order) and the person's marks.
pub fn summarise(held_sessions: &[i32], marks: &HashMap<i32, &str>) -> AttendanceSummary {
    let mut summary = AttendanceSummary {
        held: held_sessions.len(),
        ..AttendanceSummary::default()
    };
    let mut run = 0;
    for session in held_sessions {
        match marks.get(session) {
            Some(status) if is_attended(status) => {
                summary.attended += 1;
                run = 0;
            }
            Some(_) => {
                run += 1;
                summary.longest_absence_run = summary.longest_absence_run.max(run);
            }
            // An unmarked day neither extends nor breaks a run.
            None => {}
        }
    }
    summary
}

impl Mark {
    /// Every mark of one session.
    pub fn for_session(conn: &mut DbConnection, session_id: i32) -> QueryResult<Vec<Mark>> {
        attendance::table
            .filter(attendance::course_session_id.eq(session_id))
            .select(Mark::as_select())
            .load(conn)
    }

    /// Every mark of a cohort (one query for the whole roster).
    pub fn for_cohort(conn: &mut DbConnection, cohort_id: i32) -> QueryResult<Vec<Mark>> {
        attendance::table
            .inner_join(course_sessions::table)
            .filter(course_sessions::cohort_id.eq(cohort_id))
            .select(Mark::as_select())
            .load(conn)
    }

    /// Sets one mark: updates the existing row, or inserts one. The database's unique
    /// (session, enrolment) key means saving a register twice leaves one row each.
    pub fn set(
        conn: &mut DbConnection,
        session_id: i32,
        enrolment_id: i32,
        status: &str,
        actor: i32,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let updated = diesel::update(
            attendance::table
                .filter(attendance::course_session_id.eq(session_id))
                .filter(attendance::enrolment_id.eq(enrolment_id)),
        )
        .set((
            attendance::status.eq(status),
            attendance::recorded_at.eq(now),
            attendance::recorded_by_user_id.eq(actor),
        ))
        .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(attendance::table)
                .values((
                    attendance::course_session_id.eq(session_id),
                    attendance::enrolment_id.eq(enrolment_id),
                    attendance::status.eq(status),
                    attendance::recorded_at.eq(now),
                    attendance::recorded_by_user_id.eq(actor),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Removes one mark.
    pub fn clear(conn: &mut DbConnection, session_id: i32, enrolment_id: i32) -> QueryResult<()> {
        diesel::delete(
            attendance::table
                .filter(attendance::course_session_id.eq(session_id))
                .filter(attendance::enrolment_id.eq(enrolment_id)),
        )
        .execute(conn)
        .map(drop)
    }
}

/// The held sessions and marks of one cohort, read in two queries, from which each
/// enrolment's summary is computed without further queries.
#[derive(Debug, Clone, Default)]
pub struct CohortAttendance {
    held: Vec<i32>,
    marks: HashMap<i32, HashMap<i32, String>>,
}

impl CohortAttendance {
    /// Loads a cohort's held sessions (as at `today`) and marks.
    pub fn load(conn: &mut DbConnection, cohort_id: i32, today: NaiveDate) -> QueryResult<Self> {
        let held = CourseSession::list_for_cohort(conn, cohort_id)?
            .into_iter()
            .filter(|s| s.is_held(today))
            .map(|s| s.id)
            .collect();
        let mut marks: HashMap<i32, HashMap<i32, String>> = HashMap::new();
        for mark in Mark::for_cohort(conn, cohort_id)? {
            marks
                .entry(mark.enrolment_id)
                .or_default()
                .insert(mark.course_session_id, mark.status);
        }
        Ok(Self { held, marks })
    }

    /// The held sessions and marks of several cohorts at once, in two queries.
    pub fn load_many(
        conn: &mut DbConnection,
        cohort_ids: &[i32],
        today: NaiveDate,
    ) -> QueryResult<HashMap<i32, Self>> {
        let mut all: HashMap<i32, Self> =
            cohort_ids.iter().map(|id| (*id, Self::default())).collect();
        let sessions: Vec<CourseSession> = course_sessions::table
            .filter(course_sessions::cohort_id.eq_any(cohort_ids.to_vec()))
            .order((course_sessions::held_on, course_sessions::id))
            .select(CourseSession::as_select())
            .load(conn)?;
        let mut cohort_of = HashMap::new();
        for s in sessions {
            cohort_of.insert(s.id, s.cohort_id);
            if s.is_held(today)
                && let Some(c) = all.get_mut(&s.cohort_id)
            {
                c.held.push(s.id);
            }
        }
        let marks: Vec<Mark> = attendance::table
            .inner_join(course_sessions::table)
            .filter(course_sessions::cohort_id.eq_any(cohort_ids.to_vec()))
            .select(Mark::as_select())
            .load(conn)?;
        for mark in marks {
            if let Some(c) = cohort_of
                .get(&mark.course_session_id)
                .and_then(|cohort| all.get_mut(cohort))
            {
                c.marks
                    .entry(mark.enrolment_id)
                    .or_default()
                    .insert(mark.course_session_id, mark.status);
            }
        }
        Ok(all)
    }

    /// Number of sessions held so far.
    pub fn held_count(&self) -> usize {
        self.held.len()
    }

    /// The summary of one enrolment.
    pub fn summary(&self, enrolment_id: i32) -> AttendanceSummary {
        let marks: HashMap<i32, &str> = self
            .marks
            .get(&enrolment_id)
            .map(|m| m.iter().map(|(k, v)| (*k, v.as_str())).collect())
            .unwrap_or_default();
        summarise(&self.held, &marks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_absence_and_rates() {
        let held = [1, 2, 3, 4, 5, 6];
        let marks: HashMap<i32, &str> = [
            (1, "present"),
            (2, "unauthorised_absence"),
            (3, "authorised_absence"),
            (5, "unauthorised_absence"),
            (6, "late"),
        ]
        .into_iter()
        .collect();
        let s = summarise(&held, &marks);
        assert_eq!(
            (s.attended, s.held, s.longest_absence_run),
            (2, 6, 3),
            "day 4 unmarked does not break the run"
        );
        assert!(s.flagged());
        assert_eq!(s.rate_text(), "33.3%");
        assert_eq!(
            summarise(&[], &HashMap::new()).rate_text(),
            "No sessions yet"
        );
    }
}
