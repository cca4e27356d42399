//! Closure days: days a programme's courses do not run (a site closure, a college inset
//! day), one per programme and date, set by an administrator.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::page::PageRequest;
use crate::db::DbConnection;
use crate::schema::closure_days;

/// A closure day.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = closure_days)]
pub struct ClosureDay {
    /// Identifier.
    pub id: i32,
    /// The programme.
    pub programme_id: i32,
    /// The day closed.
    pub closed_on: NaiveDate,
    /// Why, as the administrator gave it.
    pub reason: String,
    /// When it was set.
    pub created_at: NaiveDateTime,
    /// Who set it.
    pub created_by_user_id: Option<i32>,
}

impl ClosureDay {
    /// One closure day by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<ClosureDay> {
        closure_days::table
            .find(id)
            .select(ClosureDay::as_select())
            .first(conn)
    }

    /// Adds a closure day.
    pub fn create(
        conn: &mut DbConnection,
        programme_id: i32,
        closed_on: NaiveDate,
        reason: &str,
        actor: i32,
        now: NaiveDateTime,
    ) -> QueryResult<ClosureDay> {
        diesel::insert_into(closure_days::table)
            .values((
                closure_days::programme_id.eq(programme_id),
                closure_days::closed_on.eq(closed_on),
                closure_days::reason.eq(reason),
                closure_days::created_at.eq(now),
                closure_days::created_by_user_id.eq(Some(actor)),
            ))
            .returning(closure_days::all_columns)
            .get_result(conn)
    }

    /// Removes a closure day.
    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
        diesel::delete(closure_days::table.find(id)).execute(conn)
    }

    /// Whether the programme already has a closure on `closed_on`.
    pub fn exists(
        conn: &mut DbConnection,
        programme_id: i32,
        closed_on: NaiveDate,
    ) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            closure_days::table
                .filter(closure_days::programme_id.eq(programme_id))
                .filter(closure_days::closed_on.eq(closed_on)),
        ))
        .get_result(conn)
    }

    /// A page of a programme's closure days, latest first (keyset on the date, unique
    /// within a programme): up to `request.fetch()` rows.
    pub fn page_for_programme(
        conn: &mut DbConnection,
        programme_id: i32,
        request: &PageRequest<NaiveDate>,
    ) -> QueryResult<Vec<ClosureDay>> {
        let mut query = closure_days::table
            .filter(closure_days::programme_id.eq(programme_id))
            .select(ClosureDay::as_select())
            .into_boxed();
        if let Some(on) = request.after {
            query = query.filter(closure_days::closed_on.lt(on));
        }
        query
            .order(closure_days::closed_on.desc())
            .limit(request.fetch())
            .load(conn)
    }

    /// A programme's closure days from `from` to `to` (both included), in date order,
    /// as the calendar a schedule is planned with reads them.
    pub fn between(
        conn: &mut DbConnection,
        programme_id: i32,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<(NaiveDate, String)>> {
        closure_days::table
            .filter(closure_days::programme_id.eq(programme_id))
            .filter(closure_days::closed_on.between(from, to))
            .order(closure_days::closed_on)
            .select((closure_days::closed_on, closure_days::reason))
            .load(conn)
    }
}
