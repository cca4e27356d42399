//! `PATCH /api/v1/enrolments/{id}`: stage changes, withdrawal, interview and offer dates.

use axum::Json;
use axum::extract::State;

use super::{ApiJson, ErrorBody};
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::extract::PathId;
use crate::models::enrolment_input::{EnrolmentInput, change_enrolment};
use crate::models::{Enrolment, access};
use crate::state::AppState;

/// Moves an enrolment to another stage (withdrawal needs a reason) and records interview
/// and offer dates.
#[utoipa::path(patch, path = "/enrolments/{id}", tag = "enrolments", params(("id" = i32, Path, description = "Enrolment id")), request_body = EnrolmentInput,
    responses((status = 200, description = "Changed", body = Enrolment), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "Illegal stage change or invalid field", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<EnrolmentInput>,
) -> AppResult<Json<Enrolment>> {
    user.require(Permission::ManageEnrolments)?;
    let body = body.into_inner()?;
    let (actor, scope, today, now) = (
        user.id,
        user.scope(),
        state.clock.today(),
        state.clock.now(),
    );
    let enrolment = state
        .db
        .run(move |conn| {
            let (before, _) = access::enrolment(conn, id, scope)?;
            change_enrolment(conn, actor, &before, body, today, now)
        })
        .await?;
    Ok(Json(enrolment))
}
