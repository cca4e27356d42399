//! Course sessions: the days of a cohort's course, generated from the programme's
//! template and editable (move, retitle, cancel).

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use super::{Cohort, TemplateDay};
use crate::db::DbConnection;
use crate::domain::RegisterStatus;
use crate::domain::calendar::{Calendar, Moved, avoid_closed_days};
use crate::schema::{attendance, course_sessions};

/// A course session row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = course_sessions)]
pub struct CourseSession {
    /// Identifier.
    pub id: i32,
    /// The cohort.
    pub cohort_id: i32,
    /// The day.
    pub held_on: NaiveDate,
    /// Week of the course, from 1.
    pub week_number: i32,
    /// `college` or `placement`.
    pub kind: String,
    /// What the day covers.
    pub topic: String,
    /// A cancelled session is not "held" and takes no register.
    pub cancelled: bool,
    /// Creation time.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// Last change.
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    /// When the register was first saved: a session is *held* once its register is
    /// taken (PRODUCT.md, definitions). `None` while untaken.
    #[serde(skip)]
    pub register_taken_at: Option<NaiveDateTime>,
    /// Who first saved the register.
    #[serde(skip)]
    pub register_taken_by_user_id: Option<i32>,
    /// When the register was last saved.
    #[serde(skip)]
    pub register_updated_at: Option<NaiveDateTime>,
    /// Who last saved the register.
    #[serde(skip)]
    pub register_updated_by_user_id: Option<i32>,
    /// Bumped by every save of the register (0 while untaken): a form carries the version
    /// it was opened at, so a save over someone else's later changes can be refused.
    #[serde(skip)]
    pub register_version: i32,
}

/// A session as the API shows it: the row, with where its register stands as at the
/// actor's today and when it was first and last saved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// The session.
    #[serde(flatten)]
    pub session: CourseSession,
    /// `upcoming`, `due`, `outstanding`, `taken` or `cancelled`, as at today.
    pub register_status: RegisterStatus,
    /// When the register was first saved (RFC 3339), null while untaken.
    #[serde(serialize_with = "super::utc::serialize_opt")]
    pub register_taken_at: Option<NaiveDateTime>,
    /// When the register was last saved (RFC 3339), null while untaken.
    #[serde(serialize_with = "super::utc::serialize_opt")]
    pub register_updated_at: Option<NaiveDateTime>,
    /// The register's version: every save bumps it (0 while untaken). The register's
    /// `ETag`, and what `If-Match` on saving it carries.
    pub register_version: i32,
}

impl SessionView {
    /// The view of `session` as at `today`.
    pub fn of(session: CourseSession, today: NaiveDate) -> Self {
        SessionView {
            register_status: session.register_status(today),
            register_taken_at: session.register_taken_at,
            register_updated_at: session.register_updated_at,
            register_version: session.register_version,
            session,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = course_sessions)]
struct NewCourseSession<'a> {
    cohort_id: i32,
    held_on: NaiveDate,
    week_number: i32,
    kind: &'a str,
    topic: &'a str,
    cancelled: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Changes to one session.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = course_sessions)]
pub struct SessionChanges {
    /// New date.
    pub held_on: Option<NaiveDate>,
    /// New topic.
    pub topic: Option<String>,
    /// Cancelled or reinstated.
    pub cancelled: Option<bool>,
    /// Change time.
    pub updated_at: Option<NaiveDateTime>,
}

/// The planned days of a cohort's course from a template: week 1 is the week the cohort
/// starts in, days before the start date are skipped, and weeks beyond the cohort's
/// length are left out.
pub fn plan(cohort: &Cohort, template: &[TemplateDay]) -> Vec<(NaiveDate, i32, String)> {
    let monday = cohort.starts_on
        - TimeDelta::days(i64::from(cohort.starts_on.weekday().num_days_from_monday()));
    let mut days: Vec<(NaiveDate, i32, String)> = template
        .iter()
        .filter(|d| d.week_number <= cohort.weeks)
        .map(|d| {
            let date = monday
                + TimeDelta::days(i64::from(d.week_number - 1) * 7 + i64::from(d.weekday - 1));
            (date, d.week_number, d.kind.clone())
        })
        .filter(|(date, _, _)| *date >= cohort.starts_on)
        .collect();
    days.sort();
    days
}

/// A planned day: its date, week of the course and kind.
pub type PlannedDay = (NaiveDate, i32, String);

/// [`plan`] around the days the course cannot run on: each planned day that falls on a
/// bank holiday or closure day moves, keeping its week and kind, to the next free working
/// day after the course's last day, so the course keeps the template's number of days.
/// Returns the days in date order and what moved.
pub fn plan_around(
    cohort: &Cohort,
    template: &[TemplateDay],
    calendar: &Calendar,
) -> (Vec<PlannedDay>, Vec<Moved>) {
    let planned = plan(cohort, template)
        .into_iter()
        .map(|(date, week, kind)| (date, (week, kind)))
        .collect();
    let (days, moves) = avoid_closed_days(planned, calendar);
    let days = days
        .into_iter()
        .map(|(date, (week, kind))| (date, week, kind))
        .collect();
    (days, moves)
}

/// The default topic of a generated day.
fn default_topic(kind: &str, week: i32) -> String {
    match kind {
        "placement" => format!("Week {week}: placement on the wards"),
        _ => format!("Week {week}: college"),
    }
}

impl CourseSession {
    /// One session by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<CourseSession> {
        course_sessions::table
            .find(id)
            .select(CourseSession::as_select())
            .first(conn)
    }

    /// A cohort's sessions in date order.
    pub fn list_for_cohort(
        conn: &mut DbConnection,
        cohort_id: i32,
    ) -> QueryResult<Vec<CourseSession>> {
        course_sessions::table
            .filter(course_sessions::cohort_id.eq(cohort_id))
            .order((course_sessions::held_on, course_sessions::id))
            .select(CourseSession::as_select())
            .load(conn)
    }

    /// Whether any register of the cohort has a mark.
    pub fn cohort_has_attendance(conn: &mut DbConnection, cohort_id: i32) -> QueryResult<bool> {
        let n: i64 = attendance::table
            .inner_join(course_sessions::table)
            .filter(course_sessions::cohort_id.eq(cohort_id))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// Replaces a cohort's schedule with the planned days, moved off the calendar's
    /// closed days ([`plan_around`]; callers check for attendance). Returns the sessions
    /// and what moved.
    pub fn replace_for_cohort(
        conn: &mut DbConnection,
        cohort: &Cohort,
        template: &[TemplateDay],
        calendar: &Calendar,
        now: NaiveDateTime,
    ) -> QueryResult<(Vec<CourseSession>, Vec<Moved>)> {
        diesel::delete(course_sessions::table.filter(course_sessions::cohort_id.eq(cohort.id)))
            .execute(conn)?;
        let (days, moves) = plan_around(cohort, template, calendar);
        for (held_on, week_number, kind) in days {
            let topic = default_topic(&kind, week_number);
            diesel::insert_into(course_sessions::table)
                .values(NewCourseSession {
                    cohort_id: cohort.id,
                    held_on,
                    week_number,
                    kind: &kind,
                    topic: &topic,
                    cancelled: false,
                    created_at: now,
                    updated_at: now,
                })
                .execute(conn)?;
        }
        Ok((Self::list_for_cohort(conn, cohort.id)?, moves))
    }

    /// Applies changes to one session.
    pub fn update(
        conn: &mut DbConnection,
        id: i32,
        changes: &SessionChanges,
    ) -> QueryResult<CourseSession> {
        diesel::update(course_sessions::table.find(id))
            .set(changes)
            .returning(course_sessions::all_columns)
            .get_result(conn)
    }

    /// Records a save of the session's register by `actor`: the first save takes it,
    /// every save bumps its version. Called under the cohort's lock with the marks.
    pub fn record_register_saved(
        conn: &mut DbConnection,
        id: i32,
        actor: i32,
        now: NaiveDateTime,
    ) -> QueryResult<CourseSession> {
        let first = CourseSession::find(conn, id)?;
        diesel::update(course_sessions::table.find(id))
            .set((
                course_sessions::register_taken_at.eq(first.register_taken_at.or(Some(now))),
                course_sessions::register_taken_by_user_id
                    .eq(first.register_taken_by_user_id.or(Some(actor))),
                course_sessions::register_updated_at.eq(Some(now)),
                course_sessions::register_updated_by_user_id.eq(Some(actor)),
                course_sessions::register_version.eq(course_sessions::register_version + 1),
            ))
            .returning(course_sessions::all_columns)
            .get_result(conn)
    }

    /// Whether the register has been taken (saved at least once).
    pub fn register_taken(&self) -> bool {
        self.register_taken_at.is_some()
    }

    /// Where the session's register stands on `today`.
    pub fn register_status(&self, today: NaiveDate) -> RegisterStatus {
        RegisterStatus::of(self.held_on, self.cancelled, self.register_taken(), today)
    }

    /// Whether the session counts as held as at `as_at` (PRODUCT.md, definitions): on or
    /// before the date, not cancelled, and its register taken. A register taken late
    /// counts for every date from its session's day on: it records what happened that
    /// day, whenever it was typed in. The query form of this rule, for the reports, is
    /// [`crate::models::attendance::held_as_at`]; the two must agree.
    pub fn is_held(&self, as_at: NaiveDate) -> bool {
        !self.cancelled && self.held_on <= as_at && self.register_taken()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(starts_on: NaiveDate) -> Cohort {
        Cohort {
            id: 1,
            programme_id: 1,
            name: "Pilot".into(),
            starts_on,
            weeks: 6,
            capacity: 60,
            venue: String::new(),
            status: crate::domain::CohortStatus::Planned,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        }
    }

    #[test]
    fn the_lincoln_green_template_gives_thirty_sessions() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(); // Monday
        let days = plan(&cohort(start), &TemplateDay::lincoln_green());
        assert_eq!(days.len(), 30);
        assert_eq!(days[0], (start, 1, "college".into()));
        let week3: Vec<_> = days
            .iter()
            .filter(|d| d.1 == 3)
            .map(|d| d.2.as_str())
            .collect();
        assert_eq!(
            week3,
            [
                "placement",
                "placement",
                "placement",
                "placement",
                "college"
            ]
        );
        assert_eq!(days[29].0, NaiveDate::from_ymd_opt(2026, 2, 13).unwrap());
    }

    #[test]
    fn a_start_before_christmas_keeps_thirty_sessions_off_the_holidays() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(); // Monday
        let (days, moves) = plan_around(
            &cohort(start),
            &TemplateDay::lincoln_green(),
            &Calendar::default(),
        );
        assert_eq!(days.len(), 30);
        let on = |m: u32, d: u32, y: i32| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for closed in [on(12, 25, 2026), on(12, 28, 2026), on(1, 1, 2027)] {
            assert!(days.iter().all(|d| d.0 != closed));
        }
        assert_eq!(moves.len(), 3);
        // Christmas Day was week 4's Friday: it moves after the course, still week 4.
        let moved = days.iter().find(|d| d.0 == moves[0].to).unwrap();
        assert_eq!(moved.1, 4);
    }

    #[test]
    fn a_mid_week_start_skips_the_days_before_it() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 7).unwrap(); // Wednesday
        let days = plan(&cohort(start), &TemplateDay::lincoln_green());
        assert_eq!(days.len(), 28);
        assert_eq!(days[0].0, start);
    }
}
