//! `/api/v1/programmes/{id}/information-sessions` and their named attendees.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ApiJson, ErrorBody};
use crate::actions::information_sessions::{self, InformationSessionQuery};
use crate::domain::Actor;
use crate::error::{AppResult, FieldErrors};
use crate::extract::{PathId, Query};
use crate::models::information_session::{InformationSession, InformationSessionInput};
use crate::state::AppState;

/// An information session with its number of named attendees.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InformationSessionView {
    /// The session.
    #[serde(flatten)]
    pub session: InformationSession,
    /// Residents recorded as registering there.
    pub named_attendees: i64,
}

/// The sessions of a programme.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InformationSessionList {
    /// Newest first.
    pub items: Vec<InformationSessionView>,
    /// Pass as `?cursor=` for the next page (the last session's date and id); null on
    /// the last page.
    pub next_cursor: Option<String>,
}

/// A programme's information sessions, newest first, a page at a time.
#[utoipa::path(get, path = "/programmes/{id}/information-sessions", tag = "programmes",
    params(("id" = i32, Path, description = "Programme id"), InformationSessionQuery, super::KeyedCursorQuery),
    responses((status = 200, description = "Sessions, newest first", body = InformationSessionList), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "The year or the cursor is not valid", body = ErrorBody)))]
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    Query(q): Query<InformationSessionQuery>,
    cursor: super::Cursor<(NaiveDate, i32)>,
) -> AppResult<Json<InformationSessionList>> {
    let year = q.year()?;
    let page = state
        .db
        .run(move |conn| information_sessions::list(conn, &actor, id, year, &cursor))
        .await?;
    let items = page
        .items
        .into_iter()
        .map(|(session, named_attendees)| InformationSessionView {
            session,
            named_attendees,
        })
        .collect();
    Ok(Json(InformationSessionList {
        items,
        next_cursor: page.next,
    }))
}

crate::openapi::required_body!(
    /// An information session: `InformationSessionInput` with its date, venue and head count.
    NewInformationSession(InformationSessionInput),
    ["held_on", "venue", "head_count"]
);

/// Records an information session (coordinators and admins of a partner organisation).
#[utoipa::path(post, path = "/programmes/{id}/information-sessions", tag = "programmes", params(("id" = i32, Path, description = "Programme id")),
    request_body = NewInformationSession,
    responses((status = 201, description = "Recorded", body = InformationSession), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<NewInformationSession>,
) -> AppResult<(StatusCode, Json<InformationSession>)> {
    let body = body.into_inner().map(|b| b.0);
    let session = state
        .db
        .run(move |conn| information_sessions::record(conn, &actor, id, body, FieldErrors::new()))
        .await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// `{"participant_id": 12}`
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendeeRequest {
    /// The resident who registered at the session.
    pub participant_id: i32,
}

/// Notes a resident as registering at an information session.
#[utoipa::path(post, path = "/information-sessions/{id}/attendees", tag = "programmes", params(("id" = i32, Path, description = "Information session id")),
    request_body = AttendeeRequest,
    responses((status = 201, description = "Noted", body = AttendeeRequest), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 409, description = "Already noted", body = ErrorBody), (status = 422, description = "Unknown resident or head count too small", body = ErrorBody)))]
pub async fn add_attendee(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<AttendeeRequest>,
) -> AppResult<(StatusCode, Json<AttendeeRequest>)> {
    let participant_id = body.into_inner().map(|b| b.participant_id);
    let participant_id = state
        .db
        .run(move |conn| information_sessions::add_attendee(conn, &actor, id, participant_id))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AttendeeRequest { participant_id }),
    ))
}
