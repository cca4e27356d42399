//! The cohorts list, paged and filtered: newest first on the page (keyset on
//! `(starts_on, id)` descending), by id in the API (keyset on `id`), both with the same
//! filters (programme, its name, status, start year) and the same scope (cohorts of
//! programmes the caller's organisation partners in).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::Cohort;
use super::page::{PageRequest, contains_pattern, lower};
use crate::db::DbConnection;
use crate::domain::CohortStatus;
use crate::schema::{cohorts, programme_partners, programmes};

/// What the cohorts list is narrowed to; every field left empty keeps every cohort.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortFilter {
    /// Only cohorts of this programme.
    pub programme_id: Option<i32>,
    /// Only cohorts of programmes whose name contains this (any case).
    pub programme_name: String,
    /// Only cohorts with this status.
    pub status: Option<CohortStatus>,
    /// Only cohorts starting in this year.
    pub year: Option<i32>,
}

/// Where a page of the list starts, in one of its two orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortOrder {
    /// Newest first (the page): `(starts_on, id)` descending.
    Newest(PageRequest<(NaiveDate, i32)>),
    /// By id (the API's documented order).
    ById(PageRequest<i32>),
}

/// A cohort with its programme's name, as the list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct CohortRow {
    /// The cohort.
    pub cohort: Cohort,
    /// Its programme's name.
    pub programme: String,
}

impl Cohort {
    /// One page of the cohorts `scope` (the caller's organisation; `None` for admins) may
    /// see, narrowed by `filter`, in `order`: up to `fetch()` rows.
    pub fn page(
        conn: &mut DbConnection,
        scope: Option<i32>,
        filter: &CohortFilter,
        order: CohortOrder,
    ) -> QueryResult<Vec<CohortRow>> {
        let mut query = cohorts::table
            .inner_join(programmes::table)
            .select((Cohort::as_select(), programmes::name))
            .into_boxed();
        if let Some(org) = scope {
            let mine = programme_partners::table
                .filter(programme_partners::organisation_id.eq(org))
                .select(programme_partners::programme_id);
            query = query.filter(cohorts::programme_id.eq_any(mine));
        }
        if let Some(programme_id) = filter.programme_id {
            query = query.filter(cohorts::programme_id.eq(programme_id));
        }
        if !filter.programme_name.trim().is_empty() {
            let pattern = contains_pattern(&filter.programme_name);
            query = query.filter(lower(programmes::name).like(pattern).escape('\\'));
        }
        if let Some(status) = filter.status {
            query = query.filter(cohorts::status.eq(status));
        }
        if let Some((first, last)) = filter.year.and_then(year_bounds) {
            query = query.filter(cohorts::starts_on.between(first, last));
        }
        match order {
            CohortOrder::Newest(request) => {
                if let Some((on, id)) = request.after {
                    query = query.filter(
                        cohorts::starts_on
                            .lt(on)
                            .or(cohorts::starts_on.eq(on).and(cohorts::id.lt(id))),
                    );
                }
                query
                    .order((cohorts::starts_on.desc(), cohorts::id.desc()))
                    .limit(request.fetch())
                    .load(conn)
            }
            CohortOrder::ById(request) => {
                if let Some(after) = request.after {
                    query = query.filter(cohorts::id.gt(after));
                }
                query.order(cohorts::id).limit(request.fetch()).load(conn)
            }
        }
    }
}

/// The first and last day of `year`, when it is one a date can hold.
fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}
