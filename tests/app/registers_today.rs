//! Today's registers and the outstanding ones (issue 13): the dashboard of a role that
//! takes registers lists today's sessions with their status and a link to each register,
//! and says how many registers are outstanding, linking to their paged list, oldest
//! first, only of cohorts the user may see.

use axum::http::{Method, StatusCode};
use pathways::auth::Role;
use serde_json::json;

use crate::common::TestApp;

const ORG: &str = "Leeds City Council";
const OTHER: &str = "Bradford Council";

#[tokio::test]
async fn the_dashboard_shows_todays_registers_and_how_many_are_outstanding() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    app.delivery(OTHER).await;
    let web = app.login_as(Role::Coordinator, ORG).await;
    let page = web.get("/").await.text();
    assert!(page.contains("Today, Monday 23 November"), "{page}");
    assert!(page.contains(&format!(
        "href=\"/sessions/{}/register\">Take register",
        d.sessions[15]
    )));
    assert!(page.contains(">Due today</strong>"));
    assert!(page.contains("15 registers outstanding"), "{page}");
    assert!(
        !page.contains("Bradford"),
        "another organisation's cohort: {page}"
    );

    // Taking today's register and the oldest one.
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let api = app.token_client(coordinator).await;
    for session in [d.sessions[15], d.sessions[0]] {
        let r = api
            .json(
                Method::PUT,
                &format!("/api/v1/sessions/{session}/attendance"),
                json!([{"enrolment_id": d.enrolment, "status": "present"}]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let page = web.get("/").await.text();
    assert!(page.contains(&format!(
        "href=\"/sessions/{}/register\">View register",
        d.sessions[15]
    )));
    assert!(page.contains("14 registers outstanding"), "{page}");
    assert!(page.contains("href=\"/registers/outstanding\""));

    // Managers do not take registers: no Today, and the list is refused.
    let manager = app.login_as(Role::Manager, ORG).await;
    assert!(
        !manager
            .get("/")
            .await
            .text()
            .contains("registers outstanding")
    );
    assert_eq!(
        manager.get("/registers/outstanding").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_outstanding_list_is_paged_oldest_first_and_scoped() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    app.delivery(OTHER).await;
    let web = app.login_as(Role::Coordinator, ORG).await;
    let first = web.get("/registers/outstanding?limit=10").await;
    assert_eq!(first.status, StatusCode::OK);
    let text = first.text();
    assert!(text.contains("15 registers outstanding"), "{text}");
    assert!(!text.contains("Bradford"));
    let links = |text: &str| -> Vec<usize> {
        d.sessions
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                text.find(&format!("/sessions/{s}/register\""))
                    .map(|at| (at, i))
            })
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_values()
            .collect()
    };
    assert_eq!(links(&text), (0..10).collect::<Vec<_>>(), "oldest first");
    let next = text
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&#38;", "&");
    let second = web.get(&next).await.text();
    assert!(next.contains("cursor="), "{next}");
    assert_eq!(links(&second), (10..15).collect::<Vec<_>>());
    assert!(!second.contains("rel=\"next\""));
    assert!(second.contains("First page"));

    // Today's list; and an admin sees every organisation's registers.
    let today = web.get("/registers/today").await.text();
    assert_eq!(links(&today), vec![15]);
    let admin = app.login_as(Role::Admin, ORG).await;
    assert!(
        admin
            .get("/registers/outstanding")
            .await
            .text()
            .contains("30 registers outstanding")
    );
    let bad = web.get("/registers/outstanding?cursor=x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The same list in the API, a page at a time.
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let api = app.token_client(coordinator).await;
    let page = api
        .get("/api/v1/registers/outstanding?limit=10")
        .await
        .json();
    assert_eq!(page["total"], 15);
    assert_eq!(page["items"][0]["id"], d.sessions[0]);
    assert_eq!(page["items"][0]["register_status"], "outstanding");
    assert_eq!(page["items"][0]["cohort_name"], "Autumn 2026");
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let rest = api
        .get(&format!(
            "/api/v1/registers/outstanding?limit=10&cursor={cursor}"
        ))
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 5);
    assert_eq!(rest["items"][4]["id"], d.sessions[14]);
    assert!(rest["next_cursor"].is_null());
}
