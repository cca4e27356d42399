//! Security headers on every kind of response, and the JSON error shape on every API
//! error, including the ones that do not come from a handler (body limit, panics, 405).

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::routing::get;
use pathways::auth::Role;

use crate::common::{TestApp, TestClient, TestResponse};

fn assert_security_headers(what: &str, r: &TestResponse) {
    let h = |name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        h("content-security-policy"),
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        "{what}"
    );
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "same-origin", "{what}");
    assert_eq!(h("cross-origin-opener-policy"), "same-origin", "{what}");
    assert!(r.headers.get("server").is_none(), "{what}");
    assert!(
        h("content-type").contains("charset=utf-8"),
        "{what}: {}",
        h("content-type")
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let anon = app.anon();
    let manager = app.login_as(Role::Manager, "Leeds City Council").await;
    let cases = [
        ("sign-in page", anon.get("/sign-in").await),
        ("stylesheet", anon.get("/static/app.css").await),
        ("health", anon.get("/healthz").await),
        ("web 404", manager.get("/no/such/page").await),
        ("api 401", anon.get("/api/v1/me").await),
        ("api 404", manager.get("/api/v1/programmes/999").await),
        ("web 403", manager.get("/admin/users").await),
        ("dashboard", manager.get("/").await),
        ("api json", manager.get("/api/v1/me").await),
        (
            "405",
            manager
                .json(Method::DELETE, "/api/v1/me", serde_json::json!({}))
                .await,
        ),
    ];
    for (what, response) in &cases {
        assert_security_headers(what, response);
    }
    assert_eq!(cases[9].1.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// The documented API error envelope: `{"error": {"code", "message", "fields"}}` as JSON.
fn assert_error_shape(what: &str, r: &TestResponse, code: &str) {
    assert!(
        r.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "{what}: {:?}",
        r.headers.get("content-type")
    );
    let body = r.json();
    assert_eq!(body["error"]["code"], code, "{what}: {body}");
    assert!(body["error"]["message"].is_string(), "{what}: {body}");
    assert!(body["error"]["fields"].is_object(), "{what}: {body}");
}

fn raw(method: Method, path: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

/// A request over the body limit (10 MiB), announced by its Content-Length.
fn oversized(path: &str) -> Request<Body> {
    let size = pathways::app::MAX_BODY_BYTES + 1;
    let mut req = raw(Method::POST, path, "application/json", vec![b' '; size]);
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, size.to_string().parse().unwrap());
    req
}

async fn error_cases(app: &TestApp) -> Vec<(&'static str, TestResponse, StatusCode, &'static str)> {
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    vec![
        (
            "api 413",
            api.send(oversized("/api/v1/organisations"), None).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "api malformed JSON",
            api.send(
                raw(
                    Method::POST,
                    "/api/v1/organisations",
                    "application/json",
                    "{\"name\":",
                ),
                None,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "api 405",
            api.json(Method::DELETE, "/api/v1/me", serde_json::json!({}))
                .await,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "api 404",
            api.get("/api/v1/no/such/thing").await,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "api query of the wrong type",
            api.get("/api/v1/cohorts?programme_id=abc").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ]
}

#[tokio::test]
async fn api_errors_from_outside_the_handlers_carry_headers_and_the_json_shape() {
    let app = TestApp::with_config(true).await;
    for (what, response, status, code) in error_cases(&app).await {
        assert_eq!(response.status, status, "{what}: {}", response.text());
        assert_security_headers(what, &response);
        assert_eq!(
            response.headers.get("cache-control").unwrap(),
            "no-store",
            "{what}"
        );
        assert!(
            response.headers.get("strict-transport-security").is_some(),
            "{what}"
        );
        assert_error_shape(what, &response, code);
    }
}

#[tokio::test]
async fn query_parameters_of_the_wrong_type_are_named() {
    let app = TestApp::new().await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let response = app
        .token_client(admin)
        .await
        .get("/api/v1/cohorts?programme_id=abc")
        .await;
    let body = response.json();
    assert!(
        body["error"]["fields"]["programme_id"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn web_413_is_an_html_page_with_the_headers() {
    let app = TestApp::new().await;
    let response = app.anon().send(oversized("/sign-in"), None).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_security_headers("web 413", &response);
    assert!(
        response.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        response.headers["content-type"]
    );
}

#[tokio::test]
async fn a_panic_answers_500_with_the_headers_and_the_error_shape() {
    let app = TestApp::with_config(true).await;
    let panicking = Router::new()
        .route("/api/v1/boom", get(|| async { panic_now() }))
        .route("/boom", get(|| async { panic_now() }));
    let client = TestClient {
        router: pathways::app::with_layers(panicking, app.state.clone()),
        ..app.anon()
    };
    let api = client.get("/api/v1/boom").await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_security_headers("api panic", &api);
    assert_eq!(api.headers["cache-control"], "no-store");
    assert!(api.headers.get("strict-transport-security").is_some());
    assert_error_shape("api panic", &api, "internal_error");
    let web = client.get("/boom").await;
    assert_eq!(web.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_security_headers("web panic", &web);
    assert!(web.text().contains("<html"), "{}", web.text());
}

fn panic_now() -> &'static str {
    panic!("a handler fault, on purpose")
}

#[tokio::test]
async fn signed_in_responses_are_never_cached() {
    let app = TestApp::new().await;
    let manager = app.login_as(Role::Manager, "Leeds City Council").await;
    for path in ["/", "/account", "/api/v1/me", "/programmes"] {
        let response = manager.get(path).await;
        assert_eq!(
            response.headers.get("cache-control").unwrap(),
            "no-store",
            "{path}"
        );
    }
}

#[tokio::test]
async fn health_check_answers_ok() {
    let app = TestApp::new().await;
    let response = app.anon().get("/healthz").await;
    assert_eq!(
        (response.status, response.text().as_str()),
        (StatusCode::OK, "ok")
    );
}
