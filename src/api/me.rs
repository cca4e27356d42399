//! `GET /api/v1/me`: who the token or session belongs to.

use serde::Serialize;

use crate::auth::{CurrentUser, Permission, Role};
use crate::error::AppResult;

use axum::Json;

/// The caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeResponse {
    /// User id.
    pub id: i32,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The user's organisation.
    pub organisation: OrganisationSummary,
    /// What the role allows.
    pub permissions: Vec<Permission>,
    /// True while a temporary password is in force.
    pub must_change_password: bool,
}

/// An organisation's id and name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganisationSummary {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
}

/// Who the caller is.
#[utoipa::path(get, path = "/me", tag = "account",
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "No valid token or session", body = crate::api::ErrorBody),
    ))]
pub async fn show(user: CurrentUser) -> AppResult<Json<MeResponse>> {
    Ok(Json(MeResponse {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organisation: OrganisationSummary {
            id: user.organisation_id,
            name: user.organisation_name,
        },
        permissions: user.role.permissions().to_vec(),
        must_change_password: user.must_change_password,
    }))
}
