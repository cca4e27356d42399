//! Security headers on every kind of response.

use axum::http::{Method, StatusCode};
use pathways::auth::Role;

use crate::common::{TestApp, TestResponse};

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
