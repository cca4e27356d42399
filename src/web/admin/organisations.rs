//! Admin pages for partner organisations.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions::organisations;
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::Paging;
use crate::models::page::DEFAULT_PAGE_SIZE;
use crate::models::{Organisation, OrganisationKind};
use crate::state::AppState;
use crate::web::paging::Pager;
use crate::web::{Layout, Section, WebForm, see_other};

/// The organisations page: list and add form.
#[derive(Template, WebTemplate)]
#[template(path = "admin/organisations.html")]
pub struct OrganisationsPage {
    layout: Layout,
    organisations: Vec<Organisation>,
    q: String,
    pager: Pager,
    kinds: [OrganisationKind; 6],
    errors: FieldErrors,
    form: OrganisationForm,
    added: Option<String>,
}

/// Fields of the add form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrganisationForm {
    name: String,
    kind: String,
}

/// Query of the list page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    added: Option<i32>,
    q: String,
}

/// `GET /admin/organisations`
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
    paging: Paging,
) -> AppResult<Response> {
    let form = OrganisationForm::default();
    let errors = FieldErrors::new();
    render(
        &state,
        actor,
        user,
        (q, paging),
        errors,
        form,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/organisations`
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<OrganisationForm>,
) -> AppResult<Response> {
    let submitted = Ok((form.name.clone(), form.kind.clone()));
    let created = state
        .db
        .run(move |conn| organisations::create(conn, &actor, submitted))
        .await;
    let (errors, status) = match created {
        Ok(org) => return Ok(see_other(&format!("/admin/organisations?added={}", org.id))),
        Err(AppError::Validation(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict { fields, .. }) => (fields, StatusCode::CONFLICT),
        Err(e) => return Err(e),
    };
    let shown = (ListQuery::default(), Paging::first(DEFAULT_PAGE_SIZE));
    render(&state, actor, user, shown, errors, form, status).await
}

/// The organisations page with the list as `shown` (its search, notice and page) and the
/// add form.
async fn render(
    state: &AppState,
    actor: Actor,
    user: CurrentUser,
    (q, paging): (ListQuery, Paging),
    errors: FieldErrors,
    form: OrganisationForm,
    status: StatusCode,
) -> AppResult<Response> {
    let search = q.q.clone();
    let (list, added) = state
        .db
        .run(move |conn| organisations::admin_page(conn, &actor, &search, &paging, q.added))
        .await?;
    let pager = Pager::new("/admin/organisations", &[("q", &q.q)], &paging, &list);
    let page = OrganisationsPage {
        layout: Layout::new("Organisations", &user, Section::Admin).with_errors(!errors.is_empty()),
        organisations: list.items,
        q: q.q,
        pager,
        kinds: OrganisationKind::ALL,
        errors,
        form,
        added,
    };
    Ok((status, page).into_response())
}
