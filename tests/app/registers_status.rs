//! Register status (issue 13): each session's register is upcoming, due, outstanding,
//! taken (saying how many are still unmarked) or cancelled, on the cohort page and in the
//! API; "mark all present" fills only blanks; a form opened before someone else's save is
//! refused with the marks saved now; the API honours `If-Match` (412 when stale, and of
//! racing saves opened at one version exactly one wins); the first register makes a
//! cohort running (audited), and a running cohort past its end with every register taken
//! can be marked as finished.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use diesel::prelude::*;
use pathways::auth::Role;
use pathways::schema::{audit_events, course_sessions};
use serde_json::{Value, json};

use crate::common::{TestApp, TestClient, TestResponse};
use crate::http::{Call, burst};

const ORG: &str = "Leeds City Council";

/// Saves the register of `session` through the API with `marks`.
async fn put_register(
    api: &TestClient,
    session: i32,
    marks: &[(i32, &str)],
    if_match: Option<&str>,
) -> TestResponse {
    let body: Vec<Value> = marks
        .iter()
        .map(|(id, s)| json!({"enrolment_id": id, "status": s}))
        .collect();
    let mut req = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/v1/sessions/{session}/attendance"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(tag) = if_match {
        req = req.header(header::IF_MATCH, tag);
    }
    api.send(req.body(Body::from(json!(body).to_string())).unwrap(), None)
        .await
}

/// A second resident enrolled in the delivery's cohort, through the API.
async fn enrol_another(api: &TestClient, cohort: i32, given: &str) -> i32 {
    let body = json!({"given_name": given, "family_name": "Okafor", "date_of_birth": "1990-04-02", "postcode": "LS9 7TF"});
    let r = api.json(Method::POST, "/api/v1/participants", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let enrol = json!({"participant_id": r.json()["id"]});
    let r = api
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort}/enrolments"),
            enrol,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap() as i32
}

#[tokio::test]
async fn each_session_says_where_its_register_stands_on_the_page_and_in_the_api() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let api = app.token_client(coordinator).await;
    // Today is Monday 23 November: sessions 0-14 are past, 15 is today, 16 on are to come.
    let r = put_register(&api, d.sessions[0], &[(d.enrolment, "present")], None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["session"]["register_status"], "taken");
    let r = api
        .json(
            Method::PATCH,
            &format!("/api/v1/sessions/{}", d.sessions[1]),
            json!({"cancelled": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["register_status"], "cancelled");
    let list = api
        .get(&format!("/api/v1/cohorts/{}/sessions?limit=20", d.cohort))
        .await
        .json();
    let items = list["items"].as_array().unwrap();
    let status = |i: usize| items[i]["register_status"].as_str().unwrap().to_owned();
    assert_eq!(
        [status(0), status(1), status(2), status(15), status(16)],
        ["taken", "cancelled", "outstanding", "due", "upcoming"]
    );
    let taken_at = items[0]["register_taken_at"].as_str().unwrap();
    assert!(
        taken_at.starts_with("2026-11-23T") && taken_at.ends_with('Z'),
        "{taken_at}"
    );
    assert_eq!(
        items[0]["register_updated_at"],
        items[0]["register_taken_at"]
    );
    assert!(items[2]["register_taken_at"].is_null() && items[2]["register_updated_at"].is_null());

    // Someone enrolled after the register was taken is unmarked on it.
    enrol_another(&api, d.cohort, "Later").await;
    let web = app.login_as(Role::Coordinator, ORG).await;
    let page = web.get(&format!("/cohorts/{}", d.cohort)).await.text();
    assert!(page.contains("Taken, 1 unmarked"), "{page}");
    assert_eq!(page.matches(">Outstanding</strong>").count(), 13, "{page}");
    assert_eq!(page.matches(">Due today</strong>").count(), 1);
    assert_eq!(page.matches(">Upcoming</strong>").count(), 14);
    assert!(page.contains(&format!(
        "href=\"/sessions/{}/register\">View register<span class=\"visually-hidden\"> for 2 November 2026</span>",
        d.sessions[0]
    )));
    assert!(page.contains(&format!(
        "href=\"/sessions/{}/register\">Take register<span class=\"visually-hidden\"> for 23 November 2026</span>",
        d.sessions[15]
    )));
    assert!(!page.contains(&format!("/sessions/{}/register\"", d.sessions[16])));
}

#[tokio::test]
async fn mark_all_present_fills_only_the_blanks_and_saves_nothing() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let api = app.token_client(coordinator).await;
    let second = enrol_another(&api, d.cohort, "Blank").await;
    let session = d.sessions[0];
    let r = put_register(&api, session, &[(d.enrolment, "late")], None).await;
    assert_eq!(r.status, StatusCode::OK);
    let web = app.login_as(Role::Coordinator, ORG).await;
    let page = web
        .get(&format!("/sessions/{session}/register"))
        .await
        .text();
    assert!(page.contains("name=\"fill\" value=\"present\""), "{page}");
    assert!(page.contains("name=\"version\" value=\"1\""), "{page}");
    assert!(!page.contains("prefill"), "a GET never fills the form");
    // Enter submits a form with its first submit button: that one must save, not fill.
    let form = &page[page.find("id=\"register\"").expect("the register form")..];
    let first_button = &form[form.find("<button").expect("a button")..];
    let first_button = &first_button[..first_button.find('>').unwrap()];
    assert!(
        first_button.contains("type=\"submit\"") && !first_button.contains("name=\"fill\""),
        "the form's default button saves: {first_button}"
    );
    let first = format!("status_{}", d.enrolment);
    let filled = web
        .post_form(
            &format!("/sessions/{session}/register"),
            &[
                (first.as_str(), "late"),
                ("version", "1"),
                ("fill", "present"),
            ],
        )
        .await;
    assert_eq!(filled.status, StatusCode::OK);
    let text = filled.text();
    assert!(
        text.contains(&format!(
            "value=\"late\" id=\"status_{}-late\" checked>",
            d.enrolment
        )),
        "the saved Late is kept: {text}"
    );
    assert!(text.contains(&format!(
        "value=\"present\" id=\"status_{second}\" checked>"
    )));
    assert_eq!(text.matches(" checked>").count(), 2);
    let register = api
        .get(&format!("/api/v1/sessions/{session}/attendance"))
        .await
        .json();
    let mark = |id: i32| {
        register["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["enrolment_id"] == id)
            .map(|l| l["status"].clone())
    };
    assert_eq!(mark(d.enrolment), Some(json!("late")));
    assert_eq!(mark(second), Some(Value::Null), "nothing saved");
    assert_eq!(register["session"]["register_version"], 1);
}

#[tokio::test]
async fn a_form_opened_before_someone_elses_save_is_refused_with_the_marks_saved_now() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let api = app.token_client(coordinator).await;
    let session = d.sessions[0];
    let web = app.login_as(Role::Coordinator, ORG).await;
    let field = format!("status_{}", d.enrolment);
    // Opened at version 0; then someone else records an absence.
    let r = put_register(&api, session, &[(d.enrolment, "authorised_absence")], None).await;
    assert_eq!(r.status, StatusCode::OK);
    // Sent back for a missing mark, the form still carries the version it was opened at.
    let missing = web
        .post_form(
            &format!("/sessions/{session}/register"),
            &[("version", "0")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.text().contains("name=\"version\" value=\"0\""));
    let stale = web
        .post_form(
            &format!("/sessions/{session}/register"),
            &[(field.as_str(), "present"), ("version", "0")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let text = stale.text();
    assert!(
        text.contains("Someone else saved this register since you opened it"),
        "{text}"
    );
    assert!(text.contains("href=\"#register\""));
    assert!(text.contains(&format!(
        "value=\"authorised_absence\" id=\"{field}-authorised_absence\" checked>"
    )));
    assert!(text.contains("name=\"version\" value=\"1\""));
    assert!(text.contains("Taken by "), "who took it: {text}");
    // Saved again from the refreshed form, it goes through.
    let saved = web
        .post_form(
            &format!("/sessions/{session}/register"),
            &[(field.as_str(), "present"), ("version", "1")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let page = web
        .get(&format!("/sessions/{session}/register"))
        .await
        .text();
    assert!(page.contains("last changed by"), "{page}");
}

#[tokio::test]
async fn the_api_gives_the_version_as_an_etag_and_honours_if_match() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let api = app.token_client(coordinator).await;
    let session = d.sessions[0];
    let path = format!("/api/v1/sessions/{session}/attendance");
    let read = api.get(&path).await;
    assert_eq!(read.headers[header::ETAG], "\"0\"");
    let marks = [(d.enrolment, "present")];
    let ok = put_register(&api, session, &marks, Some("\"0\"")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(ok.headers[header::ETAG], "\"1\"");
    let stale = put_register(&api, session, &marks, Some("\"0\"")).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.json()["error"]["code"], "precondition_failed");
    // A body that could never be saved is answered for its content, stale or not.
    let bad = put_register(&api, session, &[(d.enrolment, "AAA")], Some("\"0\"")).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad.text()
    );
    // Without If-Match, with an empty one, or with `*`, the save stays idempotent.
    for tag in [None, Some(""), Some("*")] {
        let again = put_register(&api, session, &marks, tag).await;
        assert_eq!(again.status, StatusCode::OK);
    }
    assert_eq!(api.get(&path).await.headers[header::ETAG], "\"4\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_saves_racing_from_one_version_exactly_one_wins() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let token = app.token_client(coordinator).await.bearer.unwrap();
    let served = Arc::new(app.serve().await);
    let path = format!("/api/v1/sessions/{}/attendance", d.sessions[0]);
    let calls = [
        "present",
        "late",
        "unauthorised_absence",
        "authorised_absence",
    ]
    .iter()
    .cycle()
    .take(8)
    .map(|status| {
        let body = json!([{"enrolment_id": d.enrolment, "status": status}]).to_string();
        let mut call = Call::api(&token, Method::PUT, path.clone(), body);
        call.headers
            .push((header::IF_MATCH.to_string(), "\"0\"".into()));
        call
    })
    .collect();
    let responses = burst(&served, "if-match race", calls).await;
    let ok = responses
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let refused = responses
        .iter()
        .filter(|r| r.status == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!((ok, refused), (1, 7));
}

#[tokio::test]
async fn the_first_register_makes_a_cohort_running_and_a_finished_course_can_be_closed() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (admin, _) = app.user(Role::Admin, ORG).await;
    let (cohort, sessions) = app
        .cohort()
        .programme(d.programme)
        .name("Second intake")
        .status("recruiting")
        .starting("2026-11-02")
        .by(admin)
        .create_with_sessions()
        .await;
    let (coordinator, _) = app.user(Role::Coordinator, ORG).await;
    let api = app.token_client(coordinator).await;
    let enrolment = enrol_another(&api, cohort.id, "First").await;
    let r = put_register(&api, sessions[0], &[(enrolment, "present")], None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let shown = api
        .get(&format!("/api/v1/cohorts/{}", cohort.id))
        .await
        .json();
    assert_eq!(shown["status"], "running");
    let id = cohort.id.to_string();
    let audited: Vec<Option<String>> = app
        .state
        .db
        .run(move |conn| {
            Ok(audit_events::table
                .filter(audit_events::entity.eq("cohort"))
                .filter(audit_events::entity_id.eq(id))
                .select(audit_events::after_json)
                .order(audit_events::id)
                .load(conn)?)
        })
        .await
        .unwrap();
    let last = audited.last().cloned().flatten().unwrap_or_default();
    assert!(last.contains("\"running\""), "{audited:?}");

    // After the course, with registers still outstanding: no offer, and refused.
    app.clock.advance(chrono::TimeDelta::days(42));
    let web = app.login_as(Role::Coordinator, ORG).await;
    let page = web.get(&format!("/cohorts/{}", cohort.id)).await.text();
    assert!(!page.contains("Mark as finished"));
    let refused = web
        .post_form(&format!("/cohorts/{}/finish", cohort.id), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    // Every register taken: offered, and done.
    let (c, now) = (cohort.id, app.state.clock.now());
    app.state
        .db
        .run(move |conn| {
            diesel::update(course_sessions::table.filter(course_sessions::cohort_id.eq(c)))
                .set(course_sessions::register_taken_at.eq(Some(now)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let page = web.get(&format!("/cohorts/{}", cohort.id)).await.text();
    assert!(page.contains("Mark as finished"), "{page}");
    let done = web
        .post_form(&format!("/cohorts/{}/finish", cohort.id), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = web.get(&done.location().unwrap()).await.text();
    assert!(page.contains("The cohort has been marked as finished"));
    assert!(!page.contains("Mark as finished<"));
    let api = app.token_client(coordinator).await;
    let shown = api
        .get(&format!("/api/v1/cohorts/{}", cohort.id))
        .await
        .json();
    assert_eq!(shown["status"], "finished");
}
