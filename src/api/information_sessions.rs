//! `/api/v1/programmes/{id}/information-sessions` and their named attendees.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, ErrorBody};
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult};
use crate::extract::PathId;
use crate::models::information_session::{
    self, InformationSession, InformationSessionInput, check,
};
use crate::models::{Programme, access};
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
    /// Always null: a programme's sessions come whole.
    pub next_cursor: Option<String>,
}

/// A programme's information sessions.
#[utoipa::path(get, path = "/programmes/{id}/information-sessions", tag = "programmes", params(("id" = i32, Path, description = "Programme id")),
    responses((status = 200, description = "Sessions, newest first", body = InformationSessionList), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<InformationSessionList>> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let items = state
        .db
        .run(move |conn| {
            Programme::find_visible(conn, id, scope)?;
            Ok(InformationSession::list_for_programme(conn, id)?)
        })
        .await?;
    let items = items
        .into_iter()
        .map(|(session, named_attendees)| InformationSessionView {
            session,
            named_attendees,
        })
        .collect();
    Ok(Json(InformationSessionList {
        items,
        next_cursor: None,
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
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<NewInformationSession>,
) -> AppResult<(StatusCode, Json<InformationSession>)> {
    user.require(Permission::ManageCohorts)?;
    let fields = check(&body.into_inner()?.0, state.clock.today()).map_err(AppError::Validation)?;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let session = state
        .db
        .run(move |conn| {
            Programme::find_visible(conn, id, scope)?;
            information_session::create(conn, actor, id, fields, now)
        })
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
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<AttendeeRequest>,
) -> AppResult<(StatusCode, Json<AttendeeRequest>)> {
    user.require(Permission::ManageEnrolments)?;
    let body = body.into_inner()?;
    let (actor, scope, now, participant_id) = (
        user.id,
        user.scope(),
        state.clock.now(),
        body.participant_id,
    );
    state
        .db
        .run(move |conn| {
            let session = InformationSession::find(conn, id)?;
            Programme::find_visible(conn, session.programme_id, scope)?;
            access::participant(conn, participant_id, scope).map_err(|_| {
                AppError::invalid(
                    "participant_id",
                    "Select a resident your organisation can see",
                )
            })?;
            information_session::add_attendee(conn, actor, &session, participant_id, now)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(body)))
}
