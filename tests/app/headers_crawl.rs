//! T-13 over every route: every GET route of the web router and the API, plus a missing
//! page, a wrong method and the stylesheet, as an anonymous visitor and as each role,
//! carries the security headers; every signed-in response is `no-store`; no response names
//! the server.

use axum::http::{Method, Request, header};
use pathways::auth::Role;

use crate::common::{TestApp, TestClient, TestResponse, employment};

fn check(who: &str, path: &str, r: &TestResponse, signed_in: bool) {
    let has = |name: &str, value: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(value))
    };
    for (name, value) in [
        ("content-security-policy", "default-src 'self'"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("permissions-policy", "camera=()"),
    ] {
        assert!(has(name, value), "{who} {path} ({}): {name}", r.status);
    }
    for name in ["server", "x-powered-by"] {
        assert!(r.headers.get(name).is_none(), "{who} {path}: {name}");
    }
    if signed_in && path != "/static/app.css" {
        assert!(
            has("cache-control", "no-store"),
            "{who} {path} ({}): cache-control",
            r.status
        );
    }
}

#[tokio::test]
async fn every_route_for_every_role_carries_the_security_headers() {
    let app = TestApp::new().await;
    let org = "Leeds City Council";
    let d = app.delivery(org).await;
    let job = employment(&app, &d, org).await;
    let mut paths: Vec<String> = crate::routes::reads()
        .iter()
        .map(|p| crate::routes::concrete(p, &d, job))
        .collect();
    paths.push("/no-such-page".into());
    paths.push("/api/v1/no-such-thing".into());
    paths.push(format!("/cohorts/{}?as_at=not-a-date", d.cohort));

    let mut clients: Vec<(String, TestClient, bool)> =
        vec![("anonymous".into(), app.anon(), false)];
    for role in [Role::Coordinator, Role::Hr, Role::Manager, Role::Admin] {
        clients.push((format!("{role:?}"), app.login_as(role, org).await, true));
        let (id, _) = app.user(role, org).await;
        clients.push((
            format!("{role:?} (token)"),
            app.token_client(id).await,
            true,
        ));
    }
    let mut checked = 0;
    for (who, client, signed_in) in &clients {
        for path in &paths {
            let r = client.get(path).await;
            check(who, path, &r, *signed_in);
            checked += 1;
        }
        // A wrong method on a real route.
        let req = Request::builder()
            .method(Method::DELETE)
            .uri("/cohorts")
            .header(header::HOST, "pathways.test")
            .body(axum::body::Body::empty())
            .unwrap();
        let r = client.send(req, None).await;
        check(who, "DELETE /cohorts", &r, *signed_in);
        checked += 1;
    }
    eprintln!("headers: {checked} responses checked");
    assert!(checked >= 9 * 50, "only {checked} responses checked");
}
