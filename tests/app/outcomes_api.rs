//! Job outcomes through the API: job starts at the employer's own organisation,
//! checkpoints at 13, 26 and 52 weeks, progression, and what other employers see.

use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use pathways::auth::Role;
use serde_json::{Value, json};

use crate::common::{Delivery, TestApp, TestClient};

const TRUST: &str = "Leeds Teaching Hospitals NHS Trust";

async fn token(app: &TestApp, role: Role, org: &str) -> TestClient {
    let (id, _) = app.user(role, org).await;
    app.token_client(id).await
}

/// A delivery whose programme also partners the trust, with the resident started.
async fn setup(app: &TestApp) -> (Delivery, i32) {
    let d = app.delivery("Learning Partnerships").await;
    let trust = app.organisation(TRUST).await;
    let admin = token(app, Role::Admin, "Learning Partnerships").await;
    let lp = app.organisation("Learning Partnerships").await;
    let r = admin
        .json(
            Method::PATCH,
            &format!("/api/v1/programmes/{}", d.programme),
            json!({"partner_organisation_ids": [lp, trust]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let c = token(app, Role::Coordinator, "Learning Partnerships").await;
    c.json(
        Method::PUT,
        &format!("/api/v1/sessions/{}/attendance", d.sessions[0]),
        json!([{"enrolment_id": d.enrolment, "status": "present"}]),
    )
    .await;
    (d, trust)
}

fn job(d: &Delivery, employer: i32) -> Value {
    json!({
        "participant_id": d.participant, "enrolment_id": d.enrolment, "employer_organisation_id": employer,
        "site": "St James's University Hospital", "job_title": "Ward housekeeper", "staff_group": "estates_and_facilities",
        "band": 2, "hours_per_week": 37.5, "contract": "permanent", "start_date": "2026-12-07"
    })
}

#[tokio::test]
async fn trust_hr_follows_a_job_from_start_to_a_clinical_role() {
    let app = TestApp::new().await;
    let (d, trust) = setup(&app).await;
    let hr = token(&app, Role::Hr, TRUST).await;
    let created = hr
        .json(Method::POST, "/api/v1/employments", job(&d, trust))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let e = created.json();
    let id = e["id"].as_i64().unwrap();
    let due: Vec<(i64, &str, &str)> = e["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["weeks"].as_i64().unwrap(),
                c["due_on"].as_str().unwrap(),
                c["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        due,
        [
            (13, "2027-03-08", "not_yet_due"),
            (26, "2027-06-07", "not_yet_due"),
            (52, "2027-12-06", "not_yet_due")
        ]
    );

    let early = hr
        .json(
            Method::PUT,
            &format!("/api/v1/employments/{id}/checkpoints/13"),
            json!({"status": "in_post", "verified_on": "2026-12-20"}),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early.json()["error"]["fields"]["verified_on"]
            .as_str()
            .unwrap()
            .contains("cannot be recorded before")
    );

    app.clock.advance(TimeDelta::days(110)); // 13 March 2027
    let shown = hr.get(&format!("/api/v1/employments/{id}")).await.json();
    assert_eq!(shown["checkpoints"][0]["status"], "due");
    let recorded = hr
        .json(
            Method::PUT,
            &format!("/api/v1/employments/{id}/checkpoints/13"),
            json!({"status": "in_post", "verified_on": "2027-03-10"}),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.text());
    assert_eq!(recorded.json()["status"], "in_post");

    let band = hr
        .json(
            Method::POST,
            &format!("/api/v1/employments/{id}/progressions"),
            json!({"effective_on": "2027-03-01", "kind": "band_increase", "band": 2}),
        )
        .await;
    assert_eq!(
        band.json()["error"]["fields"]["band"],
        "A band increase must raise the band above 2"
    );
    let band = hr
        .json(
            Method::POST,
            &format!("/api/v1/employments/{id}/progressions"),
            json!({"effective_on": "2027-03-01", "kind": "band_increase", "band": 3}),
        )
        .await;
    assert_eq!(band.status, StatusCode::CREATED, "{}", band.text());
    let same = hr.json(Method::POST, &format!("/api/v1/employments/{id}/progressions"), json!({"effective_on": "2027-03-05", "kind": "staff_group_change", "staff_group": "estates_and_facilities"})).await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A NUL in free text is refused with the field named (PostgreSQL cannot store it).
    let nul = hr.json(Method::POST, &format!("/api/v1/employments/{id}/progressions"), json!({"effective_on": "2027-03-05", "kind": "qualification", "notes": "Level 2\u{0}", "job_title": "Porter\u{0}"})).await;
    assert_eq!(
        nul.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        nul.text()
    );
    assert!(nul.json()["error"]["fields"]["notes"].is_string());
    assert!(nul.json()["error"]["fields"]["job_title"].is_string());
    let hcsw = hr
        .json(Method::POST, &format!("/api/v1/employments/{id}/progressions"), json!({"effective_on": "2027-03-05", "kind": "staff_group_change", "staff_group": "additional_clinical_services", "job_title": "Healthcare Support Worker"}))
        .await;
    assert_eq!(hcsw.status, StatusCode::CREATED);
    let shown = hr.get(&format!("/api/v1/employments/{id}")).await.json();
    assert_eq!(
        (
            shown["current_band"].clone(),
            shown["current_staff_group"].clone(),
            shown["moved_to_clinical"].clone()
        ),
        (json!(3), json!("additional_clinical_services"), json!(true))
    );

    // Another trust's HR can neither see nor change any of it.
    let other = token(&app, Role::Hr, "Bradford Teaching Hospitals").await;
    for path in [
        format!("/api/v1/employments/{id}"),
        format!("/api/v1/participants/{}/employments", d.participant),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let before = app.audit_count().await;
    assert_eq!(
        other
            .json(
                Method::PATCH,
                &format!("/api/v1/employments/{id}"),
                json!({"end_date": "2027-03-12", "end_reason": "resigned"})
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .json(
                Method::PUT,
                &format!("/api/v1/employments/{id}/checkpoints/13"),
                json!({"status": "left", "verified_on": "2027-03-12"})
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .json(
                Method::POST,
                &format!("/api/v1/employments/{id}/progressions"),
                json!({"effective_on": "2027-03-12", "kind": "qualification"})
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit_count().await, before);
}

#[tokio::test]
async fn job_starts_are_checked_field_by_field() {
    let app = TestApp::new().await;
    let (d, trust) = setup(&app).await;
    let hr = token(&app, Role::Hr, TRUST).await;
    let cases = [
        (json!({"band": 1}), "band", "Band 1 closed to new starters"),
        (json!({"band": 10}), "band", "between 1 and 9"),
        (
            json!({"hours_per_week": 0}),
            "hours_per_week",
            "between 1 and 48",
        ),
        (
            json!({"hours_per_week": 49}),
            "hours_per_week",
            "between 1 and 48",
        ),
        (
            json!({"start_date": "2026-10-01"}),
            "start_date",
            "on or after the cohort's start",
        ),
        (
            json!({"staff_group": "porters"}),
            "staff_group",
            "Select a staff group",
        ),
        (
            json!({"contract": "zero_hours"}),
            "contract",
            "Select a contract type",
        ),
        (json!({"site": ""}), "site", "Enter the site"),
    ];
    for (change, field, message) in cases {
        let mut body = job(&d, trust);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = hr.json(Method::POST, "/api/v1/employments", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{change}");
        let got = r.json()["error"]["fields"][field]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(got.contains(message), "{change}: {got}");
    }
    // HR record only at their own organisation.
    let lp = app.organisation("Learning Partnerships").await;
    let r = hr
        .json(Method::POST, "/api/v1/employments", job(&d, lp))
        .await;
    assert_eq!(
        r.json()["error"]["fields"]["employer_organisation_id"],
        "You can record jobs only at your own organisation"
    );
    // The enrolment must be the person's own.
    let other = app.delivery("Leeds City College").await;
    let mut body = job(&d, trust);
    body["enrolment_id"] = json!(other.enrolment);
    assert_eq!(
        hr.json(Method::POST, "/api/v1/employments", body)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A band 1 start before December 2018 is allowed by the rule (but not before the cohort).
    let manager = token(&app, Role::Manager, TRUST).await;
    assert_eq!(
        manager
            .json(Method::POST, "/api/v1/employments", job(&d, trust))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn ending_a_job_and_marking_a_checkpoint_left() {
    let app = TestApp::new().await;
    let (d, trust) = setup(&app).await;
    let hr = token(&app, Role::Hr, TRUST).await;
    let id = hr
        .json(Method::POST, "/api/v1/employments", job(&d, trust))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    app.clock.advance(TimeDelta::days(110));
    let left = hr
        .json(
            Method::PUT,
            &format!("/api/v1/employments/{id}/checkpoints/13"),
            json!({"status": "left", "verified_on": "2027-03-10"}),
        )
        .await;
    // Left on a job still open asks for its end in the same call.
    assert_eq!(
        left.json()["error"]["fields"]["end_date"],
        "Enter the last day in the job"
    );
    assert_eq!(
        left.json()["error"]["fields"]["end_reason"],
        "Select why the job ended"
    );
    let bad_end = hr
        .json(
            Method::PATCH,
            &format!("/api/v1/employments/{id}"),
            json!({"end_date": "2026-12-01", "end_reason": "resigned"}),
        )
        .await;
    assert!(
        bad_end.json()["error"]["fields"]["end_date"]
            .as_str()
            .unwrap()
            .contains("on or after the start")
    );
    let no_reason = hr
        .json(
            Method::PATCH,
            &format!("/api/v1/employments/{id}"),
            json!({"end_date": "2027-02-01"}),
        )
        .await;
    assert_eq!(
        no_reason.json()["error"]["fields"]["end_reason"],
        "Select why the job ended"
    );
    let ended = hr
        .json(
            Method::PATCH,
            &format!("/api/v1/employments/{id}"),
            json!({"end_date": "2027-02-01", "end_reason": "moved_employer"}),
        )
        .await;
    assert_eq!(ended.status, StatusCode::OK);
    assert_eq!(ended.json()["end_date"], "2027-02-01");
    let left = hr
        .json(
            Method::PUT,
            &format!("/api/v1/employments/{id}/checkpoints/13"),
            json!({"status": "left", "verified_on": "2027-03-10"}),
        )
        .await;
    assert_eq!(left.status, StatusCode::OK);
    assert_eq!(
        hr.json(
            Method::PUT,
            &format!("/api/v1/employments/{id}/checkpoints/14"),
            json!({"status": "left", "verified_on": "2027-03-10"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // A person may have several jobs over time.
    let mut second = job(&d, trust);
    second["start_date"] = json!("2027-02-15");
    second["job_title"] = json!("Porter");
    assert_eq!(
        hr.json(Method::POST, "/api/v1/employments", second)
            .await
            .status,
        StatusCode::CREATED
    );
    let jobs = hr
        .get(&format!(
            "/api/v1/participants/{}/employments",
            d.participant
        ))
        .await
        .json();
    assert_eq!(jobs["items"].as_array().unwrap().len(), 2);
}
