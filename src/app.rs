//! The router that puts the web pages, the JSON API and the middleware together over the
//! [`AppState`] of `crate::state`.

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::auth::{csrf, session};
use crate::error::AppError;
use crate::state::AppState;
use crate::{api, middleware, web};

pub use crate::state::MAX_BODY_BYTES;

/// The whole application as one router.
pub fn build_router(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    let routes = Router::new()
        .merge(web::router())
        .merge(api_router)
        .route("/healthz", get(healthz))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed });
    with_layers(routes, state)
}

/// `routes` wrapped in the application's middleware: sign-in and CSRF checks, panics caught,
/// the body limit, one error shape, HTML error pages outside the API, security headers and
/// request logs. Public so tests can put a route of their own (one that panics) behind the
/// same layers.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(from_fn(web::must_change_password))
        .layer(from_fn_with_state(state.clone(), csrf::verify))
        .layer(from_fn_with_state(state.clone(), session::authenticate))
        // Outermost last: every response, the body limit's 413 and a panic's 500 included,
        // gets the error shape, then the HTML page outside the API, then the headers.
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(from_fn(middleware::error_shape))
        .layer(from_fn(web::errors::render_html_errors))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(from_fn(middleware::log_request))
        .with_state(state)
}

/// Liveness and database reachability, for load balancers.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, AppError> {
    state.db.run(crate::db::ping).await?;
    Ok("ok")
}
