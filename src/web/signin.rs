//! Signing in and out through the browser.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, WebForm, see_other};
use crate::auth::CurrentUser;
use crate::auth::password::MAX_LENGTH as MAX_PASSWORD_CHARS;
use crate::auth::session::{self, SignIn, clear_cookie, cookie, read_cookie};
use crate::auth::throttle::ClientAddress;
use crate::auth::tokens::random_secret;
use crate::error::{AppResult, FieldErrors};
use crate::state::AppState;
use crate::validate::{self, Lines};

/// The longest email address there can be (RFC 5321's path limit less its brackets).
pub const MAX_EMAIL_CHARS: usize = 254;

/// The sign-in page.
#[derive(Template, WebTemplate)]
#[template(path = "signin.html")]
pub struct SignInPage {
    layout: Layout,
    errors: FieldErrors,
    email: String,
    signin_token: String,
    notice: Option<&'static str>,
}

/// Query of `GET /sign-in`.
#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    signed_out: Option<String>,
}

/// The sign-in form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
}

/// `GET /sign-in`: the form, with a fresh double-submit token in a cookie.
pub async fn form(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    if user.is_some() {
        return see_other("/");
    }
    let notice = query.signed_out.map(|_| "You have signed out.");
    render(
        &state,
        &headers,
        FieldErrors::new(),
        String::new(),
        notice,
        StatusCode::OK,
    )
}

/// Refuses empty, over-long or control-character fields before anything is looked up or
/// stored. Returns the email to show again (cleared when over-long: it may be anything,
/// even a password typed in the wrong box) and the problems.
fn check_fields(mut email: String, password: &str) -> (String, FieldErrors) {
    let mut errors = FieldErrors::new();
    if email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    } else if email.trim().chars().count() > MAX_EMAIL_CHARS {
        errors.add(
            "email",
            format!("Email address must be {MAX_EMAIL_CHARS} characters or fewer"),
        );
        email.clear();
    } else if validate::has_control(&email, Lines::One) {
        // No address holds one, and PostgreSQL refuses a NUL in the lookup.
        errors.add("email", "Enter an email address in the correct format");
    }
    if password.is_empty() {
        errors.add("password", "Enter your password");
    } else if password.chars().count() > MAX_PASSWORD_CHARS {
        errors.add(
            "password",
            format!("Password must be {MAX_PASSWORD_CHARS} characters or fewer"),
        );
    }
    (email, errors)
}

/// `POST /sign-in`: checks the credentials and opens a new session. Over-long fields are
/// refused before anything is looked up or stored.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    WebForm(form): WebForm<SignInForm>,
) -> AppResult<Response> {
    let (email, errors) = check_fields(form.email, &form.password);
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(render(&state, &headers, errors, email, None, status));
    }
    let outcome = session::sign_in(&state, &email, form.password, address).await?;
    Ok(answer(&state, &headers, outcome, email))
}

/// The response to a sign-in attempt: the session cookie and a redirect, or the form
/// again (401 for wrong credentials, 429 with `Retry-After` while throttled).
fn answer(state: &AppState, headers: &HeaderMap, outcome: SignIn, email: String) -> Response {
    let mut errors = FieldErrors::new();
    match outcome {
        SignIn::Success {
            session_id,
            must_change_password,
        } => signed_in(state, &session_id, must_change_password),
        SignIn::Failed => {
            errors.add("email", "Enter a correct email address and password");
            render(
                state,
                headers,
                errors,
                email,
                None,
                StatusCode::UNAUTHORIZED,
            )
        }
        SignIn::Blocked(secs) => {
            errors.add(
                "email",
                format!(
                    "Too many attempts to sign in. Wait {} and try again",
                    wait_text(secs)
                ),
            );
            let status = StatusCode::TOO_MANY_REQUESTS;
            let page = render(state, headers, errors, email, None, status);
            (AppendHeaders([(RETRY_AFTER, secs.to_string())]), page).into_response()
        }
    }
}

/// The session cookie (and the sign-in form's cookie cleared), going on to the page
/// the person needs first.
fn signed_in(state: &AppState, session_id: &str, must_change_password: bool) -> Response {
    let config = &state.config;
    let target = if must_change_password {
        "/account/password"
    } else {
        "/"
    };
    let cookies = AppendHeaders([
        (
            SET_COOKIE,
            cookie(config, config.session_cookie_name(), session_id),
        ),
        (
            SET_COOKIE,
            clear_cookie(config, config.signin_csrf_cookie_name()),
        ),
    ]);
    (cookies, see_other(target)).into_response()
}

/// `POST /sign-out`: ends the session on the server and clears the cookie.
pub async fn sign_out(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    session::sign_out(&state, &user).await?;
    let config = &state.config;
    let clear = AppendHeaders([(
        SET_COOKIE,
        clear_cookie(config, config.session_cookie_name()),
    )]);
    Ok((clear, see_other("/sign-in?signed_out=1")).into_response())
}

fn render(
    state: &AppState,
    headers: &HeaderMap,
    errors: FieldErrors,
    email: String,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let config = &state.config;
    let token =
        read_cookie(headers, config.signin_csrf_cookie_name()).unwrap_or_else(random_secret);
    let page = SignInPage {
        layout: Layout::anonymous("Sign in").with_errors(!errors.is_empty()),
        errors,
        email,
        signin_token: token.clone(),
        notice,
    };
    let set = AppendHeaders([(
        SET_COOKIE,
        cookie(config, config.signin_csrf_cookie_name(), &token),
    )]);
    (status, set, page).into_response()
}

/// "45 seconds", "2 minutes".
fn wait_text(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} seconds"),
        60..=119 => "1 minute".to_owned(),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}
