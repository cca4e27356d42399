//! Attendance: one mark per (course session, enrolment), unique in the database, and the
//! per-person figures derived from the marks (attendance rate, longest run of absences).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::CourseSession;
use crate::db::DbConnection;
use crate::domain::Mark;
use crate::schema::{attendance, course_sessions};

/// Runs of absences at or above this are flagged on the cohort page and dashboard.
pub const ABSENCE_FLAG: usize = 3;

/// One recorded mark.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attendance)]
pub struct AttendanceMark {
    /// The session.
    pub course_session_id: i32,
    /// The enrolment.
    pub enrolment_id: i32,
    /// The mark.
    pub status: Mark,
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
pub fn summarise(held_sessions: &[i32], marks: &HashMap<i32, Mark>) -> AttendanceSummary {
    let mut summary = AttendanceSummary {
        held: held_sessions.len(),
        ..AttendanceSummary::default()
    };
    let mut run = 0;
    for session in held_sessions {
        match marks.get(session) {
            Some(mark) if mark.is_attended() => {
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

impl AttendanceMark {
    /// Every mark of one session.
    pub fn for_session(
        conn: &mut DbConnection,
        session_id: i32,
    ) -> QueryResult<Vec<AttendanceMark>> {
        attendance::table
            .filter(attendance::course_session_id.eq(session_id))
            .select(AttendanceMark::as_select())
            .load(conn)
    }

    /// Every mark of a cohort (one query for the whole roster).
    pub fn for_cohort(conn: &mut DbConnection, cohort_id: i32) -> QueryResult<Vec<AttendanceMark>> {
        Self::for_cohorts(conn, &[cohort_id])
    }

    /// Every mark of several cohorts, in one query.
    pub fn for_cohorts(
        conn: &mut DbConnection,
        cohort_ids: &[i32],
    ) -> QueryResult<Vec<AttendanceMark>> {
        attendance::table
            .inner_join(course_sessions::table)
            .filter(course_sessions::cohort_id.eq_any(cohort_ids.to_vec()))
            .select(AttendanceMark::as_select())
            .load(conn)
    }

    /// The marks of one session by enrolment (what a register shows and its audit row
    /// records).
    pub fn by_enrolment(
        conn: &mut DbConnection,
        session_id: i32,
    ) -> QueryResult<HashMap<i32, Mark>> {
        Ok(Self::for_session(conn, session_id)?
            .into_iter()
            .map(|m| (m.enrolment_id, m.status))
            .collect())
    }

    /// Sets one mark: updates the existing row, or inserts one. The database's unique
    /// (session, enrolment) key means saving a register twice leaves one row each.
    pub fn set(
        conn: &mut DbConnection,
        session_id: i32,
        enrolment_id: i32,
        status: Mark,
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
    marks: HashMap<i32, HashMap<i32, Mark>>,
}

impl CohortAttendance {
    /// Loads a cohort's held sessions (as at `today`) and marks.
    pub fn load(conn: &mut DbConnection, cohort_id: i32, today: NaiveDate) -> QueryResult<Self> {
        let held = CourseSession::list_for_cohort(conn, cohort_id)?
            .into_iter()
            .filter(|s| s.is_held(today))
            .map(|s| s.id)
            .collect();
        let mut marks: HashMap<i32, HashMap<i32, Mark>> = HashMap::new();
        for mark in AttendanceMark::for_cohort(conn, cohort_id)? {
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
        for mark in AttendanceMark::for_cohorts(conn, cohort_ids)? {
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
        match self.marks.get(&enrolment_id) {
            Some(marks) => summarise(&self.held, marks),
            None => summarise(&self.held, &HashMap::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_absence_and_rates() {
        let held = [1, 2, 3, 4, 5, 6];
        let marks: HashMap<i32, Mark> = [
            (1, Mark::Present),
            (2, Mark::UnauthorisedAbsence),
            (3, Mark::AuthorisedAbsence),
            (5, Mark::UnauthorisedAbsence),
            (6, Mark::Late),
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
