//! Attendance: one mark per (course session, enrolment), unique in the database, and the
//! per-person figures derived from the marks (attendance rate, runs of absences).
//!
//! Only *held* sessions count (PRODUCT.md, definitions): on or before the date, not
//! cancelled, register taken ([`CourseSession::is_held`], and [`held_as_at`] for
//! queries). A past session whose register was never taken is *outstanding*: it is
//! neither attended nor missed, and is counted apart so nobody mistakes it for an absence.

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
    /// Sessions held so far (on or before today, not cancelled, register taken).
    pub held: usize,
    /// Longest run of absences (either kind) among held sessions.
    pub longest_absence_run: usize,
    /// The run of absences up to the latest held session (what a reminder looks at).
    pub current_absence_run: usize,
    /// Past sessions of the cohort whose register is not taken yet: counted neither as
    /// attended nor as missed.
    pub outstanding: usize,
}

impl AttendanceSummary {
    /// Attended ÷ held as a percentage, when anything was held.
    pub fn rate(&self) -> Option<f64> {
        (self.held > 0).then(|| self.attended as f64 * 100.0 / self.held as f64)
    }

    /// The rate with one decimal and a % sign; "No registers taken yet" while sessions
    /// have passed untaken, or "No sessions yet".
    pub fn rate_text(&self) -> String {
        let nothing = if self.outstanding > 0 {
            "No registers taken yet"
        } else {
            "No sessions yet"
        };
        self.rate()
            .map_or_else(|| nothing.to_owned(), |r| format!("{r:.1}%"))
    }

    /// "3 of 5 held, 60.0%", or the rate text when nothing was held.
    pub fn held_text(&self) -> String {
        match self.rate() {
            Some(rate) => format!("{} of {} held, {rate:.1}%", self.attended, self.held),
            None => self.rate_text(),
        }
    }

    /// "2 registers outstanding", when any are.
    pub fn outstanding_text(&self) -> Option<String> {
        outstanding_text(self.outstanding)
    }

    /// True when the run of absences reaches the flag.
    pub fn flagged(&self) -> bool {
        self.longest_absence_run >= ABSENCE_FLAG
    }
}

/// "1 register outstanding", "2 registers outstanding", or nothing for none.
pub fn outstanding_text(count: usize) -> Option<String> {
    match count {
        0 => None,
        1 => Some("1 register outstanding".to_owned()),
        n => Some(format!("{n} registers outstanding")),
    }
}

/// Whether the register of `session` is outstanding as at `as_at`: the session is before
/// the date, not cancelled, and its register was never taken. (On the date itself an
/// untaken register is *due*, not yet outstanding.)
pub fn is_outstanding(session: &CourseSession, as_at: NaiveDate) -> bool {
    !session.cancelled && session.held_on < as_at && !session.register_taken()
}

/// [`CourseSession::is_held`] as a filter on `course_sessions`, for counts made in the
/// database: on or before `as_at`, not cancelled, register taken.
#[diesel::dsl::auto_type]
pub fn held_as_at(as_at: NaiveDate) -> _ {
    let not_cancelled: diesel::dsl::Eq<course_sessions::cancelled, bool> =
        course_sessions::cancelled.eq(false);
    not_cancelled
        .and(course_sessions::held_on.le(as_at))
        .and(course_sessions::register_taken_at.is_not_null())
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
    summary.current_absence_run = run;
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
    outstanding: usize,
    marks: HashMap<i32, HashMap<i32, Mark>>,
}

impl CohortAttendance {
    /// Loads a cohort's held sessions (as at `today`) and marks.
    pub fn load(conn: &mut DbConnection, cohort_id: i32, today: NaiveDate) -> QueryResult<Self> {
        let sessions = CourseSession::list_for_cohort(conn, cohort_id)?;
        let held = sessions
            .iter()
            .filter(|s| s.is_held(today))
            .map(|s| s.id)
            .collect();
        let outstanding = sessions.iter().filter(|s| is_outstanding(s, today)).count();
        let mut marks: HashMap<i32, HashMap<i32, Mark>> = HashMap::new();
        for mark in AttendanceMark::for_cohort(conn, cohort_id)? {
            marks
                .entry(mark.enrolment_id)
                .or_default()
                .insert(mark.course_session_id, mark.status);
        }
        Ok(Self {
            held,
            outstanding,
            marks,
        })
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
            if let Some(c) = all.get_mut(&s.cohort_id) {
                if s.is_held(today) {
                    c.held.push(s.id);
                } else if is_outstanding(&s, today) {
                    c.outstanding += 1;
                }
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

    /// Number of past sessions whose register is outstanding.
    pub fn outstanding_count(&self) -> usize {
        self.outstanding
    }

    /// The summary of one enrolment.
    pub fn summary(&self, enrolment_id: i32) -> AttendanceSummary {
        let summary = match self.marks.get(&enrolment_id) {
            Some(marks) => summarise(&self.held, marks),
            None => summarise(&self.held, &HashMap::new()),
        };
        AttendanceSummary {
            outstanding: self.outstanding,
            ..summary
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
        assert_eq!(s.current_absence_run, 0, "the late on day 6 ends the run");
        let ends_absent = summarise(&held[..5], &marks);
        assert_eq!(ends_absent.current_absence_run, 3);
    }

    #[test]
    fn outstanding_registers_are_counted_apart() {
        let one_taken = AttendanceSummary {
            attended: 1,
            held: 1,
            outstanding: 6,
            ..AttendanceSummary::default()
        };
        assert_eq!(one_taken.held_text(), "1 of 1 held, 100.0%");
        assert_eq!(
            one_taken.outstanding_text().as_deref(),
            Some("6 registers outstanding")
        );
        let none_taken = AttendanceSummary {
            outstanding: 1,
            ..AttendanceSummary::default()
        };
        assert_eq!(none_taken.held_text(), "No registers taken yet");
        assert_eq!(
            none_taken.outstanding_text().as_deref(),
            Some("1 register outstanding")
        );
        assert_eq!(AttendanceSummary::default().outstanding_text(), None);
    }
}
