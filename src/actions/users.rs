//! User accounts as admins see them: the list with the add form's organisations, and one
//! account with its organisation. (Writes that hash a password live with the hasher in
//! `auth::accounts`, and check the same permission.)

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::user::UserWithOrganisation;
use crate::models::{Organisation, User};

/// Every user with their organisation, and every organisation (for the add form).
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
) -> AppResult<(Vec<UserWithOrganisation>, Vec<Organisation>)> {
    actor.require(Permission::ManageUsers)?;
    Ok((
        User::list_with_organisations(conn)?,
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
