//! `/api/v1/sessions`: one course session, and its attendance register.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::{ApiJson, ErrorBody};
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::extract::PathId;
use crate::models::attendance::RegisterEntry;
use crate::models::cohort_input::{SessionInput, update_session};
use crate::models::register::{self, RegisterLine};
use crate::models::{CourseSession, access};
use crate::state::AppState;

/// Moves, retitles, cancels or reinstates a session.
#[utoipa::path(patch, path = "/sessions/{id}", tag = "cohorts", params(("id" = i32, Path, description = "Session id")), request_body = SessionInput,
    responses((status = 200, description = "Changed", body = CourseSession), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<SessionInput>,
) -> AppResult<Json<CourseSession>> {
    user.require(Permission::ManageCohorts)?;
    let body = body.into_inner()?;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let session = state
        .db
        .run(move |conn| {
            let (session, _) = access::session(conn, id, scope)?;
            update_session(conn, actor, &session, body, now)
        })
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
    /// Always null: a register comes whole.
    pub next_cursor: Option<String>,
}

/// The register of a session: one line per enrolment, with its mark if taken.
#[utoipa::path(get, path = "/sessions/{id}/attendance", tag = "attendance", params(("id" = i32, Path, description = "Session id")),
    responses((status = 200, description = "The register", body = Register), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<Register>> {
    user.require(Permission::ViewParticipants)?;
    let scope = user.scope();
    let (session, items) = state
        .db
        .run(move |conn| {
            let (session, _) = access::session(conn, id, scope)?;
            let items = register::load(conn, &session)?;
            Ok((session, items))
        })
        .await?;
    Ok(Json(Register {
        session,
        items,
        next_cursor: None,
    }))
}

/// Saves a register in one transaction: `[{enrolment_id, status}]`, status null to clear.
/// Idempotent: saving it twice leaves one mark per enrolment.
#[utoipa::path(put, path = "/sessions/{id}/attendance", tag = "attendance", params(("id" = i32, Path, description = "Session id")),
    request_body = Vec<RegisterEntry>,
    responses((status = 200, description = "The saved register", body = Register), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Future or cancelled session, or an enrolment of another cohort", body = ErrorBody)))]
pub async fn save_register(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<Vec<RegisterEntry>>,
) -> AppResult<Json<Register>> {
    user.require(Permission::TakeAttendance)?;
    let entries = body.into_inner()?;
    let (actor, scope, today, now) = (
        user.id,
        user.scope(),
        state.clock.today(),
        state.clock.now(),
    );
    let (session, items) = state
        .db
        .run(move |conn| {
            let (session, _) = access::session(conn, id, scope)?;
            let items = register::save(conn, actor, &session, &entries, today, now)?;
            Ok((session, items))
        })
        .await?;
    Ok(Json(Register {
        session,
        items,
        next_cursor: None,
    }))
}
