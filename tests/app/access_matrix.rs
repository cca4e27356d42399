//! The role × route matrix, kept as data. Every route of the web router and of the
//! OpenAPI document must appear here (a test fails otherwise), and every cell is checked
//! by a real request: anonymous, then each role with its own fresh session.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use pathways::auth::Role;
use serde_json::json;

use crate::common::{TestApp, TestClient, TestResponse};

/// What one role may do with a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    /// Reaches the handler and is served (2xx, 3xx, or 4xx about the input).
    Allow,
    /// Refused with 403.
    Deny,
}
use Cell::{Allow as A, Deny as D};

/// How an anonymous caller fares.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Anon {
    /// Served without signing in.
    Public,
    /// Asked to sign in (web: 303 to /sign-in; API: 401; web forms: 403 without a token).
    SignIn,
    /// Exercised by its own tests (the sign-in form needs its double-submit token).
    Elsewhere,
}

/// (method, path, anonymous, [coordinator, hr, manager, admin]).
#[rustfmt::skip]
const MATRIX: &[(&str, &str, Anon, [Cell; 4])] = &[
    ("GET", "/", Anon::SignIn, [A, A, A, A]),
    ("GET", "/sign-in", Anon::Public, [A, A, A, A]),
    ("POST", "/sign-in", Anon::Elsewhere, [A, A, A, A]),
    ("POST", "/sign-out", Anon::SignIn, [A, A, A, A]),
    ("GET", "/static/app.css", Anon::Public, [A, A, A, A]),
    ("GET", "/help/{topic}", Anon::Public, [A, A, A, A]),
    ("GET", "/programmes", Anon::SignIn, [A, A, A, A]),
    ("GET", "/programmes/{id}", Anon::SignIn, [A, A, A, A]),
    ("GET", "/programmes/new", Anon::SignIn, [D, D, D, A]),
    ("POST", "/programmes", Anon::SignIn, [D, D, D, A]),
    ("GET", "/programmes/{id}/edit", Anon::SignIn, [D, D, D, A]),
    ("POST", "/programmes/{id}/edit", Anon::SignIn, [D, D, D, A]),
    ("POST", "/programmes/{id}/information-sessions", Anon::SignIn, [A, D, D, A]),
    ("GET", "/programmes/{id}/closures", Anon::SignIn, [A, A, A, A]),
    ("POST", "/programmes/{id}/closures", Anon::SignIn, [D, D, D, A]),
    ("POST", "/closures/{id}/remove", Anon::SignIn, [D, D, D, A]),
    ("POST", "/participants/{id}/information-sessions", Anon::SignIn, [A, D, D, A]),
    ("GET", "/cohorts", Anon::SignIn, [A, A, A, A]),
    ("GET", "/cohorts/new", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts", Anon::SignIn, [A, D, D, A]),
    ("GET", "/cohorts/{id}", Anon::SignIn, [A, A, A, A]),
    ("GET", "/cohorts/{id}/edit", Anon::SignIn, [A, D, D, A]),
    ("GET", "/cohorts/{id}/report", Anon::SignIn, [A, A, A, A]),
    ("GET", "/reports", Anon::SignIn, [A, A, A, A]),
    ("POST", "/cohorts/{id}/edit", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts/{id}/sessions/generate", Anon::SignIn, [A, D, D, A]),
    ("GET", "/cohorts/{id}/schedule/regenerate", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts/{id}/schedule/regenerate", Anon::SignIn, [A, D, D, A]),
    ("GET", "/cohorts/{id}/import", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts/{id}/import", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts/{id}/import/confirm", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts/{id}/finish", Anon::SignIn, [A, D, D, A]),
    ("GET", "/registers/today", Anon::SignIn, [A, D, D, A]),
    ("GET", "/registers/outstanding", Anon::SignIn, [A, D, D, A]),
    ("GET", "/cohorts/{id}/import/template.csv", Anon::SignIn, [A, D, D, A]),
    ("GET", "/cohorts/{id}/residents/new", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts/{id}/residents", Anon::SignIn, [A, D, D, A]),
    ("POST", "/cohorts/{id}/residents/existing", Anon::SignIn, [A, D, D, A]),
    ("GET", "/sessions/{id}/register", Anon::SignIn, [A, A, A, A]),
    ("POST", "/sessions/{id}/register", Anon::SignIn, [A, D, D, A]),
    ("GET", "/sessions/{id}/edit", Anon::SignIn, [A, D, D, A]),
    ("POST", "/sessions/{id}/edit", Anon::SignIn, [A, D, D, A]),
    ("GET", "/participants", Anon::SignIn, [A, A, A, A]),
    ("GET", "/participants/new", Anon::SignIn, [A, D, D, A]),
    ("POST", "/participants", Anon::SignIn, [A, D, D, A]),
    ("GET", "/participants/{id}", Anon::SignIn, [A, A, A, A]),
    ("GET", "/participants/{id}/edit", Anon::SignIn, [A, D, D, A]),
    ("GET", "/participants/{id}/erase", Anon::SignIn, [D, D, D, A]),
    ("POST", "/participants/{id}/erase", Anon::SignIn, [D, D, D, A]),
    ("POST", "/participants/{id}/edit", Anon::SignIn, [A, D, D, A]),
    ("POST", "/participants/{id}/enrolments", Anon::SignIn, [A, D, D, A]),
    ("GET", "/participants/{id}/equality", Anon::SignIn, [A, D, D, A]),
    ("POST", "/participants/{id}/equality", Anon::SignIn, [A, D, D, A]),
    ("GET", "/participants/{id}/employments/new", Anon::SignIn, [A, A, D, A]),
    ("POST", "/participants/{id}/employments", Anon::SignIn, [A, A, D, A]),
    ("GET", "/employments/{id}", Anon::SignIn, [A, A, A, A]),
    ("GET", "/employments/{id}/end", Anon::SignIn, [A, A, D, A]),
    ("POST", "/employments/{id}/end", Anon::SignIn, [A, A, D, A]),
    ("GET", "/employments/{id}/checkpoints/{weeks}", Anon::SignIn, [A, A, D, A]),
    ("GET", "/employments/{id}/progressions/new", Anon::SignIn, [A, A, D, A]),
    ("POST", "/employments/{id}/checkpoints/{weeks}", Anon::SignIn, [A, A, D, A]),
    ("POST", "/employments/{id}/progressions", Anon::SignIn, [A, A, D, A]),
    ("GET", "/checkpoints", Anon::SignIn, [A, A, A, A]),
    ("POST", "/checkpoints", Anon::SignIn, [A, A, D, A]),
    ("GET", "/enrolments/{id}", Anon::SignIn, [A, D, D, A]),
    ("POST", "/enrolments/{id}", Anon::SignIn, [A, D, D, A]),
    ("GET", "/account", Anon::SignIn, [A, A, A, A]),
    ("GET", "/account/password", Anon::SignIn, [A, A, A, A]),
    ("POST", "/account/password", Anon::SignIn, [A, A, A, A]),
    ("POST", "/account/tokens", Anon::SignIn, [A, A, A, A]),
    ("POST", "/account/tokens/{id}/revoke", Anon::SignIn, [A, A, A, A]),
    ("GET", "/admin/organisations", Anon::SignIn, [D, D, D, A]),
    ("POST", "/admin/organisations", Anon::SignIn, [D, D, D, A]),
    ("GET", "/admin/users", Anon::SignIn, [D, D, D, A]),
    ("POST", "/admin/users", Anon::SignIn, [D, D, D, A]),
    ("GET", "/admin/users/{id}", Anon::SignIn, [D, D, D, A]),
    ("POST", "/admin/users/{id}/role", Anon::SignIn, [D, D, D, A]),
    ("POST", "/admin/users/{id}/disable", Anon::SignIn, [D, D, D, A]),
    ("POST", "/admin/users/{id}/enable", Anon::SignIn, [D, D, D, A]),
    ("POST", "/admin/users/{id}/password", Anon::SignIn, [D, D, D, A]),
    ("GET", "/api/v1/me", Anon::SignIn, [A, A, A, A]),
    ("GET", "/api/v1/organisations", Anon::SignIn, [A, A, A, A]),
    ("POST", "/api/v1/organisations", Anon::SignIn, [D, D, D, A]),
    ("GET", "/api/v1/programmes", Anon::SignIn, [A, A, A, A]),
    ("POST", "/api/v1/programmes", Anon::SignIn, [D, D, D, A]),
    ("GET", "/api/v1/programmes/{id}", Anon::SignIn, [A, A, A, A]),
    ("PATCH", "/api/v1/programmes/{id}", Anon::SignIn, [D, D, D, A]),
    ("GET", "/api/v1/openapi.json", Anon::Public, [A, A, A, A]),
    ("GET", "/api/v1/cohorts", Anon::SignIn, [A, A, A, A]),
    ("POST", "/api/v1/cohorts", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/cohorts/{id}", Anon::SignIn, [A, A, A, A]),
    ("PATCH", "/api/v1/cohorts/{id}", Anon::SignIn, [A, D, D, A]),
    ("POST", "/api/v1/cohorts/{id}/sessions/generate", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/cohorts/{id}/sessions", Anon::SignIn, [A, A, A, A]),
    ("GET", "/api/v1/cohorts/{id}/enrolments", Anon::SignIn, [A, A, A, A]),
    ("POST", "/api/v1/cohorts/{id}/enrolments", Anon::SignIn, [A, D, D, A]),
    ("POST", "/api/v1/cohorts/{id}/import", Anon::SignIn, [A, D, D, A]),
    ("PATCH", "/api/v1/sessions/{id}", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/sessions/{id}/attendance", Anon::SignIn, [A, A, A, A]),
    ("PUT", "/api/v1/sessions/{id}/attendance", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/registers/outstanding", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/participants", Anon::SignIn, [A, A, A, A]),
    ("POST", "/api/v1/participants", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/participants/{id}", Anon::SignIn, [A, A, A, A]),
    ("PATCH", "/api/v1/participants/{id}", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/participants/{id}/equality", Anon::SignIn, [A, D, D, A]),
    ("PUT", "/api/v1/participants/{id}/equality", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/participants/{id}/export", Anon::SignIn, [A, D, D, A]),
    ("PATCH", "/api/v1/enrolments/{id}", Anon::SignIn, [A, D, D, A]),
    ("GET", "/api/v1/programmes/{id}/information-sessions", Anon::SignIn, [A, A, A, A]),
    ("POST", "/api/v1/programmes/{id}/information-sessions", Anon::SignIn, [A, D, D, A]),
    ("POST", "/api/v1/information-sessions/{id}/attendees", Anon::SignIn, [A, D, D, A]),
    ("POST", "/api/v1/employments", Anon::SignIn, [A, A, D, A]),
    ("GET", "/api/v1/employments/{id}", Anon::SignIn, [A, A, A, A]),
    ("PATCH", "/api/v1/employments/{id}", Anon::SignIn, [A, A, D, A]),
    ("PUT", "/api/v1/employments/{id}/checkpoints/{weeks}", Anon::SignIn, [A, A, D, A]),
    ("POST", "/api/v1/employments/{id}/progressions", Anon::SignIn, [A, A, D, A]),
    ("GET", "/api/v1/checkpoints", Anon::SignIn, [A, A, A, A]),
    ("GET", "/api/v1/participants/{id}/employments", Anon::SignIn, [A, A, A, A]),
    ("GET", "/api/v1/cohorts/{id}/report", Anon::SignIn, [A, A, A, A]),
    ("GET", "/api/v1/cohorts/{id}/report.csv", Anon::SignIn, [A, D, A, A]),
    ("GET", "/api/v1/cohorts/{id}/participants.csv", Anon::SignIn, [A, D, A, A]),
    ("GET", "/api/v1/reports/programme.csv", Anon::SignIn, [A, D, A, A]),
];

/// Every (method, path) the application serves.
fn served_routes() -> BTreeSet<(String, String)> {
    let mut routes: BTreeSet<(String, String)> = pathways::web::routes()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let doc = serde_json::to_value(pathways::api::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

#[test]
fn every_route_is_in_the_matrix_and_every_row_is_a_route() {
    let served = served_routes();
    let listed: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let unlisted: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        unlisted.is_empty(),
        "routes missing from the access matrix: {unlisted:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for routes that do not exist: {stale:?}"
    );
    assert_eq!(listed.len(), MATRIX.len(), "a route is listed twice");
}

struct Fixture {
    delivery: crate::common::Delivery,
    information_session: i32,
    employment: i32,
    victim: i32,
    closure: i32,
}

/// The object a path's `{id}` stands for.
fn object_id(path: &str, fx: &Fixture) -> i32 {
    let d = &fx.delivery;
    match path {
        p if p.starts_with("/admin/users/") => fx.victim,
        p if p.starts_with("/closures/") => fx.closure,
        p if p.contains("/information-sessions/") => fx.information_session,
        p if p.starts_with("/participants/{id}/employments") => d.participant,
        p if p.contains("/employments/") => fx.employment,
        p if p.contains("/cohorts/") => d.cohort,
        p if p.contains("/sessions/") => d.sessions[0],
        p if p.contains("/participants/") => d.participant,
        p if p.contains("/enrolments/") => d.enrolment,
        _ => d.programme,
    }
}

async fn concrete_path(app: &TestApp, client: &TestClient, path: &str, fx: &Fixture) -> String {
    if path.starts_with("/account/tokens/{id}") {
        let me = client.get("/api/v1/me").await.json()["id"]
            .as_i64()
            .unwrap() as i32;
        pathways::auth::accounts::create_api_token(&app.state, me, "matrix")
            .await
            .unwrap();
        let id = app
            .state
            .db
            .run(move |conn| Ok(pathways::models::ApiToken::list_for_user(conn, me)?[0].id))
            .await
            .unwrap();
        return path.replace("{id}", &id.to_string());
    }
    path.replace("{id}", &object_id(path, fx).to_string())
        .replace("{topic}", "privacy")
        .replace("{weeks}", "13")
}

async fn call(client: &TestClient, method: &str, path: &str) -> TestResponse {
    match method {
        "GET" => client.get(path).await,
        "POST" if !path.starts_with("/api/") => client.post_form(path, &[]).await,
        m => {
            client
                .json(Method::from_bytes(m.as_bytes()).unwrap(), path, json!({}))
                .await
        }
    }
}

#[tokio::test]
async fn every_cell_of_the_matrix_holds() {
    let app = TestApp::new().await;
    let delivery = app.delivery("Leeds City Council").await;
    let (programme, now) = (delivery.programme, app.state.clock.now());
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
    let information_session = app
        .state
        .db
        .run(move |conn| {
            let (actor, _) = (1, ());
            let fields = (date, "Harehills community centre".to_owned(), 30);
            Ok(
                pathways::models::information_session::create(conn, actor, programme, fields, now)?
                    .id,
            )
        })
        .await
        .unwrap();
    let employment = crate::common::employment(&app, &delivery, "Leeds City Council").await;
    let closure = app
        .state
        .db
        .run(move |conn| {
            let on = chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
            let closure = pathways::models::closure::ClosureDay::create(
                conn,
                programme,
                on,
                "Site closure",
                1,
                now,
            )?;
            Ok(closure.id)
        })
        .await
        .unwrap();
    let fx = Fixture {
        closure,
        delivery,
        information_session,
        employment,
        victim: app.user(Role::Manager, "Leeds City Council").await.0,
    };
    let mut failures = Vec::new();
    for (method, template, anon, cells) in MATRIX {
        // Anonymous.
        if *anon != Anon::Elsewhere {
            let client = app.anon();
            let path = template
                .replace("{id}", &object_id(template, &fx).to_string())
                .replace("{topic}", "privacy")
                .replace("{weeks}", "13");
            let r = call(&client, method, &path).await;
            let ok = match (anon, *method, template.starts_with("/api/")) {
                (Anon::Public, _, _) => r.status.is_success(),
                (_, _, true) => r.status == StatusCode::UNAUTHORIZED,
                (_, "GET", false) => r.location().as_deref() == Some("/sign-in"),
                _ => r.status == StatusCode::FORBIDDEN,
            };
            if !ok {
                failures.push(format!("anonymous {method} {path}: {}", r.status));
            }
        }
        // Each role, with a fresh session.
        for (role, cell) in Role::ALL.iter().zip(cells) {
            if *anon == Anon::Elsewhere {
                continue;
            }
            let client = app.login_as(*role, "Leeds City Council").await;
            let path = concrete_path(&app, &client, template, &fx).await;
            let r = call(&client, method, &path).await;
            let denied = r.status == StatusCode::FORBIDDEN;
            let reached = !denied
                && r.status != StatusCode::UNAUTHORIZED
                && r.status != StatusCode::NOT_FOUND
                && !r.status.is_server_error();
            let ok = match cell {
                Cell::Allow => reached,
                Cell::Deny => denied,
            };
            if !ok {
                failures.push(format!(
                    "{role:?} {method} {path}: expected {cell:?}, got {}",
                    r.status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn outsiders_get_404_for_every_object_route_of_a_programme_they_do_not_partner() {
    let app = TestApp::new().await;
    let programme = app
        .programme("Facilities Technician", &["Leeds City Council"])
        .await;
    for role in [Role::Coordinator, Role::Hr, Role::Manager] {
        let outsider = app.login_as(role, "Bradford Council").await;
        for path in [
            format!("/programmes/{programme}"),
            format!("/api/v1/programmes/{programme}"),
        ] {
            let r = outsider.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{role:?} {path}");
            assert!(
                !r.text().contains("Facilities Technician"),
                "{role:?} {path}"
            );
        }
        assert!(
            !outsider
                .get("/programmes")
                .await
                .text()
                .contains("Facilities Technician")
        );
        assert!(
            !outsider
                .get("/")
                .await
                .text()
                .contains("Facilities Technician")
        );
    }
}
