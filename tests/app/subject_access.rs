//! Subject access export (issue 6): everything held about a resident, checked against the
//! schema so a new table about residents cannot be left out.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode, header};
use diesel::prelude::*;
use diesel::sql_types::Text;
use pathways::auth::Role;
use pathways::db::DbConnection;
use pathways::models::subject_access::COVERED_TABLES;
use serde_json::json;

use crate::common::{Delivery, TestApp, employment};

/// Fills in every kind of record about the delivery's resident: equality answers, an
/// information session, an attendance mark and a job (with its checkpoints). Returns the
/// employment id.
pub async fn full_record(app: &TestApp, d: &Delivery) -> i32 {
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    let equality = json!({"ethnic_group": "white_irish", "sex": "female", "disability": "no", "consent_given_on": "2026-11-02"});
    let r = api
        .json(
            Method::PUT,
            &format!("/api/v1/participants/{}/equality", d.participant),
            equality,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let session =
        json!({"held_on": "2026-10-05", "venue": "Harehills community centre", "head_count": 30});
    let r = api
        .json(
            Method::POST,
            &format!("/api/v1/programmes/{}/information-sessions", d.programme),
            session,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let info = r.json()["id"].as_i64().unwrap();
    let r = api
        .json(
            Method::POST,
            &format!("/api/v1/information-sessions/{info}/attendees"),
            json!({"participant_id": d.participant}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let marks = json!([{"enrolment_id": d.enrolment, "status": "present"}]);
    let r = api
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{}/attendance", d.sessions[0]),
            marks,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    employment(app, d, "Leeds City Council").await
}

#[derive(QueryableByName)]
struct Reference {
    #[diesel(sql_type = Text)]
    source: String,
    #[diesel(sql_type = Text)]
    target: String,
}

#[tokio::test]
async fn every_table_that_refers_to_residents_is_in_the_export() {
    let app = TestApp::new().await;
    let references: Vec<Reference> = app
        .state
        .db
        .run(|conn| {
            let DbConnection::Sqlite(c) = conn else {
                return Ok(Vec::new());
            };
            Ok(diesel::sql_query(
                "SELECT m.name AS source, f.\"table\" AS target FROM sqlite_master m \
                 JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
            )
            .load(c)?)
        })
        .await
        .unwrap();
    if references.is_empty() {
        return; // PostgreSQL: the same schema is proved equal by schema_parity.
    }
    // Tables reaching participants through any chain of foreign keys.
    let mut about_residents: BTreeSet<&str> = BTreeSet::from(["participants"]);
    loop {
        let before = about_residents.len();
        for r in &references {
            if about_residents.contains(r.target.as_str()) {
                about_residents.insert(r.source.as_str());
            }
        }
        if about_residents.len() == before {
            break;
        }
    }
    let missing: Vec<&&str> = about_residents
        .iter()
        .filter(|t| !COVERED_TABLES.contains(t))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the subject access export: {missing:?}"
    );
    assert!(about_residents.contains("checkpoints") && about_residents.contains("attendance"));
}

#[tokio::test]
async fn the_export_holds_everything_about_the_resident_and_is_audited() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let job = full_record(&app, &d).await;
    let coordinator = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let page = coordinator
        .get(&format!("/participants/{}", d.participant))
        .await
        .text();
    let link = format!("/api/v1/participants/{}/export", d.participant);
    assert!(
        page.contains(&link),
        "the resident's page links to the export"
    );
    let before = app.audit_count().await;
    let r = coordinator.get(&link).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let doc = r.json();
    assert_eq!(doc["details"]["given_name"], "Amina");
    assert_eq!(doc["details"]["date_of_birth"], "1990-03-27");
    assert_eq!(doc["equality"]["sex"], "female");
    assert_eq!(doc["consent"]["equality_consent_given_on"], "2026-11-02");
    assert_eq!(
        doc["information_sessions"][0]["venue"],
        "Harehills community centre"
    );
    let enrolment = &doc["enrolments"][0];
    assert_eq!(enrolment["id"], d.enrolment);
    assert_eq!(enrolment["attendance"][0]["status"], "present");
    let stages: Vec<&str> = enrolment["stage_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["to_stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, vec!["applied", "started"]);
    assert_eq!(doc["employments"][0]["id"], job);
    assert_eq!(
        doc["employments"][0]["checkpoints"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let entities: BTreeSet<&str> = doc["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entity"].as_str().unwrap())
        .collect();
    for entity in [
        "participant",
        "enrolment",
        "employment",
        "equality_monitoring",
    ] {
        assert!(
            entities.contains(entity),
            "{entity} events missing: {entities:?}"
        );
    }
    assert_eq!(app.audit_count().await, before + 1, "the export is audited");
}

#[tokio::test]
async fn only_coordinators_and_admins_who_can_see_the_resident_may_export() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let path = format!("/api/v1/participants/{}/export", d.participant);
    for role in [Role::Hr, Role::Manager] {
        let client = app.login_as(role, "Leeds City Council").await;
        assert_eq!(
            client.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
    let outsider = app.login_as(Role::Coordinator, "Bradford Council").await;
    let r = outsider.get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text().contains("Amina"));
    let admin = app.login_as(Role::Admin, "Bradford Council").await;
    assert_eq!(admin.get(&path).await.status, StatusCode::OK);
}
