//! A cohort's status following reality: the first register of a planned or recruiting
//! cohort makes it running, and a running cohort past its last session with every
//! register taken may be marked as finished. Each move is audited like any other change.

use chrono::NaiveDate;

use super::visible;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, CohortStatus, Permission, RegisterStatus};
use crate::error::{AppError, AppResult};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::{Cohort, CohortChanges, CourseSession};

/// Whether a cohort with `sessions` may be marked as finished on `today`: it is running,
/// its last session is before today, and no register is outstanding.
pub(super) fn finishable(cohort: &Cohort, sessions: &[CourseSession], today: NaiveDate) -> bool {
    cohort.status == CohortStatus::Running
        && sessions.last().is_some_and(|s| s.held_on < today)
        && sessions
            .iter()
            .all(|s| s.register_status(today) != RegisterStatus::Outstanding)
}

/// Moves `cohort` (read under its lock) from planned or recruiting to running, audited,
/// when one of its registers has just been saved: the course has begun. Called in the
/// register's transaction; a cohort already running, over or cancelled is left alone.
pub(crate) fn start_running(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort: &Cohort,
) -> AppResult<()> {
    if !matches!(
        cohort.status,
        CohortStatus::Planned | CohortStatus::Recruiting
    ) {
        return Ok(());
    }
    set_status(conn, actor, cohort, CohortStatus::Running)
}

/// Sets a locked cohort's status, audited with before and after.
fn set_status(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Cohort,
    status: CohortStatus,
) -> AppResult<()> {
    let changes = CohortChanges {
        status: Some(status),
        updated_at: Some(actor.now),
        ..Default::default()
    };
    let after = Cohort::update(conn, before.id, &changes)?;
    audit::record(
        conn,
        actor,
        AuditAction::Update,
        Change {
            entity: "cohort",
            id: before.id,
            participant_id: None,
            before: Some(before),
            after: Some(&after),
        },
    )?;
    Ok(())
}

/// Marks a running cohort as finished, audited: refused (409) unless it is running, its
/// last session is past and no register is outstanding (checked under its lock).
pub fn finish(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<()> {
    actor.require(Permission::ManageCohorts)?;
    write_transaction(conn, |conn| {
        visible(conn, actor, Permission::ManageCohorts, id)?;
        let cohort = Cohort::lock(conn, id)?;
        let sessions = CourseSession::list_for_cohort(conn, id)?;
        if !finishable(&cohort, &sessions, actor.today) {
            return Err(AppError::conflict(
                "finish",
                "Only a running cohort whose last session is past, with no register outstanding, can be marked as finished",
            ));
        }
        set_status(conn, actor, &cohort, CohortStatus::Finished)
    })
}
