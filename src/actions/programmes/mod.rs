//! Programmes: what the programme pages and the API show (only programmes the actor's
//! organisation partners in), and admins creating and changing them.

mod input;

pub use input::{ProgrammeInput, TemplateDayInput, create_programme, update_programme};

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::{AppResult, FieldErrors};
use crate::models::information_session::InformationSession;
use crate::models::{MAX_PAGE_SIZE, Organisation, Programme, ProgrammeDetails};

/// Programmes the actor may see (all for admins), by id after `after`, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    after: i32,
    limit: i64,
) -> AppResult<Vec<ProgrammeDetails>> {
    actor.require(Permission::ViewProgrammes)?;
    let programmes = Programme::page(conn, actor.scope(), after, limit)?;
    Ok(Programme::with_details(conn, programmes)?)
}

/// Every programme the actor may see, for the list page.
pub fn list_all(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<ProgrammeDetails>> {
    list(conn, actor, 0, MAX_PAGE_SIZE)
}

/// One programme the actor's organisation partners in; 404 otherwise.
pub fn show(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<ProgrammeDetails> {
    actor.require(Permission::ViewProgrammes)?;
    Programme::find_visible(conn, id, actor.scope())?;
    input::details(conn, id)
}

/// The programme page: the programme and its information sessions with the number of
/// named residents at each.
pub fn page(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
) -> AppResult<(ProgrammeDetails, Vec<(InformationSession, i64)>)> {
    let programme = show(conn, actor, id)?;
    Ok((programme, InformationSession::list_for_programme(conn, id)?))
}

/// The programme to fill the change form with (admins).
pub fn for_edit(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<ProgrammeDetails> {
    actor.require(Permission::ManageProgrammes)?;
    input::details(conn, id)
}

/// The organisations a programme form offers as partners (admins).
pub fn partner_choices(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<Organisation>> {
    actor.require(Permission::ManageProgrammes)?;
    Ok(Organisation::list_all(conn)?)
}

/// Creates a programme (admins), audited. `input` is the body as read (refused after the
/// permission check when unreadable); `found`: problems a form found parsing its own
/// fields, which refuse it on their own.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: AppResult<ProgrammeInput>,
    found: FieldErrors,
) -> AppResult<ProgrammeDetails> {
    actor.require(Permission::ManageProgrammes)?;
    let input = input?;
    found.into_result()?;
    create_programme(conn, Some(actor.user_id), input, actor.now)
}

/// Changes a programme (admins), audited with before and after; `input` and `found` as
/// for [`create`].
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    input: AppResult<ProgrammeInput>,
    found: FieldErrors,
) -> AppResult<ProgrammeDetails> {
    actor.require(Permission::ManageProgrammes)?;
    let input = input?;
    found.into_result()?;
    update_programme(conn, Some(actor.user_id), id, input, actor.now)
}
