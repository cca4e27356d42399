//! Enrolments: a participant in a cohort, the stage they are at, and the history of every
//! stage change (who, when, from, to).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::{Stage, WithdrawalReason};
use crate::schema::{
    cohorts, enrolment_stage_changes, enrolments, participants, programme_partners,
};

/// An enrolment row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = enrolments)]
pub struct Enrolment {
    /// Identifier.
    pub id: i32,
    /// The person.
    pub participant_id: i32,
    /// The cohort.
    pub cohort_id: i32,
    /// Current stage.
    #[schema(value_type = String)]
    pub stage: Stage,
    /// Why they withdrew, when they did.
    #[schema(value_type = Option<String>)]
    pub withdrawal_reason: Option<WithdrawalReason>,
    /// When they withdrew.
    pub withdrawn_on: Option<NaiveDate>,
    /// When they were interviewed for a job.
    pub interviewed_on: Option<NaiveDate>,
    /// When they were offered a job.
    pub offered_on: Option<NaiveDate>,
    /// Creation time.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// Last change.
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
}

/// Changes to an enrolment.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = enrolments)]
pub struct EnrolmentChanges {
    /// New stage.
    pub stage: Option<Stage>,
    /// Reason (set with `withdrawn`, cleared otherwise).
    pub withdrawal_reason: Option<Option<WithdrawalReason>>,
    /// Withdrawal date.
    pub withdrawn_on: Option<Option<NaiveDate>>,
    /// Interview date.
    pub interviewed_on: Option<Option<NaiveDate>>,
    /// Offer date.
    pub offered_on: Option<Option<NaiveDate>>,
    /// Change time.
    pub updated_at: Option<NaiveDateTime>,
}

/// A stage change.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = enrolment_stage_changes)]
pub struct StageChange {
    /// Identifier.
    pub id: i32,
    /// The enrolment.
    pub enrolment_id: i32,
    /// Stage before (none for the first).
    #[schema(value_type = Option<String>)]
    pub from_stage: Option<Stage>,
    /// Stage after.
    #[schema(value_type = String)]
    pub to_stage: Stage,
    /// The date it took effect.
    pub changed_on: NaiveDate,
    /// When it was recorded.
    #[serde(skip)]
    pub changed_at: NaiveDateTime,
    /// Who recorded it (none when automatic).
    pub changed_by_user_id: Option<i32>,
}

/// An enrolment with the person's name, for rosters.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterEntry {
    /// The enrolment.
    #[serde(flatten)]
    pub enrolment: Enrolment,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
}

impl RosterEntry {
    /// Full name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

impl Enrolment {
    /// One enrolment by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Enrolment> {
        enrolments::table
            .find(id)
            .select(Enrolment::as_select())
            .first(conn)
    }

    /// A person's enrolment in a cohort, if any.
    pub fn find_for(
        conn: &mut DbConnection,
        participant_id: i32,
        cohort_id: i32,
    ) -> QueryResult<Option<Enrolment>> {
        enrolments::table
            .filter(enrolments::participant_id.eq(participant_id))
            .filter(enrolments::cohort_id.eq(cohort_id))
            .select(Enrolment::as_select())
            .first(conn)
            .optional()
    }

    /// A cohort's roster, by family then given name.
    pub fn roster(conn: &mut DbConnection, cohort_id: i32) -> QueryResult<Vec<RosterEntry>> {
        Self::rosters(conn, &[cohort_id])
    }

    /// The rosters of several cohorts in one query, each by family then given name.
    pub fn rosters(conn: &mut DbConnection, cohort_ids: &[i32]) -> QueryResult<Vec<RosterEntry>> {
        let rows: Vec<(Enrolment, String, String)> = enrolments::table
            .inner_join(participants::table)
            .filter(enrolments::cohort_id.eq_any(cohort_ids.to_vec()))
            .order((
                participants::family_name_key,
                participants::given_name_key,
                enrolments::id,
            ))
            .select((
                Enrolment::as_select(),
                participants::given_name,
                participants::family_name,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(enrolment, given_name, family_name)| RosterEntry {
                enrolment,
                given_name,
                family_name,
            })
            .collect())
    }

    /// A person's enrolments, newest first.
    pub fn for_participant(
        conn: &mut DbConnection,
        participant_id: i32,
    ) -> QueryResult<Vec<Enrolment>> {
        enrolments::table
            .filter(enrolments::participant_id.eq(participant_id))
            .order(enrolments::id.desc())
            .select(Enrolment::as_select())
            .load(conn)
    }

    /// A person's enrolments in cohorts the caller may see (`scope` is the caller's
    /// organisation, `None` for admins), newest first, each with its cohort: one query.
    pub fn visible_for_participant(
        conn: &mut DbConnection,
        participant_id: i32,
        scope: Option<i32>,
    ) -> QueryResult<Vec<(Enrolment, super::Cohort)>> {
        let mut query = enrolments::table
            .inner_join(cohorts::table)
            .filter(enrolments::participant_id.eq(participant_id))
            .order(enrolments::id.desc())
            .select((Enrolment::as_select(), super::Cohort::as_select()))
            .into_boxed();
        if let Some(org) = scope {
            let partnered = programme_partners::table
                .filter(programme_partners::organisation_id.eq(org))
                .select(programme_partners::programme_id);
            query = query.filter(cohorts::programme_id.eq_any(partnered));
        }
        query.load(conn)
    }

    /// Places taken in a cohort: every enrolment at a stage that holds a place.
    pub fn places_taken(conn: &mut DbConnection, cohort_id: i32) -> QueryResult<i64> {
        enrolments::table
            .filter(enrolments::cohort_id.eq(cohort_id))
            .filter(enrolments::stage.ne_all(Stage::releasing_place()))
            .count()
            .get_result(conn)
    }

    /// Inserts an enrolment at `applied`, with its first history row.
    pub fn create(
        conn: &mut DbConnection,
        participant_id: i32,
        cohort_id: i32,
        actor: Option<i32>,
        today: NaiveDate,
        now: NaiveDateTime,
    ) -> QueryResult<Enrolment> {
        let enrolment: Enrolment = diesel::insert_into(enrolments::table)
            .values((
                enrolments::participant_id.eq(participant_id),
                enrolments::cohort_id.eq(cohort_id),
                enrolments::stage.eq(Stage::Applied),
                enrolments::created_at.eq(now),
                enrolments::updated_at.eq(now),
            ))
            .returning(enrolments::all_columns)
            .get_result(conn)?;
        Self::record_stage_change(conn, enrolment.id, None, Stage::Applied, actor, today, now)?;
        Ok(enrolment)
    }

    /// Applies changes.
    pub fn update(
        conn: &mut DbConnection,
        id: i32,
        changes: &EnrolmentChanges,
    ) -> QueryResult<Enrolment> {
        diesel::update(enrolments::table.find(id))
            .set(changes)
            .returning(enrolments::all_columns)
            .get_result(conn)
    }

    /// Appends a stage-history row.
    pub fn record_stage_change(
        conn: &mut DbConnection,
        enrolment_id: i32,
        from: Option<Stage>,
        to: Stage,
        actor: Option<i32>,
        on: NaiveDate,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(enrolment_stage_changes::table)
            .values((
                enrolment_stage_changes::enrolment_id.eq(enrolment_id),
                enrolment_stage_changes::from_stage.eq(from),
                enrolment_stage_changes::to_stage.eq(to),
                enrolment_stage_changes::changed_on.eq(on),
                enrolment_stage_changes::changed_at.eq(now),
                enrolment_stage_changes::changed_by_user_id.eq(actor),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The stage history of some enrolments, oldest first.
    pub fn history(
        conn: &mut DbConnection,
        enrolment_ids: &[i32],
    ) -> QueryResult<Vec<StageChange>> {
        enrolment_stage_changes::table
            .filter(enrolment_stage_changes::enrolment_id.eq_any(enrolment_ids.to_vec()))
            .order(enrolment_stage_changes::id)
            .select(StageChange::as_select())
            .load(conn)
    }
}

/// Who may join a cohort: the one rule behind enrolling a resident and importing a file.
pub mod eligibility {
    use chrono::NaiveDate;

    use super::Enrolment;
    use crate::db::DbConnection;
    use crate::domain::age::{self, RESIDENT_AGES};
    use crate::models::Cohort;

    /// Why nobody can be enrolled in `cohort`, when it is cancelled or finished.
    pub fn closed(cohort: &Cohort) -> Option<String> {
        (!cohort.status.accepts_enrolments()).then(|| {
            format!(
                "This cohort is {}, so nobody can be enrolled",
                cohort.status
            )
        })
    }

    /// Why `name`, born on `dob`, cannot join `cohort`: residents must be 16 to 100 on its
    /// first day.
    pub fn too_young_or_old(name: &str, dob: NaiveDate, cohort: &Cohort) -> Option<String> {
        let age = age::years(dob, cohort.starts_on);
        (!RESIDENT_AGES.contains(&age)).then(|| {
            format!("{name} would be {age} when the course starts; residents must be 16 to 100")
        })
    }

    /// The places left in `cohort` (never negative): its capacity less the enrolments at
    /// a stage that holds a place.
    pub fn free_places(conn: &mut DbConnection, cohort: &Cohort) -> diesel::QueryResult<i64> {
        let taken = Enrolment::places_taken(conn, cohort.id)?;
        Ok((i64::from(cohort.capacity) - taken).max(0))
    }
}
