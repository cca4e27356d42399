//! Programme delivery through the API: cohorts, schedules, residents, enrolments and
//! registers, with the rules a coordinator relies on and what other organisations see.

use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use pathways::auth::Role;
use serde_json::{Value, json};

use crate::common::{TestApp, TestClient};

async fn token(app: &TestApp, role: Role, org: &str) -> TestClient {
    let (id, _) = app.user(role, org).await;
    app.token_client(id).await
}

fn resident(given: &str, family: &str, dob: &str, postcode: &str) -> Value {
    json!({"given_name": given, "family_name": family, "date_of_birth": dob, "postcode": postcode})
}

#[tokio::test]
async fn a_coordinator_runs_a_cohort_end_to_end_through_the_api() {
    let app = TestApp::new().await;
    let programme = app
        .programme(
            "Health and Care Careers",
            &[
                "Learning Partnerships",
                "Leeds Teaching Hospitals NHS Trust",
            ],
        )
        .await;
    let c = token(&app, Role::Coordinator, "Learning Partnerships").await;

    let cohort = c
        .json(Method::POST, "/api/v1/cohorts", json!({"programme_id": programme, "name": "Autumn 2026", "starts_on": "2026-11-02", "capacity": 20}))
        .await;
    assert_eq!(cohort.status, StatusCode::CREATED, "{}", cohort.text());
    let cohort_id = cohort.json()["id"].as_i64().unwrap();
    assert_eq!(cohort.json()["ends_on"], "2026-12-11");

    let generated = c
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort_id}/sessions/generate"),
            json!({}),
        )
        .await;
    assert_eq!(generated.status, StatusCode::CREATED);
    let sessions = generated.json()["items"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 30);
    assert_eq!(
        (sessions[0]["held_on"].clone(), sessions[0]["kind"].clone()),
        (json!("2026-11-02"), json!("college"))
    );
    assert_eq!(
        sessions[10]["kind"], "placement",
        "week 3 Monday is on placement"
    );
    let again = c
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort_id}/sessions/generate"),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let replaced = c
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort_id}/sessions/generate"),
            json!({"replace": true}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::CREATED);
    let sessions = replaced.json()["items"].as_array().unwrap().clone();

    let mut enrolments = Vec::new();
    for (given, family) in [("Amina", "Khan"), ("Siobhán", "O'Brien"), ("محمد", "Ali")] {
        let p = c
            .json(
                Method::POST,
                "/api/v1/participants",
                resident(given, family, "1990-03-27", "ls97tf"),
            )
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text());
        assert_eq!(p.json()["given_name"], given, "kept exactly as typed");
        assert_eq!(p.json()["postcode"], "LS9 7TF");
        let e = c
            .json(
                Method::POST,
                &format!("/api/v1/cohorts/{cohort_id}/enrolments"),
                json!({"participant_id": p.json()["id"]}),
            )
            .await;
        assert_eq!(e.status, StatusCode::CREATED, "{}", e.text());
        assert_eq!(e.json()["stage"], "applied");
        enrolments.push(e.json()["id"].as_i64().unwrap());
    }

    // The register of the first day (today is 23 November): two present, one absent.
    let first = sessions[0]["id"].as_i64().unwrap();
    let register: Value = json!([
        {"enrolment_id": enrolments[0], "status": "present"},
        {"enrolment_id": enrolments[1], "status": "late"},
        {"enrolment_id": enrolments[2], "status": "unauthorised_absence"},
    ]);
    for _ in 0..2 {
        let saved = c
            .json(
                Method::PUT,
                &format!("/api/v1/sessions/{first}/attendance"),
                register.clone(),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    }
    let marks: i64 = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(pathways::schema::attendance::table
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(marks, 3, "saving twice leaves one mark per enrolment");
    let roster = c
        .get(&format!("/api/v1/cohorts/{cohort_id}/enrolments"))
        .await
        .json();
    let stages: Vec<&str> = roster["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages.iter().filter(|s| **s == "started").count(),
        2,
        "the first present or late starts them: {stages:?}"
    );
    let got = c
        .get(&format!("/api/v1/sessions/{first}/attendance"))
        .await
        .json();
    assert_eq!(got["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn registers_refuse_future_and_cancelled_sessions_and_strangers() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let other = app.delivery("Leeds City College").await;
    let c = token(&app, Role::Coordinator, "Learning Partnerships").await;
    let future = d.sessions[29];
    let r = c
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{future}/attendance"),
            json!([{"enrolment_id": d.enrolment, "status": "present"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["fields"]["session"]
            .as_str()
            .unwrap()
            .contains("on the day or later")
    );
    let first = d.sessions[0];
    let stranger = c
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{first}/attendance"),
            json!([{"enrolment_id": other.enrolment, "status": "present"}]),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stranger.json()["error"]["fields"]["[0]"]
            .as_str()
            .unwrap()
            .contains("not in this session's cohort")
    );
    let bad_status = c
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{first}/attendance"),
            json!([{"enrolment_id": d.enrolment, "status": "asleep"}]),
        )
        .await;
    assert_eq!(bad_status.status, StatusCode::UNPROCESSABLE_ENTITY);
    let cancel = c
        .json(
            Method::PATCH,
            &format!("/api/v1/sessions/{first}"),
            json!({"cancelled": true, "topic": "Snow day"}),
        )
        .await;
    assert_eq!(cancel.status, StatusCode::OK);
    let r = c
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{first}/attendance"),
            json!([{"enrolment_id": d.enrolment, "status": "present"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Once the day comes, the last session can be marked.
    app.clock.advance(TimeDelta::days(40));
    let r = c
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{future}/attendance"),
            json!([{"enrolment_id": d.enrolment, "status": "present"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // And with attendance recorded the schedule cannot be generated again.
    let g = c
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{}/sessions/generate", d.cohort),
            json!({"replace": true}),
        )
        .await;
    assert_eq!(g.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn residents_are_validated_and_never_duplicated() {
    let app = TestApp::new().await;
    let c = token(&app, Role::Coordinator, "Learning Partnerships").await;
    let bad = c
        .json(Method::POST, "/api/v1/participants", json!({"given_name": "", "family_name": "Khan", "date_of_birth": "31/02/1990", "postcode": "LS99", "email": "amina@", "phone": "12"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = bad.json()["error"]["fields"].clone();
    for f in ["given_name", "date_of_birth", "postcode", "email", "phone"] {
        assert!(fields[f].is_string(), "{f}: {fields}");
    }
    let young = c
        .json(
            Method::POST,
            "/api/v1/participants",
            resident("Amina", "Khan", "2015-01-01", "LS9 7TF"),
        )
        .await;
    assert_eq!(
        young.json()["error"]["fields"]["date_of_birth"],
        "The resident must be aged 16 to 100"
    );
    let first = c
        .json(
            Method::POST,
            "/api/v1/participants",
            resident("Amina", "Khan", "27/03/1990", " ls9 7tf "),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.json()["id"].as_i64().unwrap();
    let dup = c
        .json(
            Method::POST,
            "/api/v1/participants",
            resident("AMINA", "khan", "1990-03-27", "LS97TF"),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(
        dup.json()["error"]["fields"]["existing_participant_id"],
        id.to_string()
    );
    // Search by name part or postcode.
    for q in ["ami", "KHAN", "LS9", "ls9 7tf", "LS97TF"] {
        let found = c
            .get(&format!("/api/v1/participants?q={}", q.replace(' ', "%20")))
            .await
            .json();
        assert_eq!(found["items"].as_array().unwrap().len(), 1, "{q}");
    }
    assert_eq!(
        c.get("/api/v1/participants?q=zzz").await.json()["items"],
        json!([])
    );
    // PATCH changes only what is sent.
    let patched = c
        .json(
            Method::PATCH,
            &format!("/api/v1/participants/{id}"),
            json!({"phone": "07700 900123"}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(
        (
            patched.json()["phone"].clone(),
            patched.json()["family_name"].clone()
        ),
        (json!("07700 900123"), json!("Khan"))
    );
}

#[tokio::test]
async fn enrolment_rules_hold() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let c = token(&app, Role::Coordinator, "Learning Partnerships").await;
    let again = c
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{}/enrolments", d.cohort),
            json!({"participant_id": d.participant}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let path = format!("/api/v1/enrolments/{}", d.enrolment);
    let complete = c
        .json(Method::PATCH, &path, json!({"stage": "completed"}))
        .await;
    assert_eq!(complete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        complete.json()["error"]["fields"]["stage"],
        "A resident cannot complete the course without starting it"
    );
    let withdraw = c
        .json(Method::PATCH, &path, json!({"stage": "withdrawn"}))
        .await;
    assert_eq!(
        withdraw.json()["error"]["fields"]["withdrawal_reason"],
        "Select why the resident withdrew"
    );
    let ok = c
        .json(
            Method::PATCH,
            &path,
            json!({"stage": "withdrawn", "withdrawal_reason": "health"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(
        (
            ok.json()["withdrawal_reason"].clone(),
            ok.json()["withdrawn_on"].clone()
        ),
        (json!("health"), json!("2026-11-23"))
    );
    let dates = c
        .json(
            Method::PATCH,
            &path,
            json!({"interviewed_on": "2026-11-20", "offered_on": "2026-12-01"}),
        )
        .await;
    assert_eq!(
        dates.json()["error"]["fields"]["offered_on"],
        "Offer date must be today or in the past"
    );
    let history = app
        .state
        .db
        .run(move |conn| Ok(pathways::models::Enrolment::history(conn, &[d.enrolment])?))
        .await
        .unwrap();
    let moves: Vec<(Option<String>, String)> = history
        .into_iter()
        .map(|h| {
            (
                h.from_stage.map(|s| s.as_str().to_owned()),
                h.to_stage.as_str().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            (None, "applied".to_owned()),
            (Some("applied".to_owned()), "withdrawn".to_owned())
        ]
    );
    // A full cohort says so.
    c.json(
        Method::PATCH,
        &format!("/api/v1/cohorts/{}", d.cohort),
        json!({"capacity": 1}),
    )
    .await;
    c.json(Method::PATCH, &path, json!({"stage": "accepted"}))
        .await;
    let p = c
        .json(
            Method::POST,
            "/api/v1/participants",
            resident("Ben", "Ode", "1985-01-01", "LS9 7TF"),
        )
        .await;
    let full = c
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{}/enrolments", d.cohort),
            json!({"participant_id": p.json()["id"]}),
        )
        .await;
    assert_eq!(full.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        full.json()["error"]["fields"]["participant_id"]
            .as_str()
            .unwrap()
            .contains("full")
    );
}

#[tokio::test]
async fn other_organisations_get_404_for_everything_and_find_nobody() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    for role in [Role::Coordinator, Role::Hr, Role::Manager] {
        let outsider = token(&app, role, "Bradford Council").await;
        for path in [
            format!("/api/v1/cohorts/{}", d.cohort),
            format!("/api/v1/cohorts/{}/sessions", d.cohort),
            format!("/api/v1/cohorts/{}/enrolments", d.cohort),
            format!("/api/v1/sessions/{}/attendance", d.sessions[0]),
            format!("/api/v1/participants/{}", d.participant),
        ] {
            let r = outsider.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{role:?} {path}");
            assert!(!r.text().contains("Khan"), "{role:?} {path}");
        }
        assert_eq!(
            outsider.get("/api/v1/participants?q=khan").await.json()["items"],
            json!([])
        );
        assert_eq!(
            outsider.get("/api/v1/cohorts").await.json()["items"],
            json!([])
        );
    }
    let outsider = token(&app, Role::Coordinator, "Bradford Council").await;
    let before = app.audit_count().await;
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/cohorts/{}", d.cohort),
            json!({"name": "Taken"}),
        ),
        (
            Method::POST,
            format!("/api/v1/cohorts/{}/sessions/generate", d.cohort),
            json!({"replace": true}),
        ),
        (
            Method::PUT,
            format!("/api/v1/sessions/{}/attendance", d.sessions[0]),
            json!([{"enrolment_id": d.enrolment, "status": "present"}]),
        ),
        (
            Method::PATCH,
            format!("/api/v1/participants/{}", d.participant),
            json!({"phone": "07700 900123"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/enrolments/{}", d.enrolment),
            json!({"stage": "accepted"}),
        ),
        (
            Method::POST,
            "/api/v1/cohorts".to_owned(),
            json!({"programme_id": d.programme, "name": "Mine", "starts_on": "2027-01-04"}),
        ),
    ] {
        let r = outsider.json(method.clone(), &path, body).await;
        assert!(
            matches!(
                r.status,
                StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{method} {path}: {}",
            r.status
        );
    }
    assert_eq!(app.audit_count().await, before, "nothing was written");
    // HR of a partner organisation reads the roster but changes nothing.
    let hr = token(&app, Role::Hr, "Learning Partnerships").await;
    assert_eq!(
        hr.get(&format!("/api/v1/cohorts/{}/enrolments", d.cohort))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        hr.json(
            Method::PATCH,
            &format!("/api/v1/enrolments/{}", d.enrolment),
            json!({"stage": "accepted"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn equality_answers_reach_only_coordinators_and_admins() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let c = token(&app, Role::Coordinator, "Learning Partnerships").await;
    let path = format!("/api/v1/participants/{}/equality", d.participant);
    let saved = c.json(Method::PUT, &path, json!({"ethnic_group": "white_roma", "sex": "prefer_not_to_say", "disability": "yes", "consent_given_on": "2026-11-02"})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert_eq!(c.get(&path).await.json()["ethnic_group"], "white_roma");
    let bad = c
        .json(Method::PUT, &path, json!({"ethnic_group": "martian"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for role in [Role::Manager, Role::Hr] {
        let other = token(&app, role, "Learning Partnerships").await;
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        for p in [
            format!("/api/v1/participants/{}", d.participant),
            format!("/api/v1/cohorts/{}/enrolments", d.cohort),
            "/api/v1/participants".to_owned(),
        ] {
            let text = other.get(&p).await.text();
            assert!(
                !text.contains("white_roma") && !text.contains("ethnic"),
                "{role:?} {p}"
            );
        }
    }
}

#[tokio::test]
async fn every_write_leaves_an_audit_event_naming_the_resident() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let c = token(&app, Role::Coordinator, "Learning Partnerships").await;
    c.json(
        Method::PATCH,
        &format!("/api/v1/participants/{}", d.participant),
        json!({"phone": "07700 900123"}),
    )
    .await;
    c.json(
        Method::PATCH,
        &format!("/api/v1/enrolments/{}", d.enrolment),
        json!({"interviewed_on": "2026-11-20"}),
    )
    .await;
    let trail = app
        .state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use pathways::schema::audit_events as a;
            Ok(a::table
                .filter(a::participant_id.eq(d.participant))
                .select((a::entity, a::action))
                .order(a::id)
                .load::<(String, String)>(conn)?)
        })
        .await
        .unwrap();
    let entities: Vec<(&str, &str)> = trail
        .iter()
        .map(|(e, a)| (e.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        entities,
        [
            ("participant", "create"),
            ("enrolment", "create"),
            ("participant", "update"),
            ("enrolment", "update")
        ]
    );
}

#[tokio::test]
async fn information_sessions_count_everyone_and_name_residents() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let c = token(&app, Role::Coordinator, "Learning Partnerships").await;
    let path = format!("/api/v1/programmes/{}/information-sessions", d.programme);
    let bad = c
        .json(
            Method::POST,
            &path,
            json!({"held_on": "2027-01-01", "venue": "", "head_count": -1}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = bad.json()["error"]["fields"].clone();
    assert!(
        fields["held_on"].is_string()
            && fields["venue"].is_string()
            && fields["head_count"].is_string(),
        "{fields}"
    );
    let created = c.json(Method::POST, &path, json!({"held_on": "2026-10-05", "venue": "Harehills community centre", "head_count": 1})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    let attendees = format!("/api/v1/information-sessions/{id}/attendees");
    assert_eq!(
        c.json(
            Method::POST,
            &attendees,
            json!({"participant_id": d.participant})
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        c.json(
            Method::POST,
            &attendees,
            json!({"participant_id": d.participant})
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let listed = c.get(&path).await.json();
    assert_eq!(
        (
            listed["items"][0]["head_count"].clone(),
            listed["items"][0]["named_attendees"].clone()
        ),
        (json!(1), json!(1))
    );
    let outsider = token(&app, Role::Coordinator, "Bradford Council").await;
    assert_eq!(outsider.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        outsider
            .json(
                Method::POST,
                &attendees,
                json!({"participant_id": d.participant})
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
