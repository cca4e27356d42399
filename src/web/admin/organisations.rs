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
use crate::models::{Organisation, OrganisationKind};
use crate::state::AppState;
use crate::web::{Layout, Section, WebForm, see_other};

/// The organisations page: list and add form.
#[derive(Template, WebTemplate)]
#[template(path = "admin/organisations.html")]
pub struct OrganisationsPage {
    layout: Layout,
    organisations: Vec<Organisation>,
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
}

/// `GET /admin/organisations`
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let form = OrganisationForm::default();
    render(
        &state,
        actor,
        user,
        FieldErrors::new(),
        form,
        q.added,
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
    render(&state, actor, user, errors, form, None, status).await
}

async fn render(
    state: &AppState,
    actor: Actor,
    user: CurrentUser,
    errors: FieldErrors,
    form: OrganisationForm,
    added: Option<i32>,
    status: StatusCode,
) -> AppResult<Response> {
    let organisations = state
        .db
        .run(move |conn| organisations::list_all(conn, &actor))
        .await?;
    let added = added.and_then(|id| {
        organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
    });
    let page = OrganisationsPage {
        layout: Layout::new("Organisations", &user, Section::Admin).with_errors(!errors.is_empty()),
        organisations,
        kinds: OrganisationKind::ALL,
        errors,
        form,
        added,
    };
    Ok((status, page).into_response())
}
