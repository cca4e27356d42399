//! `/api/v1/programmes`: programmes the caller's organisation partners in; admins create
//! and change them.

use crate::extract::PathId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::{ApiJson, Cursor, ErrorBody, Page};
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult};
use crate::models::programme_input::{ProgrammeInput, create_programme, update_programme};
use crate::models::{Programme, ProgrammeDetails};
use crate::state::AppState;

/// Programmes the caller may see (all for admins).
#[utoipa::path(get, path = "/programmes", tag = "programmes",
    params(super::CursorQuery),
    responses(
        (status = 200, description = "A page of programmes", body = Page<ProgrammeDetails>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    cursor: Cursor,
) -> AppResult<Json<Page<ProgrammeDetails>>> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let items = state
        .db
        .run(move |conn| {
            let programmes = Programme::page(conn, scope, cursor.after, cursor.limit + 1)?;
            Ok(Programme::with_details(conn, programmes)?)
        })
        .await?;
    Ok(Json(Page::from_fetched(items, cursor.limit, |p| p.id)))
}

/// One programme; 404 unless the caller's organisation partners in it.
#[utoipa::path(get, path = "/programmes/{id}", tag = "programmes",
    params(("id" = i32, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme", body = ProgrammeDetails),
        (status = 404, description = "No such programme, or not visible to the caller", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<ProgrammeDetails>> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let programme = state
        .db
        .run(move |conn| {
            let programme = Programme::find_visible(conn, id, scope)?;
            Programme::with_details(conn, vec![programme])?
                .pop()
                .ok_or(AppError::NotFound)
        })
        .await?;
    Ok(Json(programme))
}

crate::openapi::required_body!(
    /// A new programme: `ProgrammeInput` with its name and partners.
    NewProgramme(ProgrammeInput),
    ["name", "partner_organisation_ids"]
);

/// Creates a programme (admin). The template defaults to the Lincoln Green six weeks and
/// the completion threshold to 80 %.
#[utoipa::path(post, path = "/programmes", tag = "programmes",
    request_body = NewProgramme,
    responses(
        (status = 201, description = "Created", body = ProgrammeDetails),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "Name already used", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: ApiJson<NewProgramme>,
) -> AppResult<(StatusCode, Json<ProgrammeDetails>)> {
    user.require(Permission::ManageProgrammes)?;
    let body = body.into_inner()?.0;
    let (actor, now) = (user.id, state.clock.now());
    let programme = state
        .db
        .run(move |conn| create_programme(conn, Some(actor), body, now))
        .await?;
    Ok((StatusCode::CREATED, Json(programme)))
}

/// Changes a programme (admin); fields left out stay as they are.
#[utoipa::path(patch, path = "/programmes/{id}", tag = "programmes",
    params(("id" = i32, Path, description = "Programme id")),
    request_body = ProgrammeInput,
    responses(
        (status = 200, description = "Changed", body = ProgrammeDetails),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such programme", body = ErrorBody),
        (status = 409, description = "Name already used", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<ProgrammeInput>,
) -> AppResult<Json<ProgrammeDetails>> {
    user.require(Permission::ManageProgrammes)?;
    let body = body.into_inner()?;
    let (actor, now) = (user.id, state.clock.now());
    let programme = state
        .db
        .run(move |conn| update_programme(conn, Some(actor), id, body, now))
        .await?;
    Ok(Json(programme))
}
