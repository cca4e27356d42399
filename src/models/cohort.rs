//! Cohorts: intakes of a programme (three a year), with dates, capacity, venue and status.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::domain::CohortStatus;
use crate::schema::{cohorts, programme_partners};

/// The statuses of open cohorts ([`CohortStatus::is_open`]), for queries.
pub const OPEN: [CohortStatus; 3] = [
    CohortStatus::Planned,
    CohortStatus::Recruiting,
    CohortStatus::Running,
];

/// A cohort row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = cohorts)]
pub struct Cohort {
    /// Identifier.
    pub id: i32,
    /// The programme it is an intake of.
    pub programme_id: i32,
    /// Name, unique within the programme (e.g. "2019 pilot", "Spring 2026").
    pub name: String,
    /// First day of the course.
    pub starts_on: NaiveDate,
    /// Length of the course in weeks.
    pub weeks: i32,
    /// Most people who can be enrolled at once.
    pub capacity: i32,
    /// Where the college part is taught.
    pub venue: String,
    /// `planned`, `recruiting`, `running`, `finished` or `cancelled`.
    #[schema(value_type = String)]
    pub status: CohortStatus,
    /// Creation time.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// Last change.
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
}

/// A new cohort.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cohorts)]
pub struct NewCohort {
    /// Programme.
    pub programme_id: i32,
    /// Name.
    pub name: String,
    /// Start date.
    pub starts_on: NaiveDate,
    /// Weeks.
    pub weeks: i32,
    /// Capacity.
    pub capacity: i32,
    /// Venue.
    pub venue: String,
    /// Status.
    pub status: CohortStatus,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Same as `created_at`.
    pub updated_at: NaiveDateTime,
}

/// Changes to a cohort.
#[derive(Debug, Clone, Default, AsChangeset, Deserialize)]
#[diesel(table_name = cohorts)]
pub struct CohortChanges {
    /// New name.
    pub name: Option<String>,
    /// New start date.
    pub starts_on: Option<NaiveDate>,
    /// New length.
    pub weeks: Option<i32>,
    /// New capacity.
    pub capacity: Option<i32>,
    /// New venue.
    pub venue: Option<String>,
    /// New status.
    pub status: Option<CohortStatus>,
    /// Change time.
    pub updated_at: Option<NaiveDateTime>,
}

impl Cohort {
    /// The Friday of the course's last week: when it ends if no schedule says otherwise.
    pub fn planned_end(&self) -> NaiveDate {
        let monday = self.starts_on
            - TimeDelta::days(i64::from(self.starts_on.weekday().num_days_from_monday()));
        monday + TimeDelta::days(i64::from(self.weeks - 1) * 7 + 4)
    }

    /// The label of the status.
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }

    /// One cohort by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Cohort> {
        cohorts::table
            .find(id)
            .select(Cohort::as_select())
            .first(conn)
    }

    /// Reads the cohort and, on PostgreSQL, locks its row until the transaction ends
    /// (`FOR NO KEY UPDATE`), so writers whose rules hang on the cohort (capacity, its
    /// registers and schedule, its enrolments' stages) take turns and each sees what the
    /// previous one committed. The weaker no-key lock still lets other transactions
    /// insert rows that merely refer to the cohort. SQLite needs no lock: its write
    /// transactions already run one at a time. Only meaningful inside a write transaction.
    pub fn lock(conn: &mut DbConnection, id: i32) -> QueryResult<Cohort> {
        match conn {
            DbConnection::Postgresql(pg) => cohorts::table
                .find(id)
                .for_no_key_update()
                .select(Cohort::as_select())
                .first(pg),
            DbConnection::Sqlite(_) => Self::find(conn, id),
        }
    }

    /// The cohort if `scope` (the caller's organisation; `None` for admins) partners in its
    /// programme; otherwise `NotFound`, as if it did not exist.
    pub fn find_visible(
        conn: &mut DbConnection,
        id: i32,
        scope: Option<i32>,
    ) -> QueryResult<Cohort> {
        let cohort = Self::find(conn, id)?;
        match scope {
            Some(org) if !super::Programme::has_partner(conn, cohort.programme_id, org)? => {
                Err(diesel::result::Error::NotFound)
            }
            _ => Ok(cohort),
        }
    }

    /// Open cohorts (planned, recruiting or running) the caller may see, newest first, at
    /// most `limit`: read by the status index, not by loading every cohort and keeping the
    /// open ones.
    pub fn open(
        conn: &mut DbConnection,
        scope: Option<i32>,
        limit: i64,
    ) -> QueryResult<Vec<Cohort>> {
        let mut query = cohorts::table
            .filter(cohorts::status.eq_any(OPEN))
            .select(Cohort::as_select())
            .into_boxed();
        if let Some(org) = scope {
            let mine = programme_partners::table
                .filter(programme_partners::organisation_id.eq(org))
                .select(programme_partners::programme_id);
            query = query.filter(cohorts::programme_id.eq_any(mine));
        }
        query
            .order((cohorts::starts_on.desc(), cohorts::id.desc()))
            .limit(limit)
            .load(conn)
    }

    /// Whether a cohort of this programme already has the name.
    pub fn name_taken(
        conn: &mut DbConnection,
        programme_id: i32,
        name: &str,
        except: Option<i32>,
    ) -> QueryResult<bool> {
        let ids: Vec<i32> = cohorts::table
            .filter(cohorts::programme_id.eq(programme_id))
            .filter(cohorts::name.eq(name))
            .select(cohorts::id)
            .load(conn)?;
        Ok(ids.iter().any(|id| Some(*id) != except))
    }

    /// Inserts a cohort.
    pub fn create(conn: &mut DbConnection, new: &NewCohort) -> QueryResult<Cohort> {
        diesel::insert_into(cohorts::table)
            .values(new)
            .returning(cohorts::all_columns)
            .get_result(conn)
    }

    /// Applies changes.
    pub fn update(
        conn: &mut DbConnection,
        id: i32,
        changes: &CohortChanges,
    ) -> QueryResult<Cohort> {
        diesel::update(cohorts::table.find(id))
            .set(changes)
            .returning(cohorts::all_columns)
            .get_result(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_six_week_course_ends_on_the_friday_of_week_six() {
        let cohort = Cohort {
            id: 1,
            programme_id: 1,
            name: "Pilot".into(),
            starts_on: NaiveDate::from_ymd_opt(2019, 9, 2).unwrap(), // a Monday
            weeks: 6,
            capacity: 60,
            venue: String::new(),
            status: CohortStatus::Finished,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        };
        assert_eq!(
            cohort.planned_end(),
            NaiveDate::from_ymd_opt(2019, 10, 11).unwrap()
        );
    }
}
