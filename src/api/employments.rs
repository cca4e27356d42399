//! `/api/v1/employments`: job starts, ends, checkpoints and progression. HR see and
//! change only jobs at their own organisation; others see jobs of residents in their
//! organisation's programmes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Serialize;

use super::{ApiJson, ErrorBody};
use crate::actions::employments::{
    self as jobs, CheckpointInput, EmploymentInput, EndInput, ProgressionInput,
};
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::extract::PathId;
use crate::models::Progression;
use crate::models::checkpoint::CheckpointView;
use crate::models::employment_view::EmploymentView;
use crate::state::AppState;

/// Jobs, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmploymentList {
    /// The jobs the caller may see.
    pub items: Vec<EmploymentView>,
    /// Pass as `?cursor=` for the next page (the last job's start date and id); null on
    /// the last page.
    pub next_cursor: Option<String>,
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
    actor: Actor,
    State(state): State<AppState>,
    body: ApiJson<NewEmployment>,
) -> AppResult<(StatusCode, Json<EmploymentView>)> {
    let body = body.into_inner().map_err(|e| jobs::refuse(&actor, e))?.0;
    let view = state
        .db
        .run(move |conn| {
            let e = jobs::record_employment(conn, &actor, &body)?;
            jobs::view(conn, &actor, e)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One job with its checkpoints and progression.
#[utoipa::path(get, path = "/employments/{id}", tag = "employments", params(("id" = i32, Path, description = "Employment id")),
    responses((status = 200, description = "The job", body = EmploymentView), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Json<EmploymentView>> {
    let view = state
        .db
        .run(move |conn| jobs::job(conn, &actor, id))
        .await?;
    Ok(Json(view))
}

/// Ends a job (end date and reason), or reopens it with both null.
#[utoipa::path(patch, path = "/employments/{id}", tag = "employments", params(("id" = i32, Path, description = "Employment id")), request_body = EndInput,
    responses((status = 200, description = "Changed", body = EmploymentView), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<EndInput>,
) -> AppResult<Json<EmploymentView>> {
    let body = body.into_inner().map_err(|e| jobs::refuse(&actor, e))?;
    let view = state
        .db
        .run(move |conn| {
            let e = jobs::end_employment(conn, &actor, id, &body)?;
            jobs::view(conn, &actor, e)
        })
        .await?;
    Ok(Json(view))
}

crate::openapi::required_body!(
    /// A checkpoint: `CheckpointInput` with its outcome and the day it was checked.
    CheckpointOutcome(CheckpointInput),
    ["status", "verified_on"]
);

/// Records the 13-, 26- or 52-week checkpoint: not before its due date. With `left` on a
/// job not yet ended, `end_date` and `end_reason` are required and the job is ended in
/// the same transaction (the end date not before the start nor in the future); with
/// another outcome they must be left out.
#[utoipa::path(put, path = "/employments/{id}/checkpoints/{weeks}", tag = "employments",
    params(("id" = i32, Path, description = "Employment id"), ("weeks" = i32, Path, description = "13, 26 or 52")), request_body = CheckpointOutcome,
    responses((status = 200, description = "Recorded", body = CheckpointView), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Not yet due, invalid fields, or `left` without the end of a job still open", body = ErrorBody)))]
pub async fn checkpoint(
    actor: Actor,
    State(state): State<AppState>,
    Path((id, weeks)): Path<(String, String)>,
    body: ApiJson<CheckpointOutcome>,
) -> AppResult<Json<CheckpointView>> {
    let (Ok(id), Ok(weeks)) = (id.parse::<i32>(), weeks.parse::<i32>()) else {
        return Err(jobs::refuse(&actor, AppError::NotFound));
    };
    let body = body.into_inner().map_err(|e| jobs::refuse(&actor, e))?.0;
    let today = actor.today;
    let checkpoint = state
        .db
        .run(move |conn| jobs::record_checkpoint(conn, &actor, id, weeks, &body))
        .await?;
    Ok(Json(checkpoint.view(today)))
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
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<NewProgression>,
) -> AppResult<(StatusCode, Json<Progression>)> {
    let body = body.into_inner().map_err(|e| jobs::refuse(&actor, e))?.0;
    let p = state
        .db
        .run(move |conn| jobs::add_progression(conn, &actor, id, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// A resident's jobs the caller may see (HR: only at their own organisation).
#[utoipa::path(get, path = "/participants/{id}/employments", tag = "employments", params(("id" = i32, Path, description = "Participant id"), super::KeyedCursorQuery),
    responses((status = 200, description = "Jobs, oldest first", body = EmploymentList), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "The cursor is not valid", body = ErrorBody)))]
pub async fn for_participant(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    cursor: super::Cursor<(NaiveDate, i32)>,
) -> AppResult<Json<EmploymentList>> {
    let page = state
        .db
        .run(move |conn| jobs::for_participant(conn, &actor, id, &cursor))
        .await?;
    Ok(Json(EmploymentList {
        items: page.items,
        next_cursor: page.next,
    }))
}
