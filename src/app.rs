//! The application state shared by every request, and the router that puts the web
//! pages, the JSON API and the middleware together.

use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::auth::{csrf, session};
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::downloads::{ExportLimits, Exports};
use crate::error::AppError;
use crate::{api, middleware, web};

/// The largest request body accepted (CSV imports are the biggest bodies).
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What every handler can reach. Holds no per-user state: sessions, throttles and tokens
/// live in the database so any number of app servers can share one PostgreSQL.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: Db,
    /// Settings.
    pub config: Arc<Config>,
    /// Source of "now".
    pub clock: Arc<dyn Clock>,
    /// Turns for CSV downloads, which each hold a connection while they stream.
    pub exports: Exports,
}

impl AppState {
    /// State over `db` with the given settings and clock.
    pub fn new(db: Db, config: Config, clock: Arc<dyn Clock>) -> Self {
        let exports = Exports::new(ExportLimits::for_backend(db.backend()));
        Self {
            db,
            config: Arc::new(config),
            clock,
            exports,
        }
    }
}

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
        .layer(middleware::trace_layer())
        .with_state(state)
}

/// Liveness and database reachability, for load balancers.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, AppError> {
    state.db.run(crate::db::ping).await?;
    Ok("ok")
}
