//! `/api/v1/participants`: residents the caller may see (recorded by their organisation or
//! enrolled in a partner programme), and their equality monitoring (coordinators and
//! admins only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiJson, Cursor, ErrorBody, Page, list_page};
use crate::actions::participants;
use crate::domain::{Actor, Permission};
use crate::error::{AppResult, FieldErrors};
use crate::extract::{PathId, Query};
use crate::models::participant_input::ParticipantInput;
use crate::models::{EqualityAnswers, Participant};
use crate::state::AppState;

/// `?q=` search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// Part of a name, or the start of a postcode.
    pub q: Option<String>,
}

/// Residents the caller may see, optionally searched by name or postcode.
#[utoipa::path(get, path = "/participants", tag = "participants",
    params(SearchQuery, super::CursorQuery),
    responses((status = 200, description = "A page of residents", body = Page<Participant>), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
    cursor: Cursor,
) -> AppResult<Json<Page<Participant>>> {
    let q = q.q.unwrap_or_default();
    list_page(&state, move |conn| {
        participants::search(conn, &actor, &q, &cursor)
    })
    .await
}

crate::openapi::required_body!(
    /// A new resident: `ParticipantInput` with names, date of birth and postcode.
    NewParticipant(ParticipantInput),
    ["given_name", "family_name", "date_of_birth", "postcode"]
);

/// Records a resident; 409 naming the existing record when the same person (names,
/// date of birth, postcode) is already on file.
#[utoipa::path(post, path = "/participants", tag = "participants", request_body = NewParticipant,
    responses((status = 201, description = "Created", body = Participant), (status = 403, description = "Role may not add residents", body = ErrorBody),
        (status = 409, description = "Already on file", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    body: ApiJson<NewParticipant>,
) -> AppResult<(StatusCode, Json<Participant>)> {
    actor.require(Permission::EditParticipants)?;
    let input = body.into_inner()?.0;
    let participant = state
        .db
        .run(move |conn| participants::create(conn, &actor, &input, FieldErrors::new()))
        .await?;
    Ok((StatusCode::CREATED, Json(participant)))
}

/// One resident.
#[utoipa::path(get, path = "/participants/{id}", tag = "participants", params(("id" = i32, Path, description = "Participant id")),
    responses((status = 200, description = "The resident", body = Participant), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Json<Participant>> {
    let participant = state
        .db
        .run(move |conn| participants::show(conn, &actor, id))
        .await?;
    Ok(Json(participant))
}

/// Changes a resident. Send the whole record: fields left out are cleared or, when
/// required, refused.
#[utoipa::path(patch, path = "/participants/{id}", tag = "participants", params(("id" = i32, Path, description = "Participant id")), request_body = ParticipantInput,
    responses((status = 200, description = "Changed", body = Participant), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 409, description = "Would duplicate another resident", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<ParticipantInput>,
) -> AppResult<Json<Participant>> {
    actor.require(Permission::EditParticipants)?;
    let body = body.into_inner()?;
    let participant = state
        .db
        .run(move |conn| participants::patch(conn, &actor, id, &body))
        .await?;
    Ok(Json(participant))
}

/// PATCH semantics: fields not sent keep their stored values.
/// A resident's equality monitoring answers (coordinators and admins only).
#[utoipa::path(get, path = "/participants/{id}/equality", tag = "participants", params(("id" = i32, Path, description = "Participant id")),
    responses((status = 200, description = "The answers (all null when none recorded)", body = EqualityAnswers), (status = 403, description = "Role may not see equality data", body = ErrorBody),
        (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn equality(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Json<EqualityAnswers>> {
    let (_, answers) = state
        .db
        .run(move |conn| participants::equality(conn, &actor, id))
        .await?;
    Ok(Json(answers))
}

/// Records a resident's equality monitoring answers; each may be `prefer_not_to_say` or null.
#[utoipa::path(put, path = "/participants/{id}/equality", tag = "participants", params(("id" = i32, Path, description = "Participant id")), request_body = EqualityAnswers,
    responses((status = 200, description = "Saved", body = EqualityAnswers), (status = 403, description = "Role may not record equality data", body = ErrorBody),
        (status = 404, description = "Not found or not visible", body = ErrorBody), (status = 422, description = "Invalid answers", body = ErrorBody)))]
pub async fn save_equality(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<EqualityAnswers>,
) -> AppResult<Json<EqualityAnswers>> {
    actor.require(Permission::ViewEqualityData)?;
    let answers = body.into_inner()?;
    let saved = state
        .db
        .run(move |conn| {
            participants::save_equality(conn, &actor, id, &answers, FieldErrors::new())
        })
        .await?;
    Ok(Json(saved))
}
