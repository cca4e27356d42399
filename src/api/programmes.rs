//! `/api/v1/programmes`: programmes the caller's organisation partners in; admins create
//! and change them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::{ApiJson, Cursor, ErrorBody, Page, list_page};
use crate::actions::programmes::{self, ProgrammeInput};
use crate::domain::Actor;
use crate::error::{AppResult, FieldErrors};
use crate::extract::{PathId, Query};
use crate::models::ProgrammeDetails;
use crate::state::AppState;

/// `?q=`: part of a programme's name.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// Only programmes whose name contains this (any case).
    pub q: Option<String>,
}

/// Programmes the caller may see (all for admins), by id, optionally searched by name.
#[utoipa::path(get, path = "/programmes", tag = "programmes",
    params(ProgrammeQuery, super::CursorQuery),
    responses(
        (status = 200, description = "A page of programmes", body = Page<ProgrammeDetails>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    Query(q): Query<ProgrammeQuery>,
    cursor: Cursor,
) -> AppResult<Json<Page<ProgrammeDetails>>> {
    let name = q.q.unwrap_or_default();
    list_page(&state, move |conn| {
        programmes::search(conn, &actor, &name, &cursor)
    })
    .await
}

/// One programme; 404 unless the caller's organisation partners in it.
#[utoipa::path(get, path = "/programmes/{id}", tag = "programmes",
    params(("id" = i32, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme", body = ProgrammeDetails),
        (status = 404, description = "No such programme, or not visible to the caller", body = ErrorBody),
    ))]
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Json<ProgrammeDetails>> {
    let programme = state
        .db
        .run(move |conn| programmes::show(conn, &actor, id))
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
    actor: Actor,
    State(state): State<AppState>,
    body: ApiJson<NewProgramme>,
) -> AppResult<(StatusCode, Json<ProgrammeDetails>)> {
    let body = body.into_inner().map(|b| b.0);
    let programme = state
        .db
        .run(move |conn| programmes::create(conn, &actor, body, FieldErrors::new()))
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
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<ProgrammeInput>,
) -> AppResult<Json<ProgrammeDetails>> {
    let body = body.into_inner();
    let programme = state
        .db
        .run(move |conn| programmes::update(conn, &actor, id, body, FieldErrors::new()))
        .await?;
    Ok(Json(programme))
}
