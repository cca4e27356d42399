//! Server-rendered HTML pages. Each file holds its handlers beside their askama page
//! structs; templates live in `src/templates/`. Every page works without JavaScript.

pub mod account;
pub mod admin;
pub mod assets;
pub mod checkpoints;
pub mod cohorts;
pub mod dashboard;
pub mod employments;
pub mod enrolments;
pub mod errors;
pub mod forms;
pub mod help;
pub mod imports;
mod layout;
pub mod paging;
pub mod participants;
pub mod picker;
pub mod programmes;
pub mod registers;
pub mod reports;
pub mod sessions;
pub mod signin;

use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use serde::de::DeserializeOwned;

pub use layout::{Layout, NavItem, Section};

use crate::auth::{AuthVia, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;

/// One web route: method, path, handler. The router and the access-control test both
/// read this table, so a page cannot exist without appearing in the role × route matrix.
pub struct WebRoute {
    /// HTTP method.
    pub method: Method,
    /// Path pattern, axum syntax.
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> WebRoute {
    WebRoute {
        method,
        path,
        handler,
    }
}

/// Every web route.
pub fn routes() -> Vec<WebRoute> {
    use Method as M;
    vec![
        route(M::GET, "/", get(dashboard::show)),
        route(M::GET, "/sign-in", get(signin::form)),
        route(M::POST, "/sign-in", post(signin::submit)),
        route(M::POST, "/sign-out", post(signin::sign_out)),
        route(M::GET, "/static/app.css", get(assets::stylesheet)),
        route(M::GET, "/help/{topic}", get(help::show)),
        route(M::GET, "/programmes", get(programmes::list)),
        route(M::GET, "/programmes/new", get(programmes::admin::new)),
        route(M::POST, "/programmes", post(programmes::admin::create)),
        route(
            M::GET,
            "/programmes/{id}/edit",
            get(programmes::admin::edit),
        ),
        route(
            M::POST,
            "/programmes/{id}/edit",
            post(programmes::admin::update),
        ),
        route(M::GET, "/programmes/{id}", get(programmes::show)),
        route(
            M::POST,
            "/programmes/{id}/information-sessions",
            post(programmes::record_information_session),
        ),
        route(
            M::GET,
            "/programmes/{id}/closures",
            get(programmes::closures::list),
        ),
        route(
            M::POST,
            "/programmes/{id}/closures",
            post(programmes::closures::add),
        ),
        route(
            M::POST,
            "/closures/{id}/remove",
            post(programmes::closures::remove),
        ),
        route(
            M::POST,
            "/participants/{id}/information-sessions",
            post(participants::show::note_information_session),
        ),
        route(M::GET, "/cohorts", get(cohorts::list)),
        route(M::GET, "/cohorts/new", get(cohorts::new)),
        route(M::POST, "/cohorts", post(cohorts::create)),
        route(M::GET, "/cohorts/{id}", get(cohorts::show)),
        route(M::GET, "/cohorts/{id}/edit", get(cohorts::edit)),
        route(
            M::GET,
            "/cohorts/{id}/residents/new",
            get(cohorts::add_resident::new),
        ),
        route(
            M::POST,
            "/cohorts/{id}/residents",
            post(cohorts::add_resident::create),
        ),
        route(
            M::POST,
            "/cohorts/{id}/residents/existing",
            post(cohorts::add_resident::enrol_existing),
        ),
        route(M::GET, "/cohorts/{id}/report", get(reports::cohort)),
        route(M::GET, "/reports", get(reports::programme)),
        route(M::GET, "/cohorts/{id}/import", get(imports::form)),
        route(
            M::GET,
            "/cohorts/{id}/import/template.csv",
            get(imports::template),
        ),
        route(M::POST, "/cohorts/{id}/import", post(imports::check)),
        route(
            M::POST,
            "/cohorts/{id}/import/confirm",
            post(imports::confirm),
        ),
        route(M::POST, "/cohorts/{id}/edit", post(cohorts::update)),
        route(
            M::POST,
            "/cohorts/{id}/sessions/generate",
            post(cohorts::generate),
        ),
        route(M::POST, "/cohorts/{id}/finish", post(cohorts::finish)),
        route(M::GET, "/registers/today", get(registers::today)),
        route(
            M::GET,
            "/registers/outstanding",
            get(registers::outstanding),
        ),
        route(
            M::GET,
            "/cohorts/{id}/schedule/regenerate",
            get(cohorts::regenerate_page),
        ),
        route(
            M::POST,
            "/cohorts/{id}/schedule/regenerate",
            post(cohorts::regenerate),
        ),
        route(
            M::GET,
            "/sessions/{id}/register",
            get(sessions::register_page),
        ),
        route(
            M::POST,
            "/sessions/{id}/register",
            post(sessions::save_register),
        ),
        route(M::GET, "/sessions/{id}/edit", get(sessions::edit)),
        route(M::POST, "/sessions/{id}/edit", post(sessions::update)),
        route(M::GET, "/participants", get(participants::list)),
        route(M::GET, "/participants/new", get(participants::new)),
        route(M::POST, "/participants", post(participants::create)),
        route(M::GET, "/participants/{id}", get(participants::show::show)),
        route(M::GET, "/participants/{id}/edit", get(participants::edit)),
        route(
            M::GET,
            "/participants/{id}/erase",
            get(participants::erasure::confirm_page),
        ),
        route(
            M::POST,
            "/participants/{id}/erase",
            post(participants::erasure::erase),
        ),
        route(
            M::POST,
            "/participants/{id}/edit",
            post(participants::update),
        ),
        route(
            M::POST,
            "/participants/{id}/enrolments",
            post(participants::show::enrol_in_cohort),
        ),
        route(
            M::GET,
            "/participants/{id}/equality",
            get(participants::equality::equality_form),
        ),
        route(
            M::POST,
            "/participants/{id}/equality",
            post(participants::equality::save_equality_form),
        ),
        route(
            M::GET,
            "/participants/{id}/employments/new",
            get(employments::job_start::new),
        ),
        route(
            M::POST,
            "/participants/{id}/employments",
            post(employments::job_start::create),
        ),
        route(M::GET, "/employments/{id}", get(employments::show::show)),
        route(
            M::GET,
            "/employments/{id}/end",
            get(employments::action::end),
        ),
        route(
            M::GET,
            "/employments/{id}/checkpoints/{weeks}",
            get(employments::action::checkpoint),
        ),
        route(
            M::GET,
            "/employments/{id}/progressions/new",
            get(employments::action::progression),
        ),
        route(
            M::POST,
            "/employments/{id}/end",
            post(employments::forms::end),
        ),
        route(
            M::POST,
            "/employments/{id}/checkpoints/{weeks}",
            post(employments::forms::checkpoint),
        ),
        route(
            M::POST,
            "/employments/{id}/progressions",
            post(employments::forms::progression),
        ),
        route(M::GET, "/checkpoints", get(checkpoints::list)),
        route(M::POST, "/checkpoints", post(checkpoints::record)),
        route(M::GET, "/enrolments/{id}", get(enrolments::enrolment_form)),
        route(M::POST, "/enrolments/{id}", post(enrolments::change)),
        route(M::GET, "/account", get(account::show)),
        route(M::GET, "/account/password", get(account::password_form)),
        route(M::POST, "/account/password", post(account::change_password)),
        route(M::POST, "/account/tokens", post(account::create_token)),
        route(
            M::POST,
            "/account/tokens/{id}/revoke",
            post(account::revoke_token),
        ),
        route(
            M::GET,
            "/admin/organisations",
            get(admin::organisations::list),
        ),
        route(
            M::POST,
            "/admin/organisations",
            post(admin::organisations::create),
        ),
        route(M::GET, "/admin/users", get(admin::users::list)),
        route(M::POST, "/admin/users", post(admin::users::create)),
        route(M::GET, "/admin/users/{id}", get(admin::users::show)),
        route(
            M::POST,
            "/admin/users/{id}/role",
            post(admin::users::change_role),
        ),
        route(
            M::POST,
            "/admin/users/{id}/disable",
            post(admin::users::disable),
        ),
        route(
            M::POST,
            "/admin/users/{id}/enable",
            post(admin::users::enable),
        ),
        route(
            M::POST,
            "/admin/users/{id}/password",
            post(admin::users::set_temporary_password),
        ),
    ]
}

/// The web pages as a router.
pub fn router() -> Router<AppState> {
    routes()
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
}

/// Middleware: while a temporary password is in force, a browser session may only change
/// it or sign out.
pub async fn must_change_password(req: Request, next: Next) -> Response {
    let pending = req
        .extensions()
        .get::<CurrentUser>()
        .is_some_and(|u| u.must_change_password && matches!(u.via, AuthVia::Session { .. }));
    let path = req.uri().path();
    if pending && !matches!(path, "/account/password" | "/sign-out" | "/static/app.css") {
        if path.starts_with("/api/") {
            return AppError::Forbidden.into_response();
        }
        return Redirect::to("/account/password").into_response();
    }
    next.run(req).await
}

/// A urlencoded form whose parse failure becomes a 400 [`AppError`] (rendered as a page),
/// not axum's plain-text rejection. Form structs use `String` fields with defaults, so in
/// practice only a malformed body fails here; rules are checked by the handler.
pub struct WebForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for WebForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| WebForm(v))
            .map_err(|_| {
                AppError::bad_request("The form could not be read. Go back and try again.")
            })
    }
}

/// A 303 redirect after a successful POST, so reloading does not submit again.
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}
