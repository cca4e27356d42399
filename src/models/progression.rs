//! Progression: later career steps on a job (band increases, role and staff group
//! changes, apprenticeships, qualifications).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::Employment;
use crate::db::DbConnection;
use crate::domain::employment::StaffGroup;
use crate::domain::progression::ProgressionKind;
use crate::schema::progressions;

/// A progression row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = progressions)]
pub struct Progression {
    /// Identifier.
    pub id: i32,
    /// The job.
    pub employment_id: i32,
    /// When it took effect.
    pub effective_on: NaiveDate,
    /// Kind code.
    #[schema(value_type = String)]
    pub kind: ProgressionKind,
    /// New job title, if it changed.
    pub job_title: Option<String>,
    /// New band, if it changed.
    pub band: Option<i32>,
    /// New staff group, if it changed.
    #[schema(value_type = Option<String>)]
    pub staff_group: Option<StaffGroup>,
    /// Notes.
    pub notes: String,
    /// Creation time.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// Who recorded it.
    #[serde(skip)]
    pub created_by_user_id: Option<i32>,
}

/// A new progression, checked.
#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = progressions)]
pub struct NewProgression {
    /// Job.
    pub employment_id: i32,
    /// Date.
    pub effective_on: NaiveDate,
    /// Kind.
    pub kind: ProgressionKind,
    /// Title.
    pub job_title: Option<String>,
    /// Band.
    pub band: Option<i32>,
    /// Staff group.
    pub staff_group: Option<StaffGroup>,
    /// Notes.
    pub notes: String,
}

/// The band, staff group and job title a job has reached after its progressions (steps
/// of other jobs in `progressions` are skipped).
pub fn current_position(
    employment: &Employment,
    progressions: &[Progression],
) -> (i32, StaffGroup, String) {
    let mut band = employment.band;
    let mut group = employment.staff_group;
    let mut title = employment.job_title.clone();
    for p in progressions
        .iter()
        .filter(|p| p.employment_id == employment.id)
    {
        band = p.band.unwrap_or(band);
        group = p.staff_group.unwrap_or(group);
        title = p.job_title.clone().unwrap_or(title);
    }
    (band, group, title)
}

impl Progression {
    /// The label of the kind.
    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }

    /// The progressions of some jobs, in date order.
    pub fn for_employments(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<Progression>> {
        progressions::table
            .filter(progressions::employment_id.eq_any(ids.to_vec()))
            .order((progressions::effective_on, progressions::id))
            .select(Progression::as_select())
            .load(conn)
    }

    /// Inserts a progression.
    pub fn create(
        conn: &mut DbConnection,
        new: &NewProgression,
        actor: i32,
        now: NaiveDateTime,
    ) -> QueryResult<Progression> {
        diesel::insert_into(progressions::table)
            .values((
                new,
                progressions::created_at.eq(now),
                progressions::created_by_user_id.eq(actor),
            ))
            .returning(progressions::all_columns)
            .get_result(conn)
    }
}
