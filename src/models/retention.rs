//! Retention: residents whose last activity is older than the retention period. Activity
//! is the latest of: enrolment stage changes, attendance (the session's date), job start
//! and end dates, verified checkpoints, progressions, and changes to the record itself.
//! Erased residents are never listed again.

use std::collections::HashMap;

use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::dsl::max;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{
    attendance, checkpoints, course_sessions, employments, enrolment_stage_changes, enrolments,
    participants, progressions,
};

/// A resident past the retention period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inactive {
    /// Their id (lists show ids, never names).
    pub participant_id: i32,
    /// Their last activity.
    pub last_activity: NaiveDate,
}

/// The first day still inside a retention period of `years` ending `today`.
pub fn cutoff(today: NaiveDate, years: u32) -> Option<NaiveDate> {
    today.checked_sub_months(Months::new(years.checked_mul(12)?))
}

/// Residents (not yet erased) whose last activity is before `cutoff`, by id.
pub fn inactive_before(conn: &mut DbConnection, cutoff: NaiveDate) -> QueryResult<Vec<Inactive>> {
    let mut latest = last_changed(conn)?;
    let dates = course_activity(conn)?
        .into_iter()
        .chain(job_activity(conn)?);
    for (id, date) in dates {
        if let (Some(date), Some(current)) = (date, latest.get_mut(&id)) {
            *current = (*current).max(date);
        }
    }
    let mut inactive: Vec<Inactive> = latest
        .into_iter()
        .filter(|(_, last)| *last < cutoff)
        .map(|(participant_id, last_activity)| Inactive {
            participant_id,
            last_activity,
        })
        .collect();
    inactive.sort_by_key(|i| i.participant_id);
    Ok(inactive)
}

/// Each resident not yet erased, with the day their record last changed.
fn last_changed(conn: &mut DbConnection) -> QueryResult<HashMap<i32, NaiveDate>> {
    Ok(participants::table
        .filter(participants::erased_at.is_null())
        .select((participants::id, participants::updated_at))
        .load::<(i32, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, at)| (id, at.date()))
        .collect())
}

/// A resident's latest day of one kind of activity, by resident.
type Latest = Vec<(i32, Option<NaiveDate>)>;

/// The latest stage change and attended session of each resident's enrolments.
fn course_activity(conn: &mut DbConnection) -> QueryResult<Latest> {
    let mut dates: Latest = enrolment_stage_changes::table
        .inner_join(enrolments::table)
        .group_by(enrolments::participant_id)
        .select((
            enrolments::participant_id,
            max(enrolment_stage_changes::changed_on),
        ))
        .load(conn)?;
    dates.extend(
        attendance::table
            .inner_join(enrolments::table)
            .inner_join(course_sessions::table)
            .group_by(enrolments::participant_id)
            .select((enrolments::participant_id, max(course_sessions::held_on)))
            .load::<(i32, Option<NaiveDate>)>(conn)?,
    );
    Ok(dates)
}

/// The latest start, end, checkpoint and progression of each resident's jobs.
fn job_activity(conn: &mut DbConnection) -> QueryResult<Latest> {
    let by_resident = employments::participant_id;
    let mut dates: Latest = employments::table
        .group_by(by_resident)
        .select((by_resident, max(employments::start_date)))
        .load(conn)?;
    dates.extend(
        employments::table
            .group_by(by_resident)
            .select((by_resident, max(employments::end_date)))
            .load::<(i32, Option<NaiveDate>)>(conn)?,
    );
    dates.extend(
        checkpoints::table
            .inner_join(employments::table)
            .group_by(by_resident)
            .select((by_resident, max(checkpoints::verified_on)))
            .load::<(i32, Option<NaiveDate>)>(conn)?,
    );
    dates.extend(
        progressions::table
            .inner_join(employments::table)
            .group_by(by_resident)
            .select((by_resident, max(progressions::effective_on)))
            .load::<(i32, Option<NaiveDate>)>(conn)?,
    );
    Ok(dates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_whole_years_back() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(cutoff(today, 6), NaiveDate::from_ymd_opt(2020, 11, 23));
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(cutoff(leap, 1), NaiveDate::from_ymd_opt(2023, 2, 28));
    }
}
