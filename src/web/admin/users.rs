//! Admin pages for user accounts: add, change role, disable or enable, and set a
//! temporary password.

use crate::extract::PathId;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::accounts::{self, NewUserInput};
use crate::auth::{CurrentUser, Permission, Role};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::user::UserWithOrganisation;
use crate::models::{Organisation, User};
use crate::state::AppState;
use crate::web::{Layout, Section, WebForm, see_other};

/// The users page: list and add form.
#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    layout: Layout,
    users: Vec<UserWithOrganisation>,
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

/// `GET /admin/users`
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require(Permission::ManageUsers)?;
    render_list(
        &state,
        user,
        FieldErrors::new(),
        NewUserForm::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/users`: adds a user with a temporary password.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<NewUserForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageUsers)?;
    let input = NewUserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        organisation_id: form.organisation_id.trim().parse().ok(),
        role: form.role.clone(),
        password: form.password.clone(),
        temporary: true,
    };
    match accounts::create_user(&state, Some(user.id), input).await {
        Ok(created) => Ok(see_other(&format!(
            "/admin/users/{}?notice=created",
            created.id
        ))),
        Err(AppError::Validation(errors)) => {
            render_list(&state, user, errors, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { fields, .. }) => {
            render_list(&state, user, fields, form, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /admin/users/{id}`
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<UserQuery>,
) -> AppResult<Response> {
    user.require(Permission::ManageUsers)?;
    let notice = match q.notice.as_deref() {
        Some("created") => Some(
            "The user has been added with a temporary password. Give it to them securely: they must change it when they first sign in.",
        ),
        Some("role") => Some("The role has been changed. It applies from the user's next request."),
        Some("disabled") => {
            Some("The account has been disabled. Its sessions and API tokens have ended.")
        }
        Some("enabled") => Some("The account has been enabled."),
        Some("password") => {
            Some("A temporary password has been set. The user's sessions have ended.")
        }
        _ => None,
    };
    render_user(&state, user, id, FieldErrors::new(), notice, StatusCode::OK).await
}

/// `POST /admin/users/{id}/role`
pub async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<RoleForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageUsers)?;
    let result = accounts::set_role(&state, &user, id, &form.role).await;
    after_change(&state, user, id, result, "role").await
}

/// `POST /admin/users/{id}/disable`
pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::ManageUsers)?;
    let result = accounts::set_disabled(&state, &user, id, true).await;
    after_change(&state, user, id, result, "disabled").await
}

/// `POST /admin/users/{id}/enable`
pub async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::ManageUsers)?;
    let result = accounts::set_disabled(&state, &user, id, false).await;
    after_change(&state, user, id, result, "enabled").await
}

/// `POST /admin/users/{id}/password`
pub async fn set_temporary_password(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<PasswordForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageUsers)?;
    let result = accounts::set_temporary_password(&state, &user, id, form.password).await;
    after_change(&state, user, id, result, "password").await
}

/// Redirects with a notice on success; re-renders the page with the problem otherwise.
async fn after_change(
    state: &AppState,
    user: CurrentUser,
    id: i32,
    result: AppResult<()>,
    notice: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}?notice={notice}"))),
        Err(AppError::Validation(errors)) => {
            render_user(
                state,
                user,
                id,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn render_list(
    state: &AppState,
    user: CurrentUser,
    errors: FieldErrors,
    form: NewUserForm,
    status: StatusCode,
) -> AppResult<Response> {
    let (users, organisations) = state
        .db
        .run(|conn| {
            Ok((
                User::list_with_organisations(conn)?,
                Organisation::list_all(conn)?,
            ))
        })
        .await?;
    let page = UsersPage {
        layout: Layout::new("Users", &user, Section::Admin).with_errors(!errors.is_empty()),
        users,
        organisations,
        roles: Role::ALL,
        errors,
        form,
    };
    Ok((status, page).into_response())
}

async fn render_user(
    state: &AppState,
    user: CurrentUser,
    id: i32,
    errors: FieldErrors,
    notice: Option<&'static str>,
    status: StatusCode,
) -> AppResult<Response> {
    let (account, organisation) = state
        .db
        .run(move |conn| {
            let account = User::find(conn, id)?;
            let organisation = Organisation::find(conn, account.organisation_id)?;
            Ok((account, organisation))
        })
        .await?;
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
