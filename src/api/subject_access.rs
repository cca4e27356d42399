//! `GET /api/v1/participants/{id}/export`: everything held about a resident, for a
//! subject access request (coordinators and admins; 404 when the resident is not visible).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::ErrorBody;
use crate::actions::personal_data;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::extract::PathId;
use crate::models::subject_access::SubjectAccessExport;
use crate::state::AppState;

/// Everything held about one resident: details, equality answers, consent, information
/// sessions, enrolments with stage history and attendance, jobs with checkpoints and
/// progressions, and the audit trail about them. The export is itself audited.
#[utoipa::path(get, path = "/participants/{id}/export", tag = "participants", params(("id" = i32, Path, description = "Participant id")),
    responses((status = 200, description = "The subject access export (a JSON download)", body = SubjectAccessExport),
        (status = 403, description = "Role may not export a resident's data", body = ErrorBody), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn export(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Response> {
    let document = state
        .db
        .run(move |conn| personal_data::subject_access(conn, &actor, id))
        .await?;
    let mut response = Json(document).into_response();
    let disposition = format!("attachment; filename=\"resident-{id}.json\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
