//! `PATCH /api/v1/enrolments/{id}`: stage changes, withdrawal, interview and offer dates.

use axum::Json;
use axum::extract::State;

use super::{ApiJson, ErrorBody};
use crate::actions::enrolments::{self, EnrolmentInput};
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::extract::PathId;
use crate::models::Enrolment;
use crate::state::AppState;

/// Moves an enrolment to another stage (withdrawal needs a reason) and records interview
/// and offer dates.
#[utoipa::path(patch, path = "/enrolments/{id}", tag = "enrolments", params(("id" = i32, Path, description = "Enrolment id")), request_body = EnrolmentInput,
    responses((status = 200, description = "Changed", body = Enrolment), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Illegal stage change or invalid field", body = ErrorBody)))]
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<EnrolmentInput>,
) -> AppResult<Json<Enrolment>> {
    actor.require(Permission::ManageEnrolments)?;
    let body = body.into_inner()?;
    let enrolment = state
        .db
        .run(move |conn| enrolments::change(conn, &actor, id, &body))
        .await?;
    Ok(Json(enrolment))
}
