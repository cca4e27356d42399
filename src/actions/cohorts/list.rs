//! The cohorts list (the page newest first, the API by id) with its filters, and the
//! cohort's own lists in the API (its schedule and roster), each one page at a time.

use chrono::NaiveDate;
use serde::Deserialize;

use super::visible;
use crate::db::DbConnection;
use crate::domain::{Actor, CohortStatus, Permission};
use crate::error::{AppError, AppResult};
use crate::models::cohort_list::{CohortFilter, CohortOrder, CohortRow};
use crate::models::page::{PageRequest, Paged, whole};
use crate::models::{Cohort, CourseSession, Enrolment, RosterEntry};

/// `?programme_id=&programme=&status=&year=`: the cohorts list's filters, read as text so
/// a bad value is answered 422 naming it. Blank values filter nothing.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CohortListQuery {
    /// Only cohorts of this programme (its id).
    #[param(value_type = Option<i32>, minimum = 1)]
    pub programme_id: Option<String>,
    /// Only cohorts of programmes whose name contains this (any case).
    pub programme: Option<String>,
    /// Only cohorts with this status: `planned`, `recruiting`, `running`, `finished` or
    /// `cancelled`.
    #[param(pattern = "^(planned|recruiting|running|finished|cancelled)?$")]
    pub status: Option<String>,
    /// Only cohorts starting in this year (e.g. 2026).
    #[param(value_type = Option<i32>, minimum = 1900, maximum = 9999)]
    pub year: Option<String>,
}

impl CohortListQuery {
    /// The filter these values ask for; 422 naming each value that is not one.
    pub fn filter(&self) -> AppResult<CohortFilter> {
        let programme_id = given(&self.programme_id)
            .map(|v| {
                v.parse::<i32>().ok().filter(|id| *id > 0).ok_or_else(|| {
                    AppError::invalid("programme_id", "programme_id must be a programme's id")
                })
            })
            .transpose()?;
        let status = given(&self.status)
            .map(|v| {
                CohortStatus::parse(v).ok_or_else(|| {
                    AppError::invalid(
                        "status",
                        "status must be planned, recruiting, running, finished or cancelled",
                    )
                })
            })
            .transpose()?;
        let year = given(&self.year)
            .map(|v| {
                v.parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=9999).contains(y))
                    .ok_or_else(|| AppError::invalid("year", "year must be a year, like 2026"))
            })
            .transpose()?;
        Ok(CohortFilter {
            programme_id,
            programme_name: given(&self.programme).unwrap_or_default().to_owned(),
            status,
            year,
        })
    }
}

/// A query value, unless left out or blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// One page of the cohorts the actor may see (only programmes their organisation
/// partners in), narrowed by `filter`, in `order`.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &CohortFilter,
    order: CohortOrder,
) -> AppResult<Paged<CohortRow>> {
    actor.require(Permission::ViewProgrammes)?;
    let rows = Cohort::page(conn, actor.scope(), filter, order)?;
    Ok(match order {
        CohortOrder::Newest(request) => {
            Paged::from_fetched(rows, &request, |row| (row.cohort.starts_on, row.cohort.id))
        }
        CohortOrder::ById(request) => Paged::from_fetched(rows, &request, |row| row.cohort.id),
    })
}

/// A page of the cohort's schedule, in date order (keyset on `(held_on, id)`).
pub fn sessions(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    request: &PageRequest<(NaiveDate, i32)>,
) -> AppResult<Paged<CourseSession>> {
    visible(conn, actor, Permission::ViewProgrammes, id)?;
    let sessions = CourseSession::list_for_cohort(conn, id)?;
    Ok(whole::by_key(sessions, request, |s| (s.held_on, s.id)))
}

/// A page of the cohort's enrolments (its roster, by name), for roles that see residents.
/// The cursor is the id of the last enrolment shown, never a name; an empty last page
/// when it is not one of this cohort's.
pub fn roster(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    request: &PageRequest<i32>,
) -> AppResult<Paged<RosterEntry>> {
    visible(conn, actor, Permission::ViewParticipants, id)?;
    let roster = Enrolment::roster(conn, id)?;
    Ok(whole::after_row(roster, request, |r| r.enrolment.id))
}
