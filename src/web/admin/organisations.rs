//! Admin pages for partner organisations.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::organisation::{create_audited, validate_new};
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
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::ManageOrganisations)?;
    render(
        &state,
        user,
        FieldErrors::new(),
        OrganisationForm::default(),
        q.added,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/organisations`
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<OrganisationForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageOrganisations)?;
    let (name, kind) = match validate_new(&form.name, &form.kind) {
        Ok(valid) => valid,
        Err(errors) => {
            return render(
                &state,
                user,
                errors,
                form,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let (actor, now) = (user.id, state.clock.now());
    let created = state
        .db
        .run(move |conn| create_audited(conn, Some(actor), &name, kind, now))
        .await;
    match created {
        Ok(org) => Ok(see_other(&format!("/admin/organisations?added={}", org.id))),
        Err(AppError::Conflict { fields, .. }) => {
            render(&state, user, fields, form, None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

async fn render(
    state: &AppState,
    user: CurrentUser,
    errors: FieldErrors,
    form: OrganisationForm,
    added: Option<i32>,
    status: StatusCode,
) -> AppResult<Response> {
    let organisations = state
        .db
        .run(|conn| Ok(Organisation::list_all(conn)?))
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
