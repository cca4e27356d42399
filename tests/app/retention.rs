//! `pathways retention`: residents whose last activity is older than the period are
//! listed by id and erased; anyone with later activity of any kind is left alone.

use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use pathways::auth::Role;
use serde_json::json;

use crate::cli::pathways;
use crate::common::{TestApp, TestClient};

async fn resident(api: &TestClient, given: &str, cohort: i32) -> i64 {
    let body = json!({"given_name": given, "family_name": "Archive", "date_of_birth": "1980-01-01", "postcode": "LS9 7TF"});
    let r = api.json(Method::POST, "/api/v1/participants", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/cohorts/{cohort}/enrolments");
    let r = api
        .json(Method::POST, &path, json!({"participant_id": id}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    id
}

#[tokio::test]
async fn retention_lists_by_id_then_erases_only_the_long_inactive() {
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    let d = app.delivery("Leeds City Council").await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    // Eight years ago: two residents recorded and enrolled.
    let eight_years = TimeDelta::days(8 * 365);
    app.clock.advance(-eight_years);
    let forgotten = resident(&api, "Oldfield", d.cohort).await;
    let attended = resident(&api, "Returner", d.cohort).await;
    app.clock.advance(eight_years);
    // One of them attended a session this autumn: recent activity.
    let enrolments = api
        .get(&format!("/api/v1/cohorts/{}/enrolments", d.cohort))
        .await
        .json();
    let enrolment = enrolments["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["participant_id"] == attended)
        .unwrap()["id"]
        .clone();
    let marks = json!([{"enrolment_id": enrolment, "status": "present"}]);
    let path = format!("/api/v1/sessions/{}/attendance", d.sessions[0]);
    assert_eq!(
        api.json(Method::PUT, &path, marks).await.status,
        StatusCode::OK
    );

    let (ok, out, err) = pathways(
        &url,
        &["retention", "--older-than-years", "6", "--dry-run"],
        "",
    );
    assert!(ok, "{err}");
    assert!(out.starts_with("1 resident(s)"), "{out}");
    assert!(
        out.contains(&format!("resident {forgotten} (last activity")),
        "{out}"
    );
    assert!(
        !out.contains("Oldfield") && !out.contains("Archive"),
        "ids, never names: {out}"
    );
    assert!(out.contains("nobody was erased"));
    let name = |id: i64| {
        let api = api.clone();
        async move {
            api.get(&format!("/api/v1/participants/{id}")).await.json()["given_name"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(name(forgotten).await, "Oldfield");

    let (ok, out, err) = pathways(&url, &["retention", "--older-than-years", "6"], "");
    assert!(ok && out.contains("Erased 1 resident(s)."), "{out}{err}");
    assert_eq!(name(forgotten).await, "Erased");
    assert_eq!(name(attended).await, "Returner");
    assert_eq!(name(i64::from(d.participant)).await, "Amina");
    let roster = api
        .get(&format!("/api/v1/cohorts/{}/enrolments", d.cohort))
        .await
        .json();
    assert_eq!(
        roster["items"].as_array().unwrap().len(),
        3,
        "enrolments kept"
    );
    // Nothing left to do, and nonsense periods are refused.
    let (ok, out, _) = pathways(&url, &["retention", "--older-than-years", "6"], "");
    assert!(ok && out.starts_with("0 resident(s)"), "{out}");
    let (ok, _, _) = pathways(&url, &["retention", "--older-than-years", "0"], "");
    assert!(!ok);
}
