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
    let mut latest: HashMap<i32, NaiveDate> = participants::table
        .filter(participants::erased_at.is_null())
        .select((participants::id, participants::updated_at))
        .load::<(i32, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, at)| (id, at.date()))
        .collect();
    let mut later = |rows: Vec<(i32, Option<NaiveDate>)>| {
        for (id, date) in rows {
            if let (Some(date), Some(current)) = (date, latest.get_mut(&id)) {
                *current = (*current).max(date);
            }
        }
    };
    later(
        enrolment_stage_changes::table
            .inner_join(enrolments::table)
            .group_by(enrolments::participant_id)
            .select((
                enrolments::participant_id,
                max(enrolment_stage_changes::changed_on),
            ))
            .load(conn)?,
    );
    later(
        attendance::table
            .inner_join(enrolments::table)
            .inner_join(course_sessions::table)
            .group_by(enrolments::participant_id)
            .select((enrolments::participant_id, max(course_sessions::held_on)))
            .load(conn)?,
    );
    later(
        employments::table
            .group_by(employments::participant_id)
            .select((employments::participant_id, max(employments::start_date)))
            .load(conn)?,
    );
    later(
        employments::table
            .group_by(employments::participant_id)
            .select((employments::participant_id, max(employments::end_date)))
            .load(conn)?,
    );
    later(
        checkpoints::table
            .inner_join(employments::table)
            .group_by(employments::participant_id)
            .select((employments::participant_id, max(checkpoints::verified_on)))
            .load(conn)?,
    );
    later(
        progressions::table
            .inner_join(employments::table)
            .group_by(employments::participant_id)
            .select((employments::participant_id, max(progressions::effective_on)))
            .load(conn)?,
    );
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
