//! A resident's history shows a reader only what happened in programmes their
//! organisation partners in (issue 10, item 8).

use axum::http::StatusCode;
use pathways::auth::Role;
use pathways::models::{Participant, User, information_session};

use crate::common::TestApp;

#[tokio::test]
async fn a_manager_sees_no_history_from_a_programme_they_do_not_partner_in() {
    let app = TestApp::new().await;
    // Programme A (Leeds City Council) holds the resident; programme B (Leeds Mind), where
    // the council is no partner, enrols them too.
    let a = app.delivery("Leeds City Council").await;
    let programme_b = app.programme("Mind Pathways", &["Leeds Mind"]).await;
    let (coordinator_b, _) = app.user(Role::Coordinator, "Leeds Mind").await;
    let cohort = app
        .cohort()
        .programme(programme_b)
        .name("Mind Winter")
        .starting("2026-11-09")
        .status("recruiting")
        .by(coordinator_b)
        .create()
        .await;
    let participant = a.participant;
    let resident = app
        .state
        .db
        .run(move |conn| Ok(Participant::find(conn, participant)?))
        .await
        .unwrap();
    app.enrolment(&cohort, &resident)
        .by(coordinator_b)
        .create()
        .await;
    let (today, now) = (app.state.clock.today(), app.state.clock.now());
    app.state
        .db
        .run(move |conn| {
            let fields = (today, "Mind Hub, Leeds".to_owned(), 12);
            let session =
                information_session::create(conn, coordinator_b, programme_b, fields, now)?;
            information_session::add_attendee(conn, coordinator_b, &session, participant, now)
        })
        .await
        .unwrap();
    // The coordinator of programme B exports the resident's details.
    let b = app.token_client(coordinator_b).await;
    let export = b
        .get(&format!("/api/v1/participants/{participant}/export"))
        .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text());
    let b_name = app
        .state
        .db
        .run(move |conn| Ok(User::find(conn, coordinator_b)?.name))
        .await
        .unwrap();

    let manager = app.login_as(Role::Manager, "Leeds City Council").await;
    let page = manager.get(&format!("/participants/{participant}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let history = page.text();
    let history = &history[history.find("History</h2>").unwrap()..];
    assert!(
        history.contains("Enrolled"),
        "programme A's events stay: {history}"
    );
    for hidden in [
        "Information session attendance added",
        "details exported",
        b_name.as_str(),
    ] {
        assert!(!history.contains(hidden), "{hidden} shown: {history}");
    }
    // The coordinator of programme B sees their own partnership's events.
    let b_web = app.login_as(Role::Coordinator, "Leeds Mind").await;
    let theirs = b_web
        .get(&format!("/participants/{participant}"))
        .await
        .text();
    assert!(theirs.contains("Information session attendance added"));
    assert!(theirs.contains("details exported"));
}
