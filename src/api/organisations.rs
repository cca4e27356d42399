//! `/api/v1/organisations`: list (what the caller may see) and create (admin).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiJson, Cursor, ErrorBody, Page, list_page};
use crate::actions::organisations;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::models::Organisation;
use crate::models::page::Paged;
use crate::state::AppState;

/// A new organisation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationRequest {
    /// Name, unique.
    #[schema(
        max_length = 150,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: String,
    /// `council`, `nhs_trust`, `college`, `charity`, `employer` or `other`.
    #[schema(value_type = crate::models::OrganisationKind)]
    pub kind: String,
}

/// Organisations the caller may see: admins all; others their own and the partners of
/// their organisation's programmes.
#[utoipa::path(get, path = "/organisations", tag = "organisations",
    params(super::CursorQuery),
    responses(
        (status = 200, description = "A page of organisations", body = Page<Organisation>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    cursor: Cursor,
) -> AppResult<Json<Page<Organisation>>> {
    list_page(&state, move |conn| {
        let after = cursor.after.unwrap_or(0);
        let rows = organisations::list_visible(conn, &actor, after, cursor.fetch())?;
        Ok(Paged::from_fetched(rows, &cursor, |o| o.id))
    })
    .await
}

/// Adds an organisation (admin).
#[utoipa::path(post, path = "/organisations", tag = "organisations",
    request_body = NewOrganisationRequest,
    responses(
        (status = 201, description = "Created", body = Organisation),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "Name already used", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    body: ApiJson<NewOrganisationRequest>,
) -> AppResult<(StatusCode, Json<Organisation>)> {
    let body = body.into_inner().map(|b| (b.name, b.kind));
    let organisation = state
        .db
        .run(move |conn| organisations::create(conn, &actor, body))
        .await?;
    Ok((StatusCode::CREATED, Json(organisation)))
}
