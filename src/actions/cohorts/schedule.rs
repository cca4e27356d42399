//! A cohort's schedule: generating it from the programme's template around bank holidays
//! and the programme's closure days, and what the guarded page for generating it again
//! shows. Generating is refused once any register is taken.

use super::visible;
use crate::db::{DbConnection, write_transaction};
use crate::domain::calendar::Moved;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::{Cohort, CourseSession, Programme};

const TAKEN: &str = "Registers have been taken for this cohort, so its schedule cannot be generated again. Edit sessions one by one instead";

/// What the page for generating a schedule again shows.
pub struct Regeneration {
    /// The cohort.
    pub cohort: Cohort,
    /// Sessions the schedule has now, which generating again replaces.
    pub sessions: usize,
    /// Why it cannot be generated again (a register is taken), if it cannot.
    pub refused: Option<&'static str>,
}

/// Whether a register of the cohort is taken or any attendance recorded: then its
/// schedule is kept.
fn registers_taken(
    conn: &mut DbConnection,
    id: i32,
    sessions: &[CourseSession],
) -> AppResult<bool> {
    Ok(sessions.iter().any(CourseSession::register_taken)
        || CourseSession::cohort_has_attendance(conn, id)?)
}

/// The page for generating a cohort's schedule again: how many sessions it would
/// replace, or why it cannot.
pub fn regeneration(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<Regeneration> {
    let cohort = visible(conn, actor, Permission::ManageCohorts, id)?;
    let sessions = CourseSession::list_for_cohort(conn, id)?;
    let refused = registers_taken(conn, id, &sessions)?.then_some(TAKEN);
    Ok(Regeneration {
        cohort,
        sessions: sessions.len(),
        refused,
    })
}

/// A generated schedule and the days moved off bank holidays and closure days.
#[derive(Debug)]
pub struct Generated {
    /// The sessions, in date order.
    pub sessions: Vec<CourseSession>,
    /// What moved, in the order of the days planned.
    pub moves: Vec<Moved>,
}

/// Generates a cohort's sessions from its programme's template ([`generate`]), as the
/// API answers it: the sessions.
pub fn generate_schedule(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    replace: AppResult<bool>,
) -> AppResult<Vec<CourseSession>> {
    generate(conn, actor, id, replace).map(|g| g.sessions)
}

/// Generates a cohort's sessions from its programme's template, skipping bank holidays
/// and the programme's closure days: each displaced day moves to the next free working
/// day after the course's last, so the template's number of sessions is kept. Refused
/// once any register is taken; when sessions exist, replaces them only if `replace`
/// (as read from the body, refused after the permission check when unreadable).
pub fn generate(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    replace: AppResult<bool>,
) -> AppResult<Generated> {
    actor.require(Permission::ManageCohorts)?;
    let replace = replace?;
    write_transaction(conn, |conn| {
        visible(conn, actor, Permission::ManageCohorts, id)?;
        // Locked so a register being saved cannot add attendance after the check below.
        let cohort = Cohort::lock(conn, id)?;
        let existing = CourseSession::list_for_cohort(conn, id)?;
        if registers_taken(conn, id, &existing)? {
            return Err(AppError::conflict("replace", TAKEN));
        }
        if !existing.is_empty() && !replace {
            return Err(AppError::conflict(
                "replace",
                format!(
                    "This cohort already has {} sessions. Choose to replace them to generate the schedule again",
                    existing.len()
                ),
            ));
        }
        let template: Vec<_> = Programme::templates_of(conn, &[cohort.programme_id])?
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        let calendar =
            crate::actions::closures::calendar(conn, cohort.programme_id, cohort.starts_on)?;
        let (sessions, moves) =
            CourseSession::replace_for_cohort(conn, &cohort, &template, &calendar, actor.now)?;
        let moved: Vec<_> = moves
            .iter()
            .map(|m| serde_json::json!({"from": m.from, "to": m.to, "why": m.why.describe()}))
            .collect();
        let summary = serde_json::json!({
            "sessions": sessions.len(),
            "replaced": existing.len(),
            "moved": moved,
        });
        audit::record(
            conn,
            actor,
            AuditAction::Create,
            Change {
                entity: "cohort_schedule",
                id,
                participant_id: None,
                before: None::<&()>,
                after: Some(&summary),
            },
        )?;
        Ok(Generated { sessions, moves })
    })
}
