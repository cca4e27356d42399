//! T-08 (field level): a resident's equality answers hold a rare sentinel (ethnic group
//! "White: Roma"); every GET route of the web router and of the API, as a manager and as
//! HR, through a browser session and an API token, returns none of it — pages, JSON and
//! CSV alike — while a coordinator does see it.

use axum::http::{Method, StatusCode};
use pathways::auth::Role;
use serde_json::json;

use crate::common::{TestApp, TestClient, employment};

const SENTINELS: [&str; 3] = ["white_roma", "White: Roma", "Roma"];

async fn crawl(who: &str, client: &TestClient, paths: &[String]) -> usize {
    let mut served = 0;
    for path in paths {
        let response = client.get(path).await;
        assert!(
            !response.status.is_server_error(),
            "{who} {path}: {}",
            response.status
        );
        let body = response.text();
        for sentinel in SENTINELS {
            assert!(!body.contains(sentinel), "{who} {path} shows {sentinel:?}");
        }
        if response.status == StatusCode::OK {
            served += 1;
        }
    }
    served
}

#[tokio::test]
async fn managers_and_hr_never_receive_equality_answers_from_any_route() {
    let app = TestApp::new().await;
    let org = "Learning Partnerships";
    let d = app.delivery(org).await;
    let job = employment(&app, &d, org).await;
    let (coordinator, _) = app.user(Role::Coordinator, org).await;
    let coordinator = app.token_client(coordinator).await;
    let path = format!("/api/v1/participants/{}/equality", d.participant);
    let saved = coordinator
        .json(
            Method::PUT,
            &path,
            json!({"ethnic_group": "white_roma", "sex": "female", "disability": "yes",
                   "consent_given_on": "2026-11-02"}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    // The sentinel is really there for those allowed to see it.
    assert!(coordinator.get(&path).await.text().contains("white_roma"));

    let paths: Vec<String> = crate::routes::reads()
        .iter()
        .filter(|p| !p.contains("/equality"))
        .map(|p| crate::routes::concrete(p, &d, job))
        .collect();
    assert!(paths.len() >= 40, "only {} GET routes", paths.len());
    for role in [Role::Manager, Role::Hr] {
        let web = app.login_as(role, org).await;
        let served = crawl(&format!("{role:?} (web)"), &web, &paths).await;
        assert!(served >= 10, "{role:?} was served only {served} pages");
        let (id, _) = app.user(role, org).await;
        let api = app.token_client(id).await;
        crawl(&format!("{role:?} (API)"), &api, &paths).await;
        eprintln!(
            "equality crawl: {role:?}, {} routes by session and by token, {served} pages served",
            paths.len()
        );
        // And the equality routes themselves are refused.
        for p in [
            path.clone(),
            format!("/participants/{}/equality", d.participant),
        ] {
            let r = web.get(&p).await;
            assert!(
                r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
                "{role:?} {p}: {}",
                r.status
            );
        }
    }
}
