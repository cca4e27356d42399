//! Registers across cohorts: today's sessions and the registers outstanding (before
//! today, not cancelled, never taken), oldest first, in the cohorts of programmes the
//! caller's organisation partners in. Both are keyset-paged on `(held_on, id)`; the
//! outstanding list and its count read the index of untaken sessions.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::CourseSession;
use super::page::PageRequest;
use crate::db::DbConnection;
use crate::schema::{cohorts, course_sessions, programme_partners};

type Db = <DbConnection as diesel::Connection>::Backend;

/// A session with its cohort's name, as the registers lists show it.
#[derive(Debug, Clone, Queryable)]
pub struct RegisterRow {
    /// The session.
    pub session: CourseSession,
    /// Its cohort's name.
    pub cohort_name: String,
}

/// Which registers a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterList {
    /// Every session on this day (cancelled ones included, so the day is complete).
    OnDay(NaiveDate),
    /// Sessions before this day, not cancelled, whose register was never taken.
    OutstandingBefore(NaiveDate),
}

/// The sessions of `list` that `scope` (the caller's organisation; `None` for admins) may
/// see, as a boxed query ready to order, page or count.
fn scoped(list: RegisterList, scope: Option<i32>) -> course_sessions::BoxedQuery<'static, Db> {
    let mut query = course_sessions::table.into_boxed();
    match list {
        RegisterList::OnDay(day) => query = query.filter(course_sessions::held_on.eq(day)),
        RegisterList::OutstandingBefore(day) => {
            // The same condition as the partial index of untaken sessions.
            query = query
                .filter(course_sessions::held_on.lt(day))
                .filter(course_sessions::register_taken_at.is_null())
                .filter(course_sessions::cancelled.eq(false));
        }
    }
    if let Some(org) = scope {
        // Correlated through the session's own cohort, so the planner drives from the
        // sessions' index (the untaken ones, or the day's) instead of probing every cohort
        // in scope: nationally that was 186,000 sessions read to find none outstanding.
        let mine = cohorts::table
            .inner_join(
                programme_partners::table
                    .on(programme_partners::programme_id.eq(cohorts::programme_id)),
            )
            .filter(cohorts::id.eq(course_sessions::cohort_id))
            .filter(programme_partners::organisation_id.eq(org))
            .select(cohorts::id);
        query = query.filter(diesel::dsl::exists(mine));
    }
    query
}

impl RegisterRow {
    /// One page of `list`, oldest first: up to `request.fetch()` rows after the cursor.
    pub fn page(
        conn: &mut DbConnection,
        list: RegisterList,
        scope: Option<i32>,
        request: &PageRequest<(NaiveDate, i32)>,
    ) -> QueryResult<Vec<RegisterRow>> {
        let mut query = scoped(list, scope);
        if let Some((day, id)) = request.after {
            query = query.filter(
                course_sessions::held_on.gt(day).or(course_sessions::held_on
                    .eq(day)
                    .and(course_sessions::id.gt(id))),
            );
        }
        let sessions: Vec<CourseSession> = query
            .order((course_sessions::held_on, course_sessions::id))
            .limit(request.fetch())
            .select(CourseSession::as_select())
            .load(conn)?;
        let ids: Vec<i32> = sessions.iter().map(|s| s.cohort_id).collect();
        let names: std::collections::HashMap<i32, String> = cohorts::table
            .filter(cohorts::id.eq_any(ids))
            .select((cohorts::id, cohorts::name))
            .load::<(i32, String)>(conn)?
            .into_iter()
            .collect();
        Ok(sessions
            .into_iter()
            .map(|session| RegisterRow {
                cohort_name: names.get(&session.cohort_id).cloned().unwrap_or_default(),
                session,
            })
            .collect())
    }

    /// How many sessions `list` holds for `scope` (for the outstanding list, a count over
    /// the index of untaken sessions).
    pub fn count(
        conn: &mut DbConnection,
        list: RegisterList,
        scope: Option<i32>,
    ) -> QueryResult<i64> {
        scoped(list, scope).count().get_result(conn)
    }
}
