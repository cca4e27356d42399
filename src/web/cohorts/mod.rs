//! Cohort pages: the list, creating and changing a cohort (here), the cohort page with
//! its roster, schedule and funnel so far (`show`), and generating its schedule, first
//! from the cohort page and again behind its own guarded page (`schedule`).

pub mod add_resident;
mod finish;
mod form;
mod schedule;
mod show;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

pub use finish::finish;
pub use form::CohortForm;
pub use schedule::{GenerateForm, RegenerateForm, generate, regenerate, regenerate_page};
pub use show::{NoticeQuery, show};

use super::{Layout, Section, WebForm, see_other};
use crate::actions::cohorts::{self, CohortListQuery};
use crate::auth::{CurrentUser, Permission};
use crate::domain::{Actor, CohortStatus};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::{Paging, PathId};
use crate::models::cohort_list::{CohortOrder, CohortRow};
use crate::state::AppState;
use crate::web::paging::Pager;
use crate::web::picker::{Picker, Searches};

/// The cohorts list.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/list.html")]
pub struct CohortListPage {
    layout: Layout,
    cohorts: Vec<CohortRow>,
    filters: CohortListQuery,
    statuses: &'static [(&'static str, &'static str)],
    pager: Pager,
    can_create: bool,
}

/// The new / edit cohort form.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/form.html")]
pub struct CohortFormPage {
    layout: Layout,
    errors: FieldErrors,
    form: CohortForm,
    programmes: Picker,
    editing: Option<i32>,
    statuses: &'static [(&'static str, &'static str)],
}

/// `GET /cohorts?programme=&programme_id=&status=&year=`: newest first, a page at a time.
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<CohortListQuery>,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<CohortListPage> {
    let filter = filters.filter()?;
    let page = state
        .db
        .run(move |conn| cohorts::list(conn, &actor, &filter, CohortOrder::Newest(paging)))
        .await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let pager = Pager::new(
        "/cohorts",
        &[
            ("programme", &text(&filters.programme)),
            ("programme_id", &text(&filters.programme_id)),
            ("status", &text(&filters.status)),
            ("year", &text(&filters.year)),
        ],
        &paging,
        &page,
    );
    Ok(CohortListPage {
        layout: Layout::new("Cohorts", &user, Section::Cohorts),
        cohorts: page.items,
        filters,
        statuses: CohortStatus::OPTIONS,
        pager,
        can_create: user.can(Permission::ManageCohorts),
    })
}

/// `GET /cohorts/new?programme_q=`
pub async fn new(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(searches): Query<Searches>,
) -> AppResult<Response> {
    let form = CohortForm::blank().searching(searches.programme_q);
    render_form(&state, actor, &user, form, None, FieldErrors::new()).await
}

/// `POST /cohorts`
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<CohortForm>,
) -> AppResult<Response> {
    let (input, found) = form.input(true);
    let result = state
        .db
        .run(move |conn| cohorts::create(conn, &actor, Ok(input), found))
        .await;
    match result {
        Ok(view) => Ok(see_other(&format!(
            "/cohorts/{}?notice=created",
            view.cohort.id
        ))),
        Err(e) => refused(&state, actor, &user, form, None, e).await,
    }
}

/// `GET /cohorts/{id}/edit`
pub async fn edit(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let cohort = state
        .db
        .run(move |conn| cohorts::for_edit(conn, &actor, id))
        .await?;
    let form = CohortForm::of(&cohort);
    render_form(&state, actor, &user, form, Some(id), FieldErrors::new()).await
}

/// `POST /cohorts/{id}/edit`
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<CohortForm>,
) -> AppResult<Response> {
    let (mut input, found) = form.input(false);
    input.programme_id = None;
    let result = state
        .db
        .run(move |conn| cohorts::update(conn, &actor, id, Ok(input), found))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/cohorts/{id}?notice=updated"))),
        Err(e) => refused(&state, actor, &user, form, Some(id), e).await,
    }
}

/// The form again with the problems of a refused submission; other errors pass on.
async fn refused(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    form: CohortForm,
    editing: Option<i32>,
    error: AppError,
) -> AppResult<Response> {
    match error {
        AppError::Validation(errors) | AppError::Conflict { fields: errors, .. } => {
            render_form(state, actor, user, form, editing, errors).await
        }
        e => Err(e),
    }
}

/// Renders the form: 200 when fresh, 422 when it carries problems.
async fn render_form(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    form: CohortForm,
    editing: Option<i32>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let (search, selected) = (
        form.programme_q.clone(),
        form.programme_id.trim().parse().ok(),
    );
    let choices = state
        .db
        .run(move |conn| cohorts::programme_choices(conn, &actor, &search, selected))
        .await?;
    let programmes = form::programme_picker(choices, &form);
    let title = if editing.is_some() {
        "Change cohort"
    } else {
        "Create a cohort"
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = CohortFormPage {
        layout: Layout::new(title, user, Section::Cohorts).with_errors(!errors.is_empty()),
        errors,
        form,
        programmes,
        editing,
        statuses: CohortStatus::OPTIONS,
    };
    Ok((status, page).into_response())
}
