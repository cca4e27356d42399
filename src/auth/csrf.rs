//! Cross-site request forgery defence for every state-changing request:
//! 1. refuse when the browser says the request is cross-site (`Sec-Fetch-Site`) or sends
//!    a foreign `Origin`;
//! 2. for browser sessions, require the session's synchronizer token, in the form field
//!    `csrf_token` or the `X-CSRF-Token` header;
//! 3. before sign-in, require the sign-in form's double-submit token.
//!
//! Bearer-token API calls carry no cookies, so only step 1 applies to them.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::session::read_cookie;
use super::tokens::constant_time_eq;
use super::{AuthVia, CurrentUser};
use crate::app::AppState;
use crate::error::AppError;

/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrf_token";
/// The header that carries the token for scripted calls made with a session.
pub const HEADER: &str = "x-csrf-token";
/// The most a form body may hold (forms are small; uploads are multipart).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Middleware: runs after `session::authenticate`.
pub async fn verify(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if is_cross_site(req.headers()) {
        tracing::warn!(path = req.uri().path(), "cross-site request refused");
        return AppError::CsrfRejected.into_response();
    }
    let expected = match req.extensions().get::<CurrentUser>().map(|u| &u.via) {
        Some(AuthVia::Token { .. }) => return next.run(req).await,
        Some(AuthVia::Session { csrf_token, .. }) => Some(csrf_token.clone()),
        // Anonymous API calls fall through to the handler's 401.
        None if req.uri().path().starts_with("/api/") => return next.run(req).await,
        None => read_cookie(req.headers(), state.config.signin_csrf_cookie_name()),
    };
    let Some(expected) = expected else {
        return AppError::CsrfRejected.into_response();
    };
    match submitted_token(req).await {
        Ok((Some(sent), req)) if constant_time_eq(&sent, &expected) => next.run(req).await,
        Ok(_) => {
            tracing::warn!("request with a missing or wrong CSRF token refused");
            AppError::CsrfRejected.into_response()
        }
        Err(response) => response,
    }
}

/// True when the browser marks the request as coming from another site, or its `Origin`
/// is not this host.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, authority)| authority.trim_end_matches('/'));
    match (origin_host, host) {
        (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
        _ => true,
    }
}

/// The token the request carries (header, or the urlencoded form field), with the
/// request rebuilt around its buffered body.
async fn submitted_token(req: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(v) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        let token = v.to_owned();
        return Ok((Some(token), req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        let from_query = req.uri().query().and_then(|q| field_value(q.as_bytes()));
        return Ok((from_query, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::bad_request("The form is too large.").into_response())?;
    let token = field_value(&bytes);
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

fn field_value(encoded: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FORM_FIELD)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cross_site_signals_are_refused() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(is_cross_site(&headers(&[
            ("host", "pathways.test"),
            ("origin", "https://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "pathways.test"),
            ("origin", "null")
        ])));
        assert!(!is_cross_site(&headers(&[
            ("host", "pathways.test"),
            ("origin", "https://pathways.test")
        ])));
        assert!(!is_cross_site(&headers(&[("host", "pathways.test")])));
    }

    #[test]
    fn form_field_is_found_among_others() {
        assert_eq!(
            field_value(b"a=1&csrf_token=abc%2B&b=2").as_deref(),
            Some("abc+")
        );
        assert_eq!(field_value(b"a=1"), None);
    }
}
