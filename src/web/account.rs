//! The signed-in user's own account: details, password change and API tokens.

use crate::extract::PathId;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, Section, WebForm, see_other};
use crate::auth::accounts::{self as user_admin, PasswordChange};
use crate::auth::{AuthVia, CurrentUser};
use crate::domain::local_time::InLondon as _;
use crate::error::{AppResult, FieldErrors};
use crate::models::ApiToken;
use crate::state::AppState;
use crate::validate;

/// The account page.
#[derive(Template, WebTemplate)]
#[template(path = "account/show.html")]
pub struct AccountPage {
    layout: Layout,
    user: CurrentUser,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    notice: Option<&'static str>,
    errors: FieldErrors,
    token_name: String,
}

/// The change-password page.
#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    layout: Layout,
    must_change: bool,
    errors: FieldErrors,
}

/// Query of `GET /account`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountQuery {
    notice: Option<String>,
}

/// Fields of the password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// Fields of the new-token form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    name: String,
}

/// `GET /account`
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AccountQuery>,
) -> AppResult<Response> {
    let notice = match q.notice.as_deref() {
        Some("password_changed") => {
            Some("Your password has been changed. Your other sessions have been signed out.")
        }
        Some("token_revoked") => Some("The API token has been revoked."),
        _ => None,
    };
    account_page(
        &state,
        user,
        None,
        notice,
        FieldErrors::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// `GET /account/password`
pub async fn password_form(user: CurrentUser) -> PasswordPage {
    PasswordPage {
        layout: Layout::new("Change your password", &user, Section::Account),
        must_change: user.must_change_password,
        errors: FieldErrors::new(),
    }
}

/// `POST /account/password`: the current password is required; other sessions end.
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<PasswordForm>,
) -> AppResult<Response> {
    let keep = match &user.via {
        AuthVia::Session { id_hash, .. } => Some(id_hash.clone()),
        AuthVia::Token { .. } => None,
    };
    let change = PasswordChange {
        current: form.current_password,
        new: form.new_password,
        confirm: form.confirm_password,
    };
    let errors = user_admin::change_own_password(&state, &user, change, keep).await?;
    if errors.is_empty() {
        return Ok(see_other("/account?notice=password_changed"));
    }
    let page = PasswordPage {
        layout: Layout::new("Change your password", &user, Section::Account).with_errors(true),
        must_change: user.must_change_password,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /account/tokens`: creates a token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<TokenForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let (token, typed, status) =
        match validate::required_text(&form.name, "a name for the token", 100) {
            Ok(name) => {
                let token = user_admin::create_api_token(&state, user.id, &name).await?;
                (Some(token), String::new(), StatusCode::CREATED)
            }
            Err(message) => {
                errors.add("name", message);
                (None, form.name, StatusCode::UNPROCESSABLE_ENTITY)
            }
        };
    account_page(&state, user, token, None, errors, typed, status).await
}

/// `POST /account/tokens/{id}/revoke`: revokes one of the user's own tokens (404 for
/// anyone else's).
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user_admin::revoke_api_token(&state, user.id, id).await?;
    Ok(see_other("/account?notice=token_revoked"))
}

async fn account_page(
    state: &AppState,
    user: CurrentUser,
    new_token: Option<String>,
    notice: Option<&'static str>,
    errors: FieldErrors,
    token_name: String,
    status: StatusCode,
) -> AppResult<Response> {
    let user_id = user.id;
    let tokens = state
        .db
        .run(move |conn| Ok(ApiToken::list_for_user(conn, user_id)?))
        .await?;
    let page = AccountPage {
        layout: Layout::new("Your account", &user, Section::Account)
            .with_errors(!errors.is_empty()),
        user,
        tokens,
        new_token,
        notice,
        errors,
        token_name,
    };
    Ok((status, page).into_response())
}
