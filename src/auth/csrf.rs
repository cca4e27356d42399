//! Cross-site request forgery defence for every state-changing request:
//! 1. refuse when the browser says the request is cross-site (`Sec-Fetch-Site`) or sends
//!    a foreign `Origin`;
//! 2. for browser sessions, require the session's synchronizer token, in the form field
//!    `csrf_token` (urlencoded or multipart) or the `X-CSRF-Token` header, never in the
//!    URL;
//! 3. before sign-in, require the sign-in form's double-submit token.
//!
//! Bearer-token API calls carry no cookies, so only step 1 applies to them.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::session::read_cookie;
use super::tokens::constant_time_eq;
use super::{AuthVia, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;

/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrf_token";
/// The header that carries the token for scripted calls made with a session.
pub const HEADER: &str = "x-csrf-token";
/// The most a form body may hold (forms are small; uploads are multipart).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;
/// The most a body may hold before sign-in: the only form then is the sign-in form, a few
/// hundred bytes, so anonymous clients cannot make the server buffer megabytes.
const MAX_ANONYMOUS_BYTES: usize = 16 * 1024;

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
    let signed_in = req.extensions().get::<CurrentUser>().is_some();
    match submitted_token(req, signed_in).await {
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

/// The token the request carries: the `X-CSRF-Token` header, or the `csrf_token` field of
/// a urlencoded or multipart form body, with the request rebuilt around the buffered body.
/// Never the query string: URLs end up in browser history, proxy logs and `Referer`.
async fn submitted_token(
    req: Request,
    signed_in: bool,
) -> Result<(Option<String>, Request), Response> {
    if let Some(v) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        let token = v.to_owned();
        return Ok((Some(token), req));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body_kind = if content_type.starts_with("application/x-www-form-urlencoded") {
        BodyKind::UrlEncoded
    } else if content_type.starts_with("multipart/form-data") {
        BodyKind::Multipart
    } else {
        return Ok((None, req));
    };
    let limit = match (signed_in, body_kind) {
        (false, _) => MAX_ANONYMOUS_BYTES,
        (true, BodyKind::UrlEncoded) => MAX_FORM_BYTES,
        (true, BodyKind::Multipart) => crate::state::MAX_BODY_BYTES,
    };
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| AppError::bad_request("The form is too large.").into_response())?;
    let token = match body_kind {
        BodyKind::UrlEncoded => field_value(&bytes),
        BodyKind::Multipart => multipart_field_value(bytes.clone(), &content_type).await,
    };
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

#[derive(Debug, Clone, Copy)]
enum BodyKind {
    UrlEncoded,
    Multipart,
}

/// The `csrf_token` field of a buffered multipart body (forms put it first, so the rest is
/// rarely parsed).
async fn multipart_field_value(bytes: Bytes, content_type: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let limits = multer::SizeLimit::new().for_field(FORM_FIELD, 1024);
    let constraints = multer::Constraints::new().size_limit(limits);
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(FORM_FIELD) {
            return field.text().await.ok();
        }
    }
    None
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

    #[tokio::test]
    async fn multipart_field_is_found_and_the_query_is_ignored() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx,y\r\n\
                    --b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--b--\r\n";
        let found =
            multipart_field_value(Bytes::from(body), "multipart/form-data; boundary=b").await;
        assert_eq!(found.as_deref(), Some("abc"));
        let req = Request::post("/cohorts/1/import?csrf_token=abc")
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::empty())
            .unwrap();
        let (token, _) = submitted_token(req, true).await.unwrap();
        assert_eq!(token, None);
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
