//! Organisations: which ones the actor may see, and admins adding one.

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult};
use crate::models::Organisation;
use crate::models::organisation::{create_audited, validate_new};

/// Organisations the actor may see, by id after `after`, at most `limit`: admins all;
/// others their own and the partners of their organisation's programmes.
pub fn list_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    after: i32,
    limit: i64,
) -> AppResult<Vec<Organisation>> {
    let visible = match actor.scope() {
        Some(org) => Some(Organisation::visible_ids(conn, org)?),
        None => None,
    };
    Ok(Organisation::page(conn, visible.as_deref(), after, limit)?)
}

/// Every organisation, for the admin page.
pub fn list_all(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<Organisation>> {
    actor.require(Permission::ManageOrganisations)?;
    Ok(Organisation::list_all(conn)?)
}

/// Adds an organisation (admins), audited; 422 for a bad name or kind, 409 for a name
/// already used in any case. `name_and_kind` is the submission as read (refused after
/// the permission check when unreadable).
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    name_and_kind: AppResult<(String, String)>,
) -> AppResult<Organisation> {
    actor.require(Permission::ManageOrganisations)?;
    let (name, kind) = name_and_kind?;
    let (name, kind) = validate_new(&name, &kind).map_err(AppError::Validation)?;
    create_audited(conn, Some(actor.user_id), &name, kind, actor.now)
}
