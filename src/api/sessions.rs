//! `/api/v1/sessions`: one course session, and its attendance register (with its
//! version as an `ETag`); and `/api/v1/registers/outstanding`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{ETAG, IF_MATCH};
use serde::Serialize;

use super::{ApiJson, ErrorBody};
use crate::actions::dashboard::{self, Registers};
use crate::actions::registers::{self, RegisterEntry, RegisterView};
use crate::actions::sessions::{self, SessionInput};
use crate::domain::Actor;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::SessionView;
use crate::models::register::RegisterLine;
use crate::state::AppState;

/// Moves, retitles, cancels or reinstates a session.
#[utoipa::path(patch, path = "/sessions/{id}", tag = "cohorts", params(("id" = i32, Path, description = "Session id")), request_body = SessionInput,
    responses((status = 200, description = "Changed", body = SessionView), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<SessionInput>,
) -> AppResult<Json<SessionView>> {
    let body = body.into_inner();
    let today = actor.today;
    let session = state
        .db
        .run(move |conn| sessions::update(conn, &actor, id, body, FieldErrors::new()))
        .await?;
    Ok(Json(SessionView::of(session, today)))
}

/// A register.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Register {
    /// The session, with its register's status and version.
    pub session: SessionView,
    /// One line per enrolment on the register.
    pub items: Vec<RegisterLine>,
    /// On `GET`: pass as `?cursor=` for the next page (the last line's enrolment id),
    /// null on the last page. After saving: always null, the saved register comes whole.
    pub next_cursor: Option<String>,
}

impl Register {
    /// The saved register, whole, as at `today`.
    fn saved(view: RegisterView, today: chrono::NaiveDate) -> Self {
        Register {
            session: SessionView::of(view.session, today),
            items: view.lines,
            next_cursor: None,
        }
    }

    /// The register's version as an `ETag` (a strong validator: `"3"`).
    fn etag(&self) -> [(axum::http::HeaderName, String); 1] {
        [(ETAG, format!("\"{}\"", self.session.register_version))]
    }
}

/// The version an `If-Match` header asks for: `None` when absent, empty or `*` (any
/// version); `Some(-1)`, matching none, when it names no version this server gave.
fn if_match(headers: &HeaderMap) -> Option<i32> {
    let value = headers.get(IF_MATCH)?.to_str().unwrap_or_default().trim();
    if value.is_empty() || value == "*" {
        return None;
    }
    let tag = value.strip_prefix("W/").unwrap_or(value).trim_matches('"');
    Some(tag.parse::<i32>().unwrap_or(-1))
}

/// The register of a session: one line per enrolment, with its mark if taken.
#[utoipa::path(get, path = "/sessions/{id}/attendance", tag = "attendance", params(("id" = i32, Path, description = "Session id"), super::CursorQuery),
    responses((status = 200, description = "The register, a page at a time", body = Register,
            headers(("ETag" = String, description = "The register's version, for `If-Match` when saving it"))), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "The cursor is not valid", body = ErrorBody)))]
pub async fn register(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    cursor: super::Cursor,
) -> AppResult<impl axum::response::IntoResponse> {
    let today = actor.today;
    let (session, page) = state
        .db
        .run(move |conn| registers::page(conn, &actor, id, &cursor))
        .await?;
    let register = Register {
        session: SessionView::of(session, today),
        items: page.items,
        next_cursor: page.next,
    };
    Ok((register.etag(), Json(register)))
}

/// Saves a register in one transaction: `[{enrolment_id, status}]`, status null to clear.
/// Idempotent: saving it twice leaves one mark per enrolment. With `If-Match` (the
/// `ETag` of the register as read), refused with 412 when someone saved it since.
#[utoipa::path(put, path = "/sessions/{id}/attendance", tag = "attendance",
    params(("id" = i32, Path, description = "Session id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the register's `ETag` as read (e.g. `\"3\"`); the save is refused with 412 if it has been saved since")),
    request_body = Vec<RegisterEntry>,
    responses((status = 200, description = "The saved register", body = Register,
            headers(("ETag" = String, description = "The register's new version"))),
        (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 412, description = "`If-Match` names a version other than the register's current one", body = ErrorBody),
        (status = 422, description = "Future or cancelled session, or an enrolment of another cohort", body = ErrorBody)))]
pub async fn save_register(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    headers: HeaderMap,
    body: ApiJson<Vec<RegisterEntry>>,
) -> AppResult<impl axum::response::IntoResponse> {
    let entries = body.into_inner();
    let expected = if_match(&headers);
    let today = actor.today;
    let view = state
        .db
        .run(move |conn| registers::save_if(conn, &actor, id, entries, expected))
        .await
        .map_err(|e| match e {
            AppError::PreconditionFailed { .. } => AppError::PreconditionFailed {
                message: "The register has been saved since the version in If-Match: read it again and resend".to_owned(),
            },
            e => e,
        })?;
    let register = Register::saved(view, today);
    Ok((register.etag(), Json(register)))
}

/// A register outstanding: its session (with status) and the cohort's name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutstandingRegister {
    /// The session.
    #[serde(flatten)]
    pub session: SessionView,
    /// Its cohort's name.
    pub cohort_name: String,
}

/// Registers outstanding, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutstandingList {
    /// This page of them.
    pub items: Vec<OutstandingRegister>,
    /// How many are outstanding in all.
    pub total: i64,
    /// Pass as `?cursor=` for the next page (the last session's date and id); null on the
    /// last page.
    pub next_cursor: Option<String>,
}

/// The registers outstanding (sessions before today, not cancelled, whose register was
/// never taken) in the cohorts the caller may see, oldest first, for roles that take
/// registers.
#[utoipa::path(get, path = "/registers/outstanding", tag = "attendance", params(super::KeyedCursorQuery),
    responses((status = 200, description = "Registers outstanding, oldest first", body = OutstandingList),
        (status = 422, description = "The cursor is not valid", body = ErrorBody)))]
pub async fn outstanding(
    actor: Actor,
    State(state): State<AppState>,
    cursor: super::Cursor<(chrono::NaiveDate, i32)>,
) -> AppResult<Json<OutstandingList>> {
    let today = actor.today;
    let (page, total) = state
        .db
        .run(move |conn| dashboard::registers(conn, &actor, Registers::Outstanding, &cursor))
        .await?;
    Ok(Json(OutstandingList {
        total,
        next_cursor: page.next,
        items: page
            .items
            .into_iter()
            .map(|row| OutstandingRegister {
                session: SessionView::of(row.session, today),
                cohort_name: row.cohort_name,
            })
            .collect(),
    }))
}
