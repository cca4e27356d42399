//! Employments: jobs residents start after the course, at a partner employer, with the
//! Agenda for Change band, staff group, hours and contract; ended with a date and reason.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::Actor;
use crate::domain::employment::{Contract, EndReason, StaffGroup};
use crate::schema::{cohorts, employments, enrolments, programme_partners};

/// The Leeds Teaching Hospitals sites offered for that trust's jobs.
pub const LEEDS_SITES: [&str; 6] = [
    "St James's University Hospital",
    "Leeds General Infirmary",
    "Chapel Allerton Hospital",
    "Seacroft Hospital",
    "Wharfedale Hospital",
    "Leeds Dental Institute",
];

/// Whether a staff group code read as text counts as clinical (see
/// [`StaffGroup::is_clinical`]).
pub fn is_clinical(staff_group: &str) -> bool {
    StaffGroup::parse(staff_group).is_some_and(StaffGroup::is_clinical)
}

/// An employment row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = employments)]
pub struct Employment {
    /// Identifier.
    pub id: i32,
    /// The person.
    pub participant_id: i32,
    /// The enrolment the job is attributed to.
    pub enrolment_id: i32,
    /// The employer.
    pub employer_organisation_id: i32,
    /// Where (e.g. St James's University Hospital).
    pub site: String,
    /// Job title.
    pub job_title: String,
    /// Staff group code.
    #[schema(value_type = String)]
    pub staff_group: StaffGroup,
    /// Agenda for Change band, 1–9.
    pub band: i32,
    /// Contracted hours per week.
    pub hours_per_week: f64,
    /// Contract code.
    #[schema(value_type = String)]
    pub contract: Contract,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, when it ended.
    pub end_date: Option<NaiveDate>,
    /// Why it ended.
    #[schema(value_type = Option<String>)]
    pub end_reason: Option<EndReason>,
    /// Creation time.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// Last change.
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
}

/// A new employment, checked.
#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = employments)]
pub struct NewEmployment {
    /// Person.
    pub participant_id: i32,
    /// Enrolment.
    pub enrolment_id: i32,
    /// Employer.
    pub employer_organisation_id: i32,
    /// Site.
    pub site: String,
    /// Title.
    pub job_title: String,
    /// Staff group.
    pub staff_group: StaffGroup,
    /// Band.
    pub band: i32,
    /// Hours.
    pub hours_per_week: f64,
    /// Contract.
    pub contract: Contract,
    /// Start.
    pub start_date: NaiveDate,
}

impl Employment {
    /// The label of the staff group.
    pub fn staff_group_label(&self) -> &'static str {
        self.staff_group.label()
    }

    /// The label of the contract.
    pub fn contract_label(&self) -> &'static str {
        self.contract.label()
    }

    /// One employment by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Employment> {
        employments::table
            .find(id)
            .select(Employment::as_select())
            .first(conn)
    }

    /// Reads the job and, on PostgreSQL, locks its row until the transaction ends, so its
    /// end, checkpoints and progression steps are recorded one writer at a time, each
    /// checked against what the previous one committed. SQLite's write transactions
    /// already run one at a time.
    pub fn lock(conn: &mut DbConnection, id: i32) -> QueryResult<Employment> {
        match conn {
            DbConnection::Postgresql(pg) => employments::table
                .find(id)
                .for_no_key_update()
                .select(Employment::as_select())
                .first(pg),
            DbConnection::Sqlite(_) => Self::find(conn, id),
        }
    }

    /// The employment if `actor` may see it: HR only at their own organisation; others
    /// when the job's enrolment is in a programme their organisation partners in; admins
    /// all. `NotFound` otherwise.
    pub fn find_visible(
        conn: &mut DbConnection,
        id: i32,
        actor: &Actor,
    ) -> QueryResult<Employment> {
        let employment = Self::find(conn, id)?;
        if Self::visible(conn, &employment, actor)? {
            Ok(employment)
        } else {
            Err(diesel::result::Error::NotFound)
        }
    }

    fn visible(conn: &mut DbConnection, e: &Employment, actor: &Actor) -> QueryResult<bool> {
        let Some(org) = actor.scope() else {
            return Ok(true);
        };
        if actor.employer_only() {
            return Ok(e.employer_organisation_id == org);
        }
        let n: i64 = enrolments::table
            .inner_join(
                cohorts::table.inner_join(
                    programme_partners::table
                        .on(programme_partners::programme_id.eq(cohorts::programme_id)),
                ),
            )
            .filter(enrolments::id.eq(e.enrolment_id))
            .filter(programme_partners::organisation_id.eq(org))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// A person's jobs the caller may see, oldest first, in one query: the rule of
    /// [`Employment::find_visible`] with `scope` = [`Actor::scope`] and `employer_only` =
    /// [`Actor::employer_only`] (admins: `None`, all jobs).
    pub fn for_participant(
        conn: &mut DbConnection,
        participant_id: i32,
        scope: Option<i32>,
        employer_only: bool,
    ) -> QueryResult<Vec<Employment>> {
        let mut query = employments::table
            .inner_join(enrolments::table.inner_join(cohorts::table))
            .filter(employments::participant_id.eq(participant_id))
            .order((employments::start_date, employments::id))
            .select(Employment::as_select())
            .into_boxed();
        match scope {
            Some(org) if employer_only => {
                query = query.filter(employments::employer_organisation_id.eq(org));
            }
            Some(org) => {
                let partnered = programme_partners::table
                    .filter(programme_partners::organisation_id.eq(org))
                    .select(programme_partners::programme_id);
                query = query.filter(cohorts::programme_id.eq_any(partnered));
            }
            None => {}
        }
        query.load(conn)
    }

    /// Inserts an employment.
    pub fn create(
        conn: &mut DbConnection,
        new: &NewEmployment,
        now: NaiveDateTime,
    ) -> QueryResult<Employment> {
        diesel::insert_into(employments::table)
            .values((
                new,
                employments::created_at.eq(now),
                employments::updated_at.eq(now),
            ))
            .returning(employments::all_columns)
            .get_result(conn)
    }

    /// Sets or clears the end of a job.
    pub fn set_end(
        conn: &mut DbConnection,
        id: i32,
        end_date: Option<NaiveDate>,
        end_reason: Option<EndReason>,
        now: NaiveDateTime,
    ) -> QueryResult<Employment> {
        diesel::update(employments::table.find(id))
            .set((
                employments::end_date.eq(end_date),
                employments::end_reason.eq(end_reason),
                employments::updated_at.eq(now),
            ))
            .returning(employments::all_columns)
            .get_result(conn)
    }
}
