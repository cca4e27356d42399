//! A resident's personal data as a whole: erasing it (admins) and exporting everything
//! held about them for a subject access request. Both find the resident only when the
//! actor may see them (404 otherwise) and are audited.

use super::history;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::erasure::{Erasure, erase_participant};
use crate::models::subject_access::{SubjectAccessExport, export};
use crate::models::{Participant, access};

/// A resident the actor may erase (the confirmation page).
pub fn for_erasure(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<Participant> {
    actor.require(Permission::EraseParticipants)?;
    Ok(access::participant(conn, id, actor.scope())?)
}

/// Erases a resident's personal data when `confirmed`; erasing twice is harmless. Answers
/// the resident as they now are, and what happened (`None` when not confirmed).
pub fn erase(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    confirmed: bool,
) -> AppResult<(Participant, Option<Erasure>)> {
    actor.require(Permission::EraseParticipants)?;
    write_transaction(conn, |conn| {
        let participant = access::participant(conn, id, actor.scope())?;
        if !confirmed {
            return Ok((participant, None));
        }
        let outcome = erase_participant(conn, Some(actor.user_id), id, actor.now)?;
        Ok((Participant::find(conn, id)?, Some(outcome)))
    })
}

/// Everything held about a resident, for a subject access request; the export is audited.
pub fn subject_access(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
) -> AppResult<SubjectAccessExport> {
    actor.require(Permission::SubjectAccess)?;
    write_transaction(conn, |conn| {
        let seen = history::visible(conn, actor, id)?;
        export(conn, actor, seen)
    })
}
