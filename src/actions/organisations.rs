//! Organisations: which ones the actor may see, and admins adding one.

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult};
use diesel::OptionalExtension;

use crate::models::Organisation;
use crate::models::organisation::{create_audited, validate_new};
use crate::models::page::{PageRequest, Paged};

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

/// A page of organisations for the admin page, by name, searched by `q`; with the name
/// of the organisation just added (`added`), wherever it falls in the list. 422 for a
/// cursor naming no organisation.
pub fn admin_page(
    conn: &mut DbConnection,
    actor: &Actor,
    q: &str,
    request: &PageRequest<i32>,
    added: Option<i32>,
) -> AppResult<(Paged<Organisation>, Option<String>)> {
    actor.require(Permission::ManageOrganisations)?;
    let rows = Organisation::page_by_name(conn, q, request)?
        .ok_or_else(crate::models::page::bad_cursor)?;
    let added = match added {
        Some(id) => Organisation::find(conn, id).optional()?.map(|o| o.name),
        None => None,
    };
    Ok((Paged::from_fetched(rows, request, |o| o.id), added))
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
