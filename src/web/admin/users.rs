//! Admin pages for user accounts: add, change role, disable or enable, and set a
//! temporary password.

use crate::extract::{Paging, PathId};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions::users::{self, UserListQuery};
use crate::auth::accounts::{self, NewUserInput};
use crate::auth::{CurrentUser, Role};
use crate::domain::Actor;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::page::DEFAULT_PAGE_SIZE;
use crate::models::user::UserWithOrganisation;
use crate::models::{Organisation, User};
use crate::state::AppState;
use crate::web::paging::Pager;
use crate::web::{Layout, Section, WebForm, see_other};

/// The users page: list and add form.
#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    layout: Layout,
    users: Vec<UserWithOrganisation>,
    filters: UserListQuery,
    pager: Pager,
    organisations: Vec<Organisation>,
    roles: [Role; 4],
    errors: FieldErrors,
    form: NewUserForm,
}

/// One user's admin page.
#[derive(Template, WebTemplate)]
#[template(path = "admin/user.html")]
pub struct UserPage {
    layout: Layout,
    account: User,
    organisation: Organisation,
    roles: [Role; 4],
    is_self: bool,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

/// Fields of the add-user form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    email: String,
    name: String,
    organisation_id: String,
    role: String,
    password: String,
}

/// Field of the role form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

/// Field of the temporary-password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    password: String,
}

/// Query of the user page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserQuery {
    notice: Option<String>,
}

/// `GET /admin/users?role=&organisation=&organisation_id=&q=`: a page of users.
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<UserListQuery>,
    paging: Paging,
) -> AppResult<Response> {
    let shown = (filters, paging);
    let form = NewUserForm::default();
    render_list(
        &state,
        actor,
        user,
        shown,
        FieldErrors::new(),
        form,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/users`: adds a user with a temporary password.
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<NewUserForm>,
) -> AppResult<Response> {
    let input = NewUserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        organisation_id: form.organisation_id.trim().parse().ok(),
        role: form.role.clone(),
        password: form.password.clone(),
        temporary: true,
    };
    let (errors, status) = match accounts::create_user(&state, Some(&actor), input).await {
        Ok(created) => {
            return Ok(see_other(&format!(
                "/admin/users/{}?notice=created",
                created.id
            )));
        }
        Err(AppError::Validation(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict { fields, .. }) => (fields, StatusCode::CONFLICT),
        Err(e) => return Err(e),
    };
    let shown = (UserListQuery::default(), Paging::first(DEFAULT_PAGE_SIZE));
    render_list(&state, actor, user, shown, errors, form, status).await
}

impl UserQuery {
    /// The line of confirmation a redirect asked for.
    fn text(&self) -> Option<&'static str> {
        Some(match self.notice.as_deref()? {
            "created" => {
                "The user has been added with a temporary password. Give it to them securely: they must change it when they first sign in."
            }
            "role" => "The role has been changed. It applies from the user's next request.",
            "disabled" => "The account has been disabled. Its sessions and API tokens have ended.",
            "enabled" => "The account has been enabled.",
            "password" => "A temporary password has been set. The user's sessions have ended.",
            _ => return None,
        })
    }
}

/// `GET /admin/users/{id}`
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<UserQuery>,
) -> AppResult<Response> {
    let notice = q.text();
    render_user(&state, actor, user, id, FieldErrors::new(), notice).await
}

/// `POST /admin/users/{id}/role`
pub async fn change_role(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<RoleForm>,
) -> AppResult<Response> {
    let result = accounts::set_role(&state, &actor, id, &form.role).await;
    after_change(&state, actor, user, id, result, "role").await
}

/// `POST /admin/users/{id}/disable`
pub async fn disable(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let result = accounts::set_disabled(&state, &actor, id, true).await;
    after_change(&state, actor, user, id, result, "disabled").await
}

/// `POST /admin/users/{id}/enable`
pub async fn enable(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let result = accounts::set_disabled(&state, &actor, id, false).await;
    after_change(&state, actor, user, id, result, "enabled").await
}

/// `POST /admin/users/{id}/password`
pub async fn set_temporary_password(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<PasswordForm>,
) -> AppResult<Response> {
    let result = accounts::set_temporary_password(&state, &actor, id, form.password).await;
    after_change(&state, actor, user, id, result, "password").await
}

/// Redirects with a notice on success; re-renders the page with the problem otherwise.
async fn after_change(
    state: &AppState,
    actor: Actor,
    user: CurrentUser,
    id: i32,
    result: AppResult<()>,
    notice: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}?notice={notice}"))),
        Err(AppError::Validation(errors)) => {
            render_user(state, actor, user, id, errors, None).await
        }
        Err(e) => Err(e),
    }
}

/// The users page with the list as `shown` (its filters and page) and the add form.
async fn render_list(
    state: &AppState,
    actor: Actor,
    user: CurrentUser,
    (filters, paging): (UserListQuery, Paging),
    errors: FieldErrors,
    form: NewUserForm,
    status: StatusCode,
) -> AppResult<Response> {
    let filter = filters.filter()?;
    let (list, organisations) = state
        .db
        .run(move |conn| users::list(conn, &actor, &filter, &paging))
        .await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let pager = Pager::new(
        "/admin/users",
        &[
            ("role", &text(&filters.role)),
            ("organisation_id", &text(&filters.organisation_id)),
            ("organisation", &text(&filters.organisation)),
            ("q", &text(&filters.q)),
        ],
        &paging,
        &list,
    );
    let page = UsersPage {
        layout: Layout::new("Users", &user, Section::Admin).with_errors(!errors.is_empty()),
        users: list.items,
        filters,
        pager,
        organisations,
        roles: Role::ALL,
        errors,
        form,
    };
    Ok((status, page).into_response())
}

/// The user page: 200, or 422 when a change was refused.
async fn render_user(
    state: &AppState,
    actor: Actor,
    user: CurrentUser,
    id: i32,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> AppResult<Response> {
    let (account, organisation) = state
        .db
        .run(move |conn| users::show(conn, &actor, id))
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = UserPage {
        layout: Layout::new(account.name.clone(), &user, Section::Admin)
            .with_errors(!errors.is_empty()),
        is_self: account.id == user.id,
        account,
        organisation,
        roles: Role::ALL,
        errors,
        notice,
    };
    Ok((status, page).into_response())
}
