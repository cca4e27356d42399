//! `/api/v1/cohorts`: intakes of the programmes the caller's organisation partners in,
//! their schedules and their enrolments.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ApiJson, Cursor, ErrorBody, OptionalJson, Page};
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::extract::{PathId, Query};
use crate::models::cohort_input::{CohortInput, create_cohort, generate_sessions, update_cohort};
use crate::models::{Cohort, CourseSession, Enrolment, RosterEntry};
use crate::state::AppState;

/// A cohort with what its page summarises.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CohortView {
    /// The cohort.
    #[serde(flatten)]
    pub cohort: Cohort,
    /// Last session date, or the Friday of the last week when there is no schedule yet.
    pub ends_on: NaiveDate,
    /// Places taken (enrolments not withdrawn and not marked as never starting).
    pub places_taken: i64,
    /// Sessions in the schedule (cancelled included).
    pub sessions: usize,
}

fn view(conn: &mut crate::db::DbConnection, cohort: Cohort) -> AppResult<CohortView> {
    let sessions = CourseSession::list_for_cohort(conn, cohort.id)?;
    Ok(CohortView {
        ends_on: sessions
            .last()
            .map_or_else(|| cohort.planned_end(), |s| s.held_on),
        places_taken: Enrolment::places_taken(conn, cohort.id)?,
        sessions: sessions.len(),
        cohort,
    })
}

/// `?programme_id=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CohortQuery {
    /// Only cohorts of this programme.
    pub programme_id: Option<i32>,
}

/// Cohorts the caller may see.
#[utoipa::path(get, path = "/cohorts", tag = "cohorts",
    params(CohortQuery, super::CursorQuery),
    responses((status = 200, description = "A page of cohorts", body = Page<Cohort>), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CohortQuery>,
    cursor: Cursor,
) -> AppResult<Json<Page<Cohort>>> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let items = state
        .db
        .run(move |conn| {
            Ok(Cohort::list(
                conn,
                scope,
                q.programme_id,
                Some((cursor.after, cursor.limit + 1)),
            )?)
        })
        .await?;
    Ok(Json(Page::from_fetched(items, cursor.limit, |c| c.id)))
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
    State(state): State<AppState>,
    user: CurrentUser,
    body: ApiJson<NewCohort>,
) -> AppResult<(StatusCode, Json<CohortView>)> {
    user.require(Permission::ManageCohorts)?;
    let body = body.into_inner()?.0;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let cohort = state
        .db
        .run(move |conn| {
            let cohort = create_cohort(conn, actor, scope, body, now)?;
            view(conn, cohort)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(cohort)))
}

/// One cohort.
#[utoipa::path(get, path = "/cohorts/{id}", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id")),
    responses((status = 200, description = "The cohort", body = CohortView), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<CohortView>> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let cohort = state
        .db
        .run(move |conn| {
            let cohort = Cohort::find_visible(conn, id, scope)?;
            view(conn, cohort)
        })
        .await?;
    Ok(Json(cohort))
}

/// Changes a cohort; fields left out stay as they are.
#[utoipa::path(patch, path = "/cohorts/{id}", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id")), request_body = CohortInput,
    responses((status = 200, description = "Changed", body = CohortView), (status = 403, description = "Role may not edit cohorts", body = ErrorBody),
        (status = 404, description = "Not found or not visible", body = ErrorBody), (status = 409, description = "Name already used in the programme", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: ApiJson<CohortInput>,
) -> AppResult<Json<CohortView>> {
    user.require(Permission::ManageCohorts)?;
    let body = body.into_inner()?;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let cohort = state
        .db
        .run(move |conn| {
            Cohort::find_visible(conn, id, scope)?;
            let cohort = update_cohort(conn, actor, id, body, now)?;
            view(conn, cohort)
        })
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

/// A page-less list of sessions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionList {
    /// The sessions in date order.
    pub items: Vec<CourseSession>,
    /// Always null: a schedule comes whole.
    pub next_cursor: Option<String>,
}

/// Generates the cohort's sessions from the programme's course template (30 by default).
#[utoipa::path(post, path = "/cohorts/{id}/sessions/generate", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id")),
    request_body(content = Option<GenerateRequest>, description = "Optional; `{\"replace\": true}` to replace existing sessions"),
    responses((status = 201, description = "The new schedule", body = SessionList), (status = 404, description = "Not found or not visible", body = ErrorBody),
        (status = 409, description = "Sessions exist (ask to replace) or attendance is recorded", body = ErrorBody)))]
pub async fn generate(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    body: OptionalJson<GenerateRequest>,
) -> AppResult<(StatusCode, Json<SessionList>)> {
    user.require(Permission::ManageCohorts)?;
    let replace = body.into_inner()?.is_some_and(|b| b.replace);
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let items = state
        .db
        .run(move |conn| {
            let cohort = Cohort::find_visible(conn, id, scope)?;
            generate_sessions(conn, actor, &cohort, replace, now)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionList {
            items,
            next_cursor: None,
        }),
    ))
}

/// The cohort's sessions.
#[utoipa::path(get, path = "/cohorts/{id}/sessions", tag = "cohorts", params(("id" = i32, Path, description = "Cohort id")),
    responses((status = 200, description = "Sessions in date order", body = SessionList), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<SessionList>> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let items = state
        .db
        .run(move |conn| {
            Cohort::find_visible(conn, id, scope)?;
            Ok(CourseSession::list_for_cohort(conn, id)?)
        })
        .await?;
    Ok(Json(SessionList {
        items,
        next_cursor: None,
    }))
}

/// The roster.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RosterList {
    /// Enrolments by family name.
    pub items: Vec<RosterEntry>,
    /// Always null: a roster comes whole.
    pub next_cursor: Option<String>,
}

/// The cohort's enrolments (its roster).
#[utoipa::path(get, path = "/cohorts/{id}/enrolments", tag = "enrolments", params(("id" = i32, Path, description = "Cohort id")),
    responses((status = 200, description = "The roster", body = RosterList), (status = 404, description = "Not found or not visible", body = ErrorBody)))]
pub async fn enrolments(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Json<RosterList>> {
    user.require(Permission::ViewParticipants)?;
    let scope = user.scope();
    let items = state
        .db
        .run(move |conn| {
            Cohort::find_visible(conn, id, scope)?;
            Ok(Enrolment::roster(conn, id)?)
        })
        .await?;
    Ok(Json(RosterList {
        items,
        next_cursor: None,
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
