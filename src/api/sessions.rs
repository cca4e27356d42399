//! `/api/v1/sessions`: one course session, and its attendance register.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::{ApiJson, ErrorBody};
use crate::actions::registers::{self, RegisterEntry, RegisterView};
use crate::actions::sessions::{self, SessionInput};
use crate::domain::Actor;
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::CourseSession;
use crate::models::register::RegisterLine;
use crate::state::AppState;

/// Moves, retitles, cancels or reinstates a session.
#[utoipa::path(patch, path = "/sessions/{id}", tag = "cohorts", params(("id" = i32, Path, description = "Session id")), request_body = SessionInput,
    responses((status = 200, description = "Changed", body = CourseSession), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<SessionInput>,
) -> AppResult<Json<CourseSession>> {
    let body = body.into_inner();
    let session = state
        .db
        .run(move |conn| sessions::update(conn, &actor, id, body, FieldErrors::new()))
        .await?;
    Ok(Json(session))
}

/// A register.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Register {
    /// The session.
    pub session: CourseSession,
    /// One line per enrolment on the register.
    pub items: Vec<RegisterLine>,
    /// On `GET`: pass as `?cursor=` for the next page (the last line's enrolment id),
    /// null on the last page. After saving: always null, the saved register comes whole.
    pub next_cursor: Option<String>,
}

impl From<RegisterView> for Register {
    fn from(view: RegisterView) -> Self {
        Register {
            session: view.session,
            items: view.lines,
            next_cursor: None,
        }
    }
}

/// The register of a session: one line per enrolment, with its mark if taken.
#[utoipa::path(get, path = "/sessions/{id}/attendance", tag = "attendance", params(("id" = i32, Path, description = "Session id"), super::CursorQuery),
    responses((status = 200, description = "The register, a page at a time", body = Register), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "The cursor is not valid", body = ErrorBody)))]
pub async fn register(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    cursor: super::Cursor,
) -> AppResult<Json<Register>> {
    let (session, page) = state
        .db
        .run(move |conn| registers::page(conn, &actor, id, &cursor))
        .await?;
    Ok(Json(Register {
        session,
        items: page.items,
        next_cursor: page.next,
    }))
}

/// Saves a register in one transaction: `[{enrolment_id, status}]`, status null to clear.
/// Idempotent: saving it twice leaves one mark per enrolment.
#[utoipa::path(put, path = "/sessions/{id}/attendance", tag = "attendance", params(("id" = i32, Path, description = "Session id")),
    request_body = Vec<RegisterEntry>,
    responses((status = 200, description = "The saved register", body = Register), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Future or cancelled session, or an enrolment of another cohort", body = ErrorBody)))]
pub async fn save_register(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<Vec<RegisterEntry>>,
) -> AppResult<Json<Register>> {
    let entries = body.into_inner();
    let view = state
        .db
        .run(move |conn| registers::save(conn, &actor, id, entries))
        .await?;
    Ok(Json(view.into()))
}
