//! `/api/v1/participants`: residents the caller may see (recorded by their organisation or
//! enrolled in a partner programme), and their equality monitoring (coordinators and
//! admins only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiJson, Cursor, ErrorBody, Page};
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult};
use crate::extract::{PathId, Query};
use crate::models::participant_input::{
    ParticipantInput, check, check_equality, create_participant, save_equality as store_equality,
    update_participant,
};
use crate::models::{EqualityAnswers, Participant, access};
use crate::state::AppState;
use crate::validate;

/// `?q=` search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// Part of a name, or the start of a postcode.
    pub q: Option<String>,
}

/// Residents the caller may see, optionally searched by name or postcode.
#[utoipa::path(get, path = "/participants", tag = "participants",
    params(SearchQuery, super::CursorQuery),
    responses((status = 200, description = "A page of residents", body = Page<Participant>), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
    cursor: Cursor,
) -> AppResult<Json<Page<Participant>>> {
    user.require(Permission::ViewParticipants)?;
    let scope = user.scope();
    let q = validate::search(q.q.as_deref().unwrap_or_default())
        .map_err(|m| AppError::invalid("q", m))?;
    let items = state
        .db
        .run(move |conn| {
            Ok(Participant::search(
                conn,
                scope,
                &q,
                cursor.after,
                cursor.limit + 1,
            )?)
        })
        .await?;
    Ok(Json(Page::from_fetched(items, cursor.limit, |p| p.id)))
}

crate::openapi::required_body!(
    /// A new resident: `ParticipantInput` with names, date of birth and postcode.
    NewParticipant(ParticipantInput),
    ["given_name", "family_name", "date_of_birth", "postcode"]
);

/// Records a resident; 409 naming the existing record when the same person (names,
/// date of birth, postcode) is already on file.
#[utoipa::path(post, path = "/participants", tag = "participants", request_body = NewParticipant,
    responses((status = 201, description = "Created", body = Participant), (status = 403, description = "Role may not add residents", body = ErrorBody),
        (status = 409, description = "Already on file", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: ApiJson<NewParticipant>,
) -> AppResult<(StatusCode, Json<Participant>)> {
    user.require(Permission::EditParticipants)?;
    let record = check(&body.into_inner()?.0, state.clock.today()).map_err(AppError::Validation)?;
    let (actor, owner, scope, now) = (
        user.id,
        user.organisation_id,
        user.scope(),
        state.clock.now(),
    );
    let participant = state
        .db
        .run(move |conn| create_participant(conn, actor, owner, scope, record, now))
        .await?;
    Ok((StatusCode::CREATED, Json(participant)))
}

/// One resident.
#[utoipa::path(get, path = "/participants/{id}", tag = "participants", params(("id" = i32, Path, description = "Participant id")),
    responses((status = 200, description = "The resident", body = Participant), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<Participant>> {
    user.require(Permission::ViewParticipants)?;
    let scope = user.scope();
    Ok(Json(
        state
            .db
            .run(move |conn| Ok(access::participant(conn, id, scope)?))
            .await?,
    ))
}

/// Changes a resident. Send the whole record: fields left out are cleared or, when
/// required, refused.
#[utoipa::path(patch, path = "/participants/{id}", tag = "participants", params(("id" = i32, Path, description = "Participant id")), request_body = ParticipantInput,
    responses((status = 200, description = "Changed", body = Participant), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 409, description = "Would duplicate another resident", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<ParticipantInput>,
) -> AppResult<Json<Participant>> {
    user.require(Permission::EditParticipants)?;
    let body = body.into_inner()?;
    let (actor, scope, today, now) = (
        user.id,
        user.scope(),
        state.clock.today(),
        state.clock.now(),
    );
    let participant = state
        .db
        .run(move |conn| {
            let existing = access::participant(conn, id, scope)?;
            let merged = merge(&existing, body);
            let record = check(&merged, today).map_err(AppError::Validation)?;
            update_participant(conn, actor, scope, id, record, now)
        })
        .await?;
    Ok(Json(participant))
}

/// PATCH semantics: fields not sent keep their stored values.
fn merge(existing: &Participant, patch: ParticipantInput) -> ParticipantInput {
    let keep = |new: Option<String>, old: Option<String>| new.or(old);
    ParticipantInput {
        given_name: keep(patch.given_name, Some(existing.given_name.clone())),
        family_name: keep(patch.family_name, Some(existing.family_name.clone())),
        date_of_birth: keep(
            patch.date_of_birth,
            Some(existing.date_of_birth.to_string()),
        ),
        postcode: keep(patch.postcode, Some(existing.postcode.clone())),
        email: keep(patch.email, existing.email.clone()),
        phone: keep(patch.phone, existing.phone.clone()),
        referral_source: keep(patch.referral_source, existing.referral_source.clone()),
        employment_status: keep(patch.employment_status, existing.employment_status.clone()),
        months_unemployed: patch.months_unemployed.or(existing.months_unemployed),
        benefit_status: keep(patch.benefit_status, existing.benefit_status.clone()),
        consent_given_on: keep(
            patch.consent_given_on,
            existing.consent_given_on.map(|d| d.to_string()),
        ),
        lawful_basis: keep(patch.lawful_basis, existing.lawful_basis.clone()),
    }
}

/// A resident's equality monitoring answers (coordinators and admins only).
#[utoipa::path(get, path = "/participants/{id}/equality", tag = "participants", params(("id" = i32, Path, description = "Participant id")),
    responses((status = 200, description = "The answers (all null when none recorded)", body = EqualityAnswers), (status = 403, description = "Role may not see equality data", body = ErrorBody),
        (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn equality(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<EqualityAnswers>> {
    user.require(Permission::ViewEqualityData)?;
    let scope = user.scope();
    let answers = state
        .db
        .run(move |conn| {
            access::participant(conn, id, scope)?;
            Ok(EqualityAnswers::find(conn, id)?.unwrap_or_default())
        })
        .await?;
    Ok(Json(answers))
}

/// Records a resident's equality monitoring answers; each may be `prefer_not_to_say` or null.
#[utoipa::path(put, path = "/participants/{id}/equality", tag = "participants", params(("id" = i32, Path, description = "Participant id")), request_body = EqualityAnswers,
    responses((status = 200, description = "Saved", body = EqualityAnswers), (status = 403, description = "Role may not record equality data", body = ErrorBody),
        (status = 404, description = "Not found or not visible", body = ErrorBody), (status = 422, description = "Invalid answers", body = ErrorBody)))]
pub async fn save_equality(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<EqualityAnswers>,
) -> AppResult<Json<EqualityAnswers>> {
    user.require(Permission::ViewEqualityData)?;
    let answers =
        check_equality(&body.into_inner()?, state.clock.today()).map_err(AppError::Validation)?;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let saved = answers.clone();
    state
        .db
        .run(move |conn| {
            access::participant(conn, id, scope)?;
            store_equality(conn, actor, id, &answers, now)
        })
        .await?;
    Ok(Json(saved))
}
