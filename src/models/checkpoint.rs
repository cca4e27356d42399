//! Checkpoints: for every job, 13, 26 and 52 weeks after its start, someone verifies
//! whether the person is still in post.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::checkpoint::{CheckpointOutcome, CheckpointStatus};
use crate::schema::checkpoints;

pub use super::checkpoint_queue::{QueueFilter, QueueItem, QueueScope};

/// The checkpoint weeks.
pub const WEEKS: [i32; 3] = [13, 26, 52];
/// A due checkpoint becomes overdue this long after its due date.
pub const GRACE: TimeDelta = TimeDelta::days(14);

/// A checkpoint row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = checkpoints)]
pub struct Checkpoint {
    /// Identifier.
    pub id: i32,
    /// The job.
    pub employment_id: i32,
    /// 13, 26 or 52.
    pub weeks: i32,
    /// Start + N weeks.
    pub due_on: NaiveDate,
    /// Recorded outcome, if any.
    #[serde(rename = "recorded_status")]
    #[schema(value_type = Option<String>)]
    pub status: Option<CheckpointOutcome>,
    /// The day it was verified.
    pub verified_on: Option<NaiveDate>,
    /// Who verified it.
    pub verified_by_user_id: Option<i32>,
    /// When it was recorded.
    #[serde(skip)]
    pub recorded_at: Option<NaiveDateTime>,
}

/// A checkpoint with its status as of today, for JSON.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckpointView {
    /// The stored checkpoint.
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// `not_yet_due`, `due`, `overdue`, `in_post`, `left` or `unable_to_contact`.
    pub status: String,
}

impl Checkpoint {
    /// The status as of `today`: the recorded outcome, or not yet due before the due
    /// date, due for 14 days from it, overdue after that.
    pub fn status_at(&self, today: NaiveDate) -> CheckpointStatus {
        match self.status {
            Some(outcome) => CheckpointStatus::Recorded(outcome),
            None if today < self.due_on => CheckpointStatus::NotYetDue,
            None if today < self.due_on + GRACE => CheckpointStatus::Due,
            None => CheckpointStatus::Overdue,
        }
    }

    /// The code of the status as of `today` (`overdue`, `in_post`, …).
    pub fn status_on(&self, today: NaiveDate) -> &'static str {
        self.status_at(today).as_str()
    }

    /// The label of the status as of `today`.
    pub fn status_label(&self, today: NaiveDate) -> &'static str {
        self.status_at(today).label()
    }

    /// With its status, for JSON.
    pub fn view(self, today: NaiveDate) -> CheckpointView {
        let status = self.status_on(today).to_owned();
        CheckpointView {
            checkpoint: self,
            status,
        }
    }

    /// Creates the three checkpoints of a new job.
    pub fn create_for(
        conn: &mut DbConnection,
        employment_id: i32,
        start: NaiveDate,
    ) -> QueryResult<()> {
        for weeks in WEEKS {
            diesel::insert_into(checkpoints::table)
                .values((
                    checkpoints::employment_id.eq(employment_id),
                    checkpoints::weeks.eq(weeks),
                    checkpoints::due_on.eq(start + TimeDelta::weeks(i64::from(weeks))),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The checkpoints of some jobs, by due date.
    pub fn for_employments(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<Checkpoint>> {
        checkpoints::table
            .filter(checkpoints::employment_id.eq_any(ids.to_vec()))
            .order((checkpoints::due_on, checkpoints::id))
            .select(Checkpoint::as_select())
            .load(conn)
    }

    /// One checkpoint of a job.
    pub fn find(
        conn: &mut DbConnection,
        employment_id: i32,
        weeks: i32,
    ) -> QueryResult<Checkpoint> {
        checkpoints::table
            .filter(checkpoints::employment_id.eq(employment_id))
            .filter(checkpoints::weeks.eq(weeks))
            .select(Checkpoint::as_select())
            .first(conn)
    }

    /// Records an outcome.
    pub fn record(
        conn: &mut DbConnection,
        id: i32,
        status: CheckpointOutcome,
        verified_on: NaiveDate,
        actor: i32,
        now: NaiveDateTime,
    ) -> QueryResult<Checkpoint> {
        diesel::update(checkpoints::table.find(id))
            .set((
                checkpoints::status.eq(status),
                checkpoints::verified_on.eq(verified_on),
                checkpoints::verified_by_user_id.eq(actor),
                checkpoints::recorded_at.eq(now),
            ))
            .returning(checkpoints::all_columns)
            .get_result(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_moves_from_not_yet_due_to_due_to_overdue() {
        let due = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
        let c = Checkpoint {
            id: 1,
            employment_id: 1,
            weeks: 13,
            due_on: due,
            status: None,
            verified_on: None,
            verified_by_user_id: None,
            recorded_at: None,
        };
        assert_eq!(c.status_on(due - TimeDelta::days(1)), "not_yet_due");
        assert_eq!(c.status_on(due), "due");
        assert_eq!(c.status_on(due + TimeDelta::days(13)), "due");
        assert_eq!(c.status_on(due + TimeDelta::days(14)), "overdue");
        let recorded = Checkpoint {
            status: Some(CheckpointOutcome::InPost),
            ..c
        };
        assert_eq!(recorded.status_on(due + TimeDelta::days(100)), "in_post");
    }
}
