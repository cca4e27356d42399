//! `/api/v1/cohorts`: intakes of the programmes the caller's organisation partners in,
//! their schedules and their enrolments.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ApiJson, Cursor, ErrorBody, OptionalJson, Page, list_page};
use crate::actions::cohorts::{self, CohortInput, CohortListQuery};
use crate::auth::Permission;
use crate::domain::Actor;
use crate::error::{AppResult, FieldErrors};
use crate::extract::{PathId, Query};
use crate::models::cohort_list::CohortOrder;
use crate::models::{Cohort, Enrolment, RosterEntry, SessionView};
use crate::state::AppState;

pub use crate::actions::cohorts::CohortView;

/// Cohorts the caller may see, by id, narrowed by programme, status or start year.
#[utoipa::path(get, path = "/cohorts", tag = "cohorts",
    params(CohortListQuery, super::CursorQuery),
    responses((status = 200, description = "A page of cohorts", body = Page<Cohort>), (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "A filter or the cursor is not valid", body = ErrorBody)))]
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    Query(q): Query<CohortListQuery>,
    cursor: Cursor,
) -> AppResult<Json<Page<Cohort>>> {
    let filter = q.filter()?;
    list_page(&state, move |conn| {
        let page = cohorts::list(conn, &actor, &filter, CohortOrder::ById(cursor))?;
        Ok(page.map(|row| row.cohort))
    })
    .await
}

crate::openapi::required_body!(
    /// A new cohort: `CohortInput` with its programme, name and start date.
    NewCohort(CohortInput),
    ["programme_id", "name", "starts_on"]
);

/// Creates a cohort (coordinators and admins of a partner organisation).
#[utoipa::path(post, path = "/cohorts", tag = "cohorts", request_body = NewCohort,
    responses((status = 201, description = "Created", body = CohortView), (status = 403, description = "Role may not create cohorts", body = ErrorBody),
        (status = 409, description = "Name already used in the programme", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    body: ApiJson<NewCohort>,
) -> AppResult<(StatusCode, Json<CohortView>)> {
    let body = body.into_inner().map(|b| b.0);
    let cohort = state
        .db
        .run(move |conn| cohorts::create(conn, &actor, body, FieldErrors::new()))
        .await?;
    Ok((StatusCode::CREATED, Json(cohort)))
}

/// One cohort.
#[utoipa::path(get, path = "/cohorts/{id}", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id")),
    responses((status = 200, description = "The cohort", body = CohortView), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Json<CohortView>> {
    let cohort = state
        .db
        .run(move |conn| cohorts::show(conn, &actor, id))
        .await?;
    Ok(Json(cohort))
}

/// Changes a cohort; fields left out stay as they are.
#[utoipa::path(patch, path = "/cohorts/{id}", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id")), request_body = CohortInput,
    responses((status = 200, description = "Changed", body = CohortView), (status = 403, description = "Role may not edit cohorts", body = ErrorBody),
        (status = 404, description = "Not found or not visible", body = ErrorBody), (status = 409, description = "Name already used in the programme", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<CohortInput>,
) -> AppResult<Json<CohortView>> {
    let body = body.into_inner();
    let cohort = state
        .db
        .run(move |conn| cohorts::update(conn, &actor, id, body, FieldErrors::new()))
        .await?;
    Ok(Json(cohort))
}

/// `{"replace": true}` to replace an existing schedule.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    /// Replace the sessions already generated (refused once attendance is recorded).
    #[serde(default)]
    pub replace: bool,
}

/// A cohort's sessions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionList {
    /// The sessions in date order, each with its register's status.
    pub items: Vec<SessionView>,
    /// Pass as `?cursor=` for the next page; null on the last page (and always after
    /// generating: a new schedule comes whole).
    pub next_cursor: Option<String>,
}

/// Generates the cohort's sessions from the programme's course template (30 by default).
#[utoipa::path(post, path = "/cohorts/{id}/sessions/generate", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id")),
    request_body(content = Option<GenerateRequest>, description = "Optional; `{\"replace\": true}` to replace existing sessions"),
    responses((status = 201, description = "The new schedule", body = SessionList), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 409, description = "Sessions exist (ask to replace) or attendance is recorded", body = ErrorBody)))]
pub async fn generate(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: OptionalJson<GenerateRequest>,
) -> AppResult<(StatusCode, Json<SessionList>)> {
    let replace = body.into_inner().map(|b| b.is_some_and(|b| b.replace));
    let today = actor.today;
    let items = state
        .db
        .run(move |conn| cohorts::generate_schedule(conn, &actor, id, replace))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionList {
            items: items
                .into_iter()
                .map(|s| SessionView::of(s, today))
                .collect(),
            next_cursor: None,
        }),
    ))
}

/// The cohort's sessions, a page at a time (cursor: the last session's date and id).
#[utoipa::path(get, path = "/cohorts/{id}/sessions", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id"), super::KeyedCursorQuery),
    responses((status = 200, description = "Sessions in date order", body = SessionList), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "The cursor is not valid", body = ErrorBody)))]
pub async fn sessions(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    cursor: Cursor<(NaiveDate, i32)>,
) -> AppResult<Json<SessionList>> {
    let today = actor.today;
    let page = state
        .db
        .run(move |conn| cohorts::sessions(conn, &actor, id, &cursor))
        .await?;
    Ok(Json(SessionList {
        items: page
            .items
            .into_iter()
            .map(|s| SessionView::of(s, today))
            .collect(),
        next_cursor: page.next,
    }))
}

/// The roster.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RosterList {
    /// Enrolments by family name.
    pub items: Vec<RosterEntry>,
    /// Pass as `?cursor=` for the next page (the last enrolment's id); null on the last
    /// page.
    pub next_cursor: Option<String>,
}

/// The cohort's enrolments (its roster), a page at a time.
#[utoipa::path(get, path = "/cohorts/{id}/enrolments", tag = "enrolments", params(("id" = i32, Path, description = "Cohort id"), super::CursorQuery),
    responses((status = 200, description = "The roster", body = RosterList), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 422, description = "The cursor is not valid", body = ErrorBody)))]
pub async fn enrolments(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    cursor: Cursor,
) -> AppResult<Json<RosterList>> {
    let page = state
        .db
        .run(move |conn| cohorts::roster(conn, &actor, id, &cursor))
        .await?;
    Ok(Json(RosterList {
        items: page.items,
        next_cursor: page.next,
    }))
}

/// `{"participant_id": 12}`
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The resident to enrol.
    pub participant_id: i32,
}

/// Enrols a resident at stage `applied`.
#[utoipa::path(post, path = "/cohorts/{id}/enrolments", tag = "enrolments", params(("id" = i32, Path, description = "Cohort id")), request_body = EnrolRequest,
    responses((status = 201, description = "Enrolled", body = Enrolment), (status = 404, description = "Cohort not found or not visible", body = ErrorBody),
        (status = 409, description = "Already enrolled in this cohort", body = ErrorBody), (status = 422, description = "Full, cancelled, unknown resident or age out of range", body = ErrorBody)))]
pub async fn enrol_participant(
    actor: crate::domain::Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    body: ApiJson<EnrolRequest>,
) -> AppResult<(StatusCode, Json<Enrolment>)> {
    actor.require(Permission::ManageEnrolments)?;
    let body = body.into_inner()?;
    let enrolment = state
        .db
        .run(move |conn| {
            crate::actions::enrolments::enrol_in_cohort(conn, &actor, id, body.participant_id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(enrolment)))
}
