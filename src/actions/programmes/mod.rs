//! Programmes: what the programme pages and the API show (only programmes the actor's
//! organisation partners in), and admins creating and changing them.

mod input;

pub use input::{ProgrammeInput, TemplateDayInput, create_programme, update_programme};

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::information_session::InformationSession;
use crate::models::page::{PageRequest, Paged};
use crate::models::{Organisation, Programme, ProgrammeDetails};

/// A page of the programmes the actor may see (all for admins), by id, whose name
/// contains `name` (blank: every one).
pub fn search(
    conn: &mut DbConnection,
    actor: &Actor,
    name: &str,
    request: &PageRequest<i32>,
) -> AppResult<Paged<ProgrammeDetails>> {
    actor.require(Permission::ViewProgrammes)?;
    let name = crate::validate::search(name).map_err(|m| AppError::invalid("q", m))?;
    let programmes = Programme::search(conn, actor.scope(), &name, request)?;
    let page = Paged::from_fetched(programmes, request, |p| p.id);
    Ok(Paged {
        items: Programme::with_details(conn, page.items)?,
        next: page.next,
    })
}

/// One programme the actor's organisation partners in; 404 otherwise.
pub fn show(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<ProgrammeDetails> {
    actor.require(Permission::ViewProgrammes)?;
    Programme::find_visible(conn, id, actor.scope())?;
    input::details(conn, id)
}

/// The programme page: the programme and a page of its information sessions (newest
/// first, optionally of one year) with the number of named residents at each.
pub fn page(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    year: Option<i32>,
    request: &PageRequest<(NaiveDate, i32)>,
) -> AppResult<(ProgrammeDetails, Paged<(InformationSession, i64)>)> {
    let programme = show(conn, actor, id)?;
    let sessions = crate::actions::information_sessions::list(conn, actor, id, year, request)?;
    Ok((programme, sessions))
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
