//! T-05 over every route: each state-changing route of the web router and of the OpenAPI
//! document, taken from the same tables that build the router, gets the five forgeries
//! (no token, a wrong token, another session's token, a foreign `Origin`, a cross-site
//! fetch) from a signed-in administrator's browser session. Every one answers 403 and
//! nothing changes: no audit event, no row count, and the session still works.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use diesel::prelude::*;
use pathways::auth::Role;

use crate::common::{TestApp, TestClient};

fn forged(
    method: &Method,
    path: &str,
    token: Option<&str>,
    extra: &[(&'static str, &'static str)],
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::HOST, "pathways.test");
    let body = if path.starts_with("/api/") {
        if let Some(token) = token {
            builder = builder.header("x-csrf-token", token);
        }
        builder = builder.header(header::CONTENT_TYPE, "application/json");
        Body::from("{}")
    } else {
        builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let mut fields = vec![("name", "Forged"), ("status", "cancelled")];
        if let Some(token) = token {
            fields.push(("csrf_token", token));
        }
        Body::from(serde_urlencoded::to_string(fields).unwrap())
    };
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    builder.body(body).unwrap()
}

/// Rows in the tables a forged request could change.
async fn row_counts(app: &TestApp) -> Vec<i64> {
    app.state
        .db
        .run(|conn| {
            use pathways::schema::*;
            Ok(vec![
                audit_events::table.count().get_result(conn)?,
                login_sessions::table.count().get_result(conn)?,
                api_tokens::table.count().get_result(conn)?,
                users::table.count().get_result(conn)?,
                participants::table.count().get_result(conn)?,
                enrolments::table.count().get_result(conn)?,
                cohorts::table.count().get_result(conn)?,
                attendance::table.count().get_result(conn)?,
            ])
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn every_state_changing_route_refuses_five_forgeries_and_changes_nothing() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let admin: TestClient = app.login_as(Role::Admin, "Leeds City Council").await;
    let other = app.login_as(Role::Admin, "Leeds City Council").await;
    let token = admin.csrf.clone().unwrap();
    let others = other.csrf.clone().unwrap();
    let before = row_counts(&app).await;

    let routes = crate::routes::writes();
    assert!(routes.len() >= 40, "only {} unsafe routes", routes.len());
    let mut refused = 0;
    for (method, pattern) in &routes {
        let path = crate::routes::concrete(pattern, &d, 0);
        let attempts = [
            ("no token", forged(method, &path, None, &[])),
            (
                "wrong token",
                forged(method, &path, Some("not-the-token"), &[]),
            ),
            (
                "another session's token",
                forged(method, &path, Some(&others), &[]),
            ),
            (
                "foreign origin",
                forged(
                    method,
                    &path,
                    Some(&token),
                    &[("origin", "https://evil.example")],
                ),
            ),
            (
                "cross-site fetch",
                forged(
                    method,
                    &path,
                    Some(&token),
                    &[("sec-fetch-site", "cross-site")],
                ),
            ),
        ];
        for (what, req) in attempts {
            let response = admin.send(req, None).await;
            assert_eq!(
                response.status,
                StatusCode::FORBIDDEN,
                "{method} {pattern}, {what}: {}",
                response.text()
            );
            refused += 1;
        }
    }
    assert_eq!(refused, routes.len() * 5);
    eprintln!("csrf: {} routes, {refused} forgeries refused", routes.len());
    assert_eq!(
        row_counts(&app).await,
        before,
        "a forgery changed something"
    );
    assert_eq!(
        admin.get("/account").await.status,
        StatusCode::OK,
        "a forged sign-out ended the session"
    );
}
