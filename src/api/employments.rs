//! `/api/v1/employments`: job starts, ends, checkpoints and progression. HR see and
//! change only jobs at their own organisation; others see jobs of residents in their
//! organisation's programmes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::{ApiJson, ErrorBody};
use crate::auth::{CurrentUser, Permission};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::extract::PathId;
use crate::models::checkpoint::CheckpointView;
use crate::models::employment_input::{
    CheckpointInput, EmploymentInput, EndInput, ProgressionInput, Recorder, add_progression,
    end_employment, record_checkpoint, record_employment,
};
use crate::models::employment_view::{EmploymentView, views};
use crate::models::{Employment, Progression, access};
use crate::state::AppState;

/// Jobs, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmploymentList {
    /// The jobs the caller may see.
    pub items: Vec<EmploymentView>,
    /// Always null: a person's jobs come whole.
    pub next_cursor: Option<String>,
}

fn visible(conn: &mut DbConnection, id: i32, who: Recorder) -> AppResult<Employment> {
    Ok(Employment::find_visible(
        conn,
        id,
        who.scope,
        who.employer_only,
    )?)
}

crate::openapi::required_body!(
    /// A job start: `EmploymentInput` with every fact of the job.
    NewEmployment(EmploymentInput),
    ["participant_id", "enrolment_id", "employer_organisation_id", "site", "job_title", "staff_group", "band", "hours_per_week", "contract", "start_date"]
);

/// Records a job start; its 13-, 26- and 52-week checkpoints are created with it.
#[utoipa::path(post, path = "/employments", tag = "employments", request_body = NewEmployment,
    responses((status = 201, description = "Recorded", body = EmploymentView), (status = 403, description = "Role may not record jobs", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: ApiJson<NewEmployment>,
) -> AppResult<(StatusCode, Json<EmploymentView>)> {
    user.require(Permission::RecordEmployments)?;
    let body = body.into_inner()?.0;
    let (who, today, now) = (user.recorder(), state.clock.today(), state.clock.now());
    let view = state
        .db
        .run(move |conn| {
            let e = record_employment(conn, who, body, now)?;
            views(conn, vec![e], today)?.pop().ok_or(AppError::NotFound)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One job with its checkpoints and progression.
#[utoipa::path(get, path = "/employments/{id}", tag = "employments", params(("id" = i32, Path, description = "Employment id")),
    responses((status = 200, description = "The job", body = EmploymentView), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<EmploymentView>> {
    user.require(Permission::ViewParticipants)?;
    let (who, today) = (user.recorder(), state.clock.today());
    let view = state
        .db
        .run(move |conn| {
            let e = visible(conn, id, who)?;
            views(conn, vec![e], today)?.pop().ok_or(AppError::NotFound)
        })
        .await?;
    Ok(Json(view))
}

/// Ends a job (end date and reason), or reopens it with both null.
#[utoipa::path(patch, path = "/employments/{id}", tag = "employments", params(("id" = i32, Path, description = "Employment id")), request_body = EndInput,
    responses((status = 200, description = "Changed", body = EmploymentView), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<EndInput>,
) -> AppResult<Json<EmploymentView>> {
    user.require(Permission::RecordEmployments)?;
    let body = body.into_inner()?;
    let (who, today, now) = (user.recorder(), state.clock.today(), state.clock.now());
    let view = state
        .db
        .run(move |conn| {
            let before = visible(conn, id, who)?;
            let e = end_employment(conn, who.actor, &before, body, now)?;
            views(conn, vec![e], today)?.pop().ok_or(AppError::NotFound)
        })
        .await?;
    Ok(Json(view))
}

crate::openapi::required_body!(
    /// A checkpoint: `CheckpointInput` with its outcome and the day it was checked.
    CheckpointOutcome(CheckpointInput),
    ["status", "verified_on"]
);

/// Records the 13-, 26- or 52-week checkpoint: not before its due date.
#[utoipa::path(put, path = "/employments/{id}/checkpoints/{weeks}", tag = "employments",
    params(("id" = i32, Path, description = "Employment id"), ("weeks" = i32, Path, description = "13, 26 or 52")), request_body = CheckpointOutcome,
    responses((status = 200, description = "Recorded", body = CheckpointView), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Not yet due, or invalid fields", body = ErrorBody)))]
pub async fn checkpoint(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, weeks)): Path<(String, String)>,
    body: ApiJson<CheckpointOutcome>,
) -> AppResult<Json<CheckpointView>> {
    user.require(Permission::RecordEmployments)?;
    let (id, weeks): (i32, i32) = match (id.parse(), weeks.parse()) {
        (Ok(id), Ok(weeks)) => (id, weeks),
        _ => return Err(AppError::NotFound),
    };
    let body = body.into_inner()?.0;
    let (who, today, now) = (user.recorder(), state.clock.today(), state.clock.now());
    let view = state
        .db
        .run(move |conn| {
            let e = visible(conn, id, who)?;
            Ok(record_checkpoint(conn, who.actor, &e, weeks, body, today, now)?.view(today))
        })
        .await?;
    Ok(Json(view))
}

crate::openapi::required_body!(
    /// A progression: `ProgressionInput` with its date and kind.
    NewProgression(ProgressionInput),
    ["effective_on", "kind"]
);

/// Adds a career step to a job.
#[utoipa::path(post, path = "/employments/{id}/progressions", tag = "employments", params(("id" = i32, Path, description = "Employment id")),
    request_body = NewProgression,
    responses((status = 201, description = "Added", body = Progression), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn progression(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<NewProgression>,
) -> AppResult<(StatusCode, Json<Progression>)> {
    user.require(Permission::RecordEmployments)?;
    let body = body.into_inner()?.0;
    let (who, now) = (user.recorder(), state.clock.now());
    let p = state
        .db
        .run(move |conn| {
            let e = visible(conn, id, who)?;
            add_progression(conn, who.actor, &e, body, now)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// A resident's jobs the caller may see (HR: only at their own organisation).
#[utoipa::path(get, path = "/participants/{id}/employments", tag = "employments", params(("id" = i32, Path, description = "Participant id")),
    responses((status = 200, description = "Jobs, oldest first", body = EmploymentList), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn for_participant(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<EmploymentList>> {
    user.require(Permission::ViewParticipants)?;
    let (who, today) = (user.recorder(), state.clock.today());
    let items = state
        .db
        .run(move |conn| {
            access::participant(conn, id, who.scope)?;
            let jobs = Employment::for_participant(conn, id, who.scope, who.employer_only)?;
            views(conn, jobs, today)
        })
        .await?;
    Ok(Json(EmploymentList {
        items,
        next_cursor: None,
    }))
}
