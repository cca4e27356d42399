//! User accounts as admins see them: the list with the add form's organisations, and one
//! account with its organisation. (Writes that hash a password live with the hasher in
//! `auth::accounts`, and check the same permission.)

use serde::Deserialize;

use crate::db::DbConnection;
use crate::domain::{Actor, Permission, Role};
use crate::error::{AppError, AppResult};
use crate::models::page::{PageRequest, Paged};
use crate::models::user::UserWithOrganisation;
use crate::models::user_list::UserFilter;
use crate::models::{Organisation, User};

/// `?role=&organisation_id=&organisation=&q=`: the users list's filters, read as text
/// so a bad value is answered 422 naming it. Blank values filter nothing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UserListQuery {
    /// A role's code.
    pub role: Option<String>,
    /// An organisation's id (from links).
    pub organisation_id: Option<String>,
    /// Part of an organisation's name.
    pub organisation: Option<String>,
    /// Part of a name or email address.
    pub q: Option<String>,
}

impl UserListQuery {
    /// The filter these values ask for; 422 naming each value that is not one.
    pub fn filter(&self) -> AppResult<UserFilter> {
        let given = |v: &Option<String>| {
            v.clone()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let role = given(&self.role)
            .map(|r| {
                Role::parse(&r)
                    .ok_or_else(|| AppError::invalid("role", "Choose a role from the list"))
            })
            .transpose()?;
        let organisation_id = given(&self.organisation_id)
            .map(|id| {
                id.parse::<i32>().ok().filter(|id| *id > 0).ok_or_else(|| {
                    AppError::invalid(
                        "organisation_id",
                        "organisation_id must be an organisation's id",
                    )
                })
            })
            .transpose()?;
        Ok(UserFilter {
            role,
            organisation_id,
            organisation_name: given(&self.organisation).unwrap_or_default(),
            q: given(&self.q).unwrap_or_default(),
        })
    }
}

/// A page of users with their organisation (by organisation, then name), narrowed by
/// `filter`, and every organisation (for the add form); 422 for a cursor naming no user.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &UserFilter,
    request: &PageRequest<i32>,
) -> AppResult<(Paged<UserWithOrganisation>, Vec<Organisation>)> {
    actor.require(Permission::ManageUsers)?;
    let rows = User::page(conn, filter, request)?.ok_or_else(crate::models::page::bad_cursor)?;
    Ok((
        Paged::from_fetched(rows, request, |row| row.user.id),
        Organisation::list_all(conn)?,
    ))
}

/// One user and their organisation.
pub fn show(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<(User, Organisation)> {
    actor.require(Permission::ManageUsers)?;
    let account = User::find(conn, id)?;
    let organisation = Organisation::find(conn, account.organisation_id)?;
    Ok((account, organisation))
}
