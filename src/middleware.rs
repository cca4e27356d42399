//! Cross-cutting HTTP behaviour: security headers on every response, request logs that
//! carry no personal data, one error shape for every error response, and a panic turned
//! into a plain 500.

use std::any::Any;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Response, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use tracing::Instrument;

use crate::error::{AppError, RenderedError};
use crate::state::AppState;

/// The most of a plain-text error body kept as the error's message.
const MAX_REJECTION_TEXT: usize = 2048;

const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Middleware: adds the security headers to every response, errors and downloads included.
pub async fn security_headers(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Pages and data are personal: never cached. Only the stylesheet sets its own policy.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    // JSON is UTF-8; say so, as every other response does.
    if headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == "application/json")
    {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    headers.remove(header::SERVER);
    response
}

/// Middleware: gives every error response that did not come from [`AppError`] (axum's own
/// rejections, the body limit's 413, a 405) the JSON error shape and the facts the HTML
/// renderer needs, so the API never answers in plain text and the web shows its error page.
pub async fn error_shape(req: Request, next: Next) -> Response<Body> {
    let response = next.run(req).await;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    // Only bare errors are reshaped: axum's rejections and the body limit answer in plain
    // text or with no body. Our own errors, the import's JSON report of bad rows and the
    // web forms shown again with their problems (HTML) are left as they are.
    let is_bare = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !is_error || !is_bare || response.extensions().get::<RenderedError>().is_some() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let mut rendered = RenderedError::for_status(status);
    // axum's 400s and 422s explain themselves ("… limit: invalid digit found in string"):
    // keep that sentence, which names the field.
    if matches!(
        status,
        axum::http::StatusCode::BAD_REQUEST | axum::http::StatusCode::UNPROCESSABLE_ENTITY
    ) && let Ok(bytes) = axum::body::to_bytes(body, MAX_REJECTION_TEXT).await
        && let Ok(text) = std::str::from_utf8(&bytes)
        && !text.trim().is_empty()
    {
        rendered.message = text.trim().to_owned();
    }
    let mut shaped = rendered.into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            shaped.headers_mut().insert(name, value.clone());
        }
    }
    shaped
}

/// The route of a request that matched none: a fixed mark, never the raw path, which
/// could carry anything a caller typed (a name, an email).
pub const UNMATCHED_ROUTE: &str = "-";

/// Middleware: one INFO line per request, after the response, with the method, the route
/// pattern as declared (`/participants/{id}`, never the path with its ids, nor the query
/// string, which may hold a search for a name), the status and the time taken in
/// milliseconds. Refused requests (401, 403, 404) are on record at the default level.
/// Events logged while the request runs sit in a `request` span naming the same method
/// and route.
pub async fn log_request(req: Request, next: Next) -> Response<Body> {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    let started = Instant::now();
    let span = tracing::info_span!("request", method = %method, route = %route);
    let response = next.run(req).instrument(span).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: "pathways::request",
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        latency_ms = (latency_ms * 10.0).round() / 10.0,
        "request"
    );
    response
}

/// Turns a panic into the same opaque 500 as any other internal fault.
pub fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    AppError::Internal(anyhow::anyhow!("panic")).into_response()
}
