//! Generating a schedule around bank holidays and closure days (the template's number of
//! sessions kept, displaced days moved after the course and listed on the cohort page),
//! generating it again only behind its own guarded page, and moving one session onto a
//! closed day, which warns and asks to confirm.

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use pathways::auth::Role;
use pathways::models::CourseSession;
use serde_json::json;

use crate::common::TestApp;

const ORG: &str = "Leeds City Council";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn sessions_of(app: &TestApp, cohort: i32) -> Vec<CourseSession> {
    app.state
        .db
        .run(move |conn| Ok(CourseSession::list_for_cohort(conn, cohort)?))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_cohort_starting_30_november_keeps_thirty_sessions_off_christmas_and_new_year() {
    let app = TestApp::new().await;
    let programme = app.programme("Facilities Technician", &[ORG]).await;
    let cohort = app
        .cohort()
        .programme(programme)
        .starting("2026-11-30")
        .create()
        .await;
    let coordinator = app.login_as(Role::Coordinator, ORG).await;
    let page = coordinator.get(&format!("/cohorts/{}", cohort.id)).await;
    assert!(
        page.text()
            .contains("Generate the schedule from the programme")
    );
    let r = coordinator
        .post_form(&format!("/cohorts/{}/sessions/generate", cohort.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.location().unwrap();
    assert!(location.contains("moved=20261225-20270111.20261228-20270112.20270101-20270113"));

    let sessions = sessions_of(&app, cohort.id).await;
    assert_eq!(sessions.len(), 30);
    for closed in [day(2026, 12, 25), day(2026, 12, 28), day(2027, 1, 1)] {
        assert!(sessions.iter().all(|s| s.held_on != closed), "{closed}");
    }
    // Moved days keep their week, kind and topic.
    let moved = sessions
        .iter()
        .find(|s| s.held_on == day(2027, 1, 11))
        .unwrap();
    assert_eq!((moved.week_number, moved.kind.as_str()), (4, "college"));
    assert_eq!(moved.topic, "Week 4: college");
    let boxing = sessions
        .iter()
        .find(|s| s.held_on == day(2027, 1, 12))
        .unwrap();
    assert_eq!((boxing.week_number, boxing.kind.as_str()), (5, "placement"));

    // The cohort page lists what moved, and the generate form is gone.
    let text = coordinator.get(&location).await.text();
    assert!(text.contains("Sessions moved off closed days"));
    assert!(text.contains("25 Dec 2026 (<bdi>Christmas Day</bdi>)"));
    assert!(text.contains("11 Jan 2027"));
    assert!(text.contains("28 Dec 2026 (<bdi>Boxing Day (substitute day)</bdi>)"));
    assert!(!text.contains("Generate the schedule from the programme"));
    assert!(text.contains(&format!("/cohorts/{}/schedule/regenerate", cohort.id)));
}

#[tokio::test]
async fn the_programmes_closure_days_are_skipped_too() {
    let app = TestApp::new().await;
    let programme = app.programme("Facilities Technician", &[ORG]).await;
    let admin = app.login_as(Role::Admin, ORG).await;
    let r = admin
        .post_form(
            &format!("/programmes/{programme}/closures"),
            &[
                ("closed_on_day", "3"),
                ("closed_on_month", "2"),
                ("closed_on_year", "2027"),
                ("reason", "College inset day"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cohort = app
        .cohort()
        .programme(programme)
        .starting("2027-02-01")
        .create()
        .await;
    let r = admin
        .post_form(&format!("/cohorts/{}/sessions/generate", cohort.id), &[])
        .await;
    let text = admin.get(&r.location().unwrap()).await.text();
    assert!(text.contains("3 Feb 2027 (<bdi>College inset day</bdi>)"));
    let sessions = sessions_of(&app, cohort.id).await;
    assert_eq!(sessions.len(), 30);
    assert!(sessions.iter().all(|s| s.held_on != day(2027, 2, 3)));
    // The course ended Friday 12 March; the inset day's session comes the Monday after.
    assert_eq!(sessions.last().unwrap().held_on, day(2027, 3, 15));
    // A moved day in a forged notice that is not closed is not shown.
    let forged = admin
        .get(&format!(
            "/cohorts/{}?notice=generated&moved=20270204-20270315",
            cohort.id
        ))
        .await;
    assert!(!forged.text().contains("Sessions moved off closed days"));
}

#[tokio::test]
async fn generating_again_has_its_own_page_and_stops_once_a_register_is_taken() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let coordinator = app.login_as(Role::Coordinator, ORG).await;
    let path = format!("/cohorts/{}/schedule/regenerate", d.cohort);
    let page = coordinator.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("The 30 sessions in the schedule will be replaced")
    );

    // Not without confirming.
    let unconfirmed = coordinator.post_form(&path, &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.text().contains("Confirm that the sessions"));
    let before = sessions_of(&app, d.cohort).await;
    let first = before[0].id;
    let edited = coordinator
        .post_form(
            &format!("/sessions/{first}/edit"),
            &[
                ("held_on_day", "2"),
                ("held_on_month", "11"),
                ("held_on_year", "2026"),
                ("topic", "Changed by hand"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    let confirmed = coordinator.post_form(&path, &[("confirm", "yes")]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let after = sessions_of(&app, d.cohort).await;
    assert_eq!(after.len(), 30);
    assert!(after.iter().all(|s| s.topic != "Changed by hand"));

    // The API still generates again with `replace`.
    let api = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{}/sessions/generate", d.cohort),
            json!({"replace": true}),
        )
        .await;
    assert!(api.status.is_success(), "{}", api.status);

    // Once a register is taken, the page explains and the form is refused.
    let session = sessions_of(&app, d.cohort).await[0].id;
    let taken = coordinator
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{session}/attendance"),
            json!([{"enrolment_id": d.enrolment, "status": "present"}]),
        )
        .await;
    assert_eq!(taken.status, StatusCode::OK);
    let page = coordinator.get(&path).await;
    assert!(
        page.text()
            .contains("Registers have been taken for this cohort")
    );
    assert!(!page.text().contains("name=\"confirm\""));
    let refused = coordinator.post_form(&path, &[("confirm", "yes")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(sessions_of(&app, d.cohort).await[0].id, session);

    // Roles that do not manage cohorts cannot reach it.
    let manager = app.login_as(Role::Manager, ORG).await;
    assert_eq!(manager.get(&path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn moving_a_session_onto_a_closed_day_warns_and_saves_once_confirmed() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let admin = app.login_as(Role::Admin, ORG).await;
    let r = admin
        .post_form(
            &format!("/programmes/{}/closures", d.programme),
            &[
                ("closed_on_day", "14"),
                ("closed_on_month", "12"),
                ("closed_on_year", "2026"),
                ("reason", "Site closure for rewiring"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let coordinator = app.login_as(Role::Coordinator, ORG).await;
    let last = *d.sessions.last().unwrap();
    let path = format!("/sessions/{last}/edit");
    let move_to = |dd: &'static str, m: &'static str, keep: &'static str| {
        vec![
            ("held_on_day", dd),
            ("held_on_month", m),
            ("held_on_year", "2026"),
            ("topic", "Week 6: college"),
            ("keep_closed", keep),
        ]
    };

    let warned = coordinator.post_form(&path, &move_to("25", "12", "")).await;
    assert_eq!(warned.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = warned.text();
    assert!(text.contains("Friday 25 December 2026 is a bank holiday (Christmas Day)"));
    assert!(text.contains("Keep the session on this day anyway"));
    let closure = coordinator.post_form(&path, &move_to("14", "12", "")).await;
    assert_eq!(closure.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(closure.text().contains("Site closure for rewiring"));
    assert_eq!(
        sessions_of(&app, d.cohort).await.last().unwrap().held_on,
        day(2026, 12, 11)
    );

    // Confirmed, it is saved; an ordinary day needs no confirmation.
    let kept = coordinator
        .post_form(&path, &move_to("25", "12", "yes"))
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER);
    let saved = sessions_of(&app, d.cohort).await;
    assert!(
        saved
            .iter()
            .any(|s| s.id == last && s.held_on == day(2026, 12, 25))
    );
    let plain = coordinator.post_form(&path, &move_to("15", "12", "")).await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER);

    // The API's PATCH moves it without asking.
    let api = coordinator
        .json(
            Method::PATCH,
            &format!("/api/v1/sessions/{last}"),
            json!({"held_on": "2026-12-28"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
}
