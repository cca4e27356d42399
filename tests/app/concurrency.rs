//! Concurrency (issue 10): bursts of simultaneous requests through the real HTTP
//! server keep every invariant on both databases (one place taken of one, one record of a
//! person sent twelve times, twenty residents from six identical imports, one register
//! saved by sixteen writers, twelve sign-ins at once), never answer 5xx, and never
//! answer 409 to an idempotent call. Each burst prints its time, statuses and retries
//! (`cargo test --test app concurrency -- --nocapture`).

use std::sync::Arc;

use axum::http::{Method, StatusCode, header};
use diesel::prelude::*;
use pathways::auth::Role;
use pathways::schema::{attendance, enrolments, participants};
use serde_json::json;

use crate::common::{Delivery, PASSWORD, TestApp};
use crate::http::{Call, Served, burst, statuses};

const ORG: &str = "Leeds City Council";

/// A coordinator's API token and the served app.
async fn setup(app: &TestApp) -> (Arc<Served>, String, i32) {
    let (id, _) = app.user(Role::Coordinator, ORG).await;
    let token = app.token_client(id).await.bearer.unwrap();
    (Arc::new(app.serve().await), token, id)
}

fn resident(given: &str, dob: &str) -> serde_json::Value {
    json!({"given_name": given, "family_name": "Okafor", "date_of_birth": dob, "postcode": "LS9 7TF"})
}

/// Rounds of the bursts whose race window is short: one round alone, on a loaded
/// two-core machine, does not always overlap the requests enough to show a broken rule.
const ROUNDS: usize = 4;

/// A recruiting cohort of the delivery's programme with `capacity` places, made through
/// the API.
async fn cohort(served: &Served, token: &str, d: &Delivery, name: &str, capacity: i32) -> i32 {
    let body = json!({"programme_id": d.programme, "name": name, "starts_on": "2027-03-01",
        "capacity": capacity, "status": "recruiting"});
    let r = served
        .api(token, Method::POST, "/api/v1/cohorts", &body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap() as i32
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_enrolments_into_one_place_enrol_exactly_one() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (served, token, _) = setup(&app).await;
    for round in 0..ROUNDS {
        let cohort = cohort(&served, &token, &d, &format!("One place {round}"), 1).await;
        let mut people = Vec::new();
        for i in 0..12 {
            let body = resident(&format!("Capacity{round}x{i}"), "1990-05-01");
            let r = served
                .api(&token, Method::POST, "/api/v1/participants", &body)
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            people.push(r.json()["id"].as_i64().unwrap());
        }
        let path = format!("/api/v1/cohorts/{cohort}/enrolments");
        let calls = people
            .iter()
            .map(|id| {
                let body = json!({ "participant_id": id }).to_string();
                Call::api(&token, Method::POST, path.clone(), body)
            })
            .collect();
        let responses = burst(&served, "capacity", calls).await;
        let tally = statuses(&responses);
        // One enrolled; every other answer is the documented "this cohort is full" (422).
        assert_eq!(tally.get(&201), Some(&1), "{tally:?}");
        assert_eq!(tally.get(&422), Some(&11), "{tally:?}");
        let enrolled: i64 = app
            .state
            .db
            .run(move |conn| {
                Ok(enrolments::table
                    .filter(enrolments::cohort_id.eq(cohort))
                    .count()
                    .get_result(conn)?)
            })
            .await
            .unwrap();
        assert_eq!(enrolled, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_new_resident_sent_twelve_times_is_recorded_once() {
    let app = TestApp::new().await;
    let (served, token, _) = setup(&app).await;
    for round in 0..ROUNDS {
        let name = format!("Chidinma{round}");
        let body = resident(&name, "1987-09-14").to_string();
        let calls = (0..12)
            .map(|_| {
                Call::api(
                    &token,
                    Method::POST,
                    "/api/v1/participants".into(),
                    body.clone(),
                )
            })
            .collect();
        let responses = burst(&served, "same resident", calls).await;
        let tally = statuses(&responses);
        assert_eq!(tally.get(&201), Some(&1), "{tally:?}");
        // The rest are the named duplicate answer, pointing at the one record.
        let created = responses.iter().find(|r| r.status == StatusCode::CREATED);
        let id = created.unwrap().json()["id"].as_i64().unwrap().to_string();
        for r in responses.iter().filter(|r| r.status != StatusCode::CREATED) {
            assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
            let named = &r.json()["error"]["fields"]["existing_participant_id"];
            assert_eq!(named.as_str(), Some(id.as_str()), "{}", r.text());
        }
        let records: i64 = app
            .state
            .db
            .run(move |conn| {
                Ok(participants::table
                    .filter(participants::given_name.eq(name))
                    .count()
                    .get_result(conn)?)
            })
            .await
            .unwrap();
        assert_eq!(records, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_identical_imports_at_once_make_twenty_residents() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (served, token, _) = setup(&app).await;
    let cohort = cohort(&served, &token, &d, "Twenty-five places", 25).await;
    let mut csv = String::from("given_name,family_name,date_of_birth,postcode\n");
    for i in 1..=20 {
        csv.push_str(&format!("Imported{i},Mensah,1991-03-{i:02},LS8 5QB\n"));
    }
    let calls = (0..6)
        .map(|_| Call {
            method: Method::POST,
            path: format!("/api/v1/cohorts/{cohort}/import"),
            headers: vec![
                (header::AUTHORIZATION.to_string(), format!("Bearer {token}")),
                (header::CONTENT_TYPE.to_string(), "text/csv".into()),
            ],
            body: csv.clone(),
        })
        .collect();
    let responses = burst(&served, "identical imports", calls).await;
    // Importing the same file again is not an error: it finds everyone already there.
    for r in &responses {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let new: i64 = responses
        .iter()
        .map(|r| r.json()["new_residents"].as_i64().unwrap())
        .sum();
    assert_eq!(new, 20);
    let (people, enrolled) = app
        .state
        .db
        .run(move |conn| {
            let people: i64 = participants::table
                .filter(participants::family_name.eq("Mensah"))
                .count()
                .get_result(conn)?;
            let enrolled: i64 = enrolments::table
                .filter(enrolments::cohort_id.eq(cohort))
                .count()
                .get_result(conn)?;
            Ok((people, enrolled))
        })
        .await
        .unwrap();
    assert_eq!((people, enrolled), (20, 20));
}

/// Fisher–Yates with a fixed-seed xorshift, so every run shuffles alike.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_register_saved_by_sixteen_writers_in_any_order_always_succeeds() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (served, token, _) = setup(&app).await;
    let mut entries = vec![(d.enrolment, "present")];
    for i in 0..7 {
        let body = resident(&format!("Register{i}"), "1985-02-11");
        let r = served
            .api(&token, Method::POST, "/api/v1/participants", &body)
            .await;
        let enrol = json!({ "participant_id": r.json()["id"] });
        let path = format!("/api/v1/cohorts/{}/enrolments", d.cohort);
        let r = served.api(&token, Method::POST, &path, &enrol).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let status = ["present", "late", "unauthorised_absence"][i % 3];
        entries.push((r.json()["id"].as_i64().unwrap() as i32, status));
    }
    let session = d.sessions[0];
    let path = format!("/api/v1/sessions/{session}/attendance");
    let calls = (0..16)
        .map(|writer| {
            let mut mine = entries.clone();
            shuffle(&mut mine, writer);
            let body: Vec<_> = mine
                .iter()
                .map(|(id, status)| json!({"enrolment_id": id, "status": status}))
                .collect();
            Call::api(&token, Method::PUT, path.clone(), json!(body).to_string())
        })
        .collect();
    let responses = burst(&served, "one register", calls).await;
    for r in &responses {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let rows: i64 = app
        .state
        .db
        .run(move |conn| {
            Ok(attendance::table
                .filter(attendance::course_session_id.eq(session))
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(rows, 8);
}

/// A sign-in form post for `email` with the right password, its token fetched first.
async fn sign_in_call(served: &Served, email: &str) -> Call {
    let form = served.send(Method::GET, "/sign-in", &[], "").await;
    let token = form
        .cookie("pathways_signin")
        .expect("sign-in token cookie");
    let fields = [
        ("csrf_token", token.as_str()),
        ("email", email),
        ("password", PASSWORD),
    ];
    Call {
        method: Method::POST,
        path: "/sign-in".into(),
        headers: vec![
            (
                header::COOKIE.to_string(),
                format!("pathways_signin={token}"),
            ),
            (
                header::CONTENT_TYPE.to_string(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: serde_urlencoded::to_string(fields).unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_sign_ins_at_once_with_the_right_password_all_succeed() {
    let app = TestApp::new().await;
    let mut emails = Vec::new();
    for _ in 0..12 {
        emails.push(app.user(Role::Coordinator, ORG).await.1);
    }
    let served = Arc::new(app.serve().await);
    let mut calls = Vec::new();
    for email in &emails {
        calls.push(sign_in_call(&served, email).await);
    }
    let responses = burst(&served, "sign-ins", calls).await;
    for r in &responses {
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert!(r.cookie("pathways_session").is_some());
    }
}

/// One account signed into twelve times at once: the throttle counts each attempt before
/// the password is checked (so a burst of guesses reaches the hash at most five times), so
/// some of these wait with 429; none is a conflict or a server error, and one gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_account_signed_into_twelve_times_at_once_is_never_a_conflict() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Coordinator, ORG).await;
    let served = Arc::new(app.serve().await);
    let mut calls = Vec::new();
    for _ in 0..12 {
        calls.push(sign_in_call(&served, &email).await);
    }
    let responses = burst(&served, "one account", calls).await;
    let mut signed_in = 0;
    for r in &responses {
        match r.status {
            StatusCode::SEE_OTHER => {
                assert!(r.cookie("pathways_session").is_some());
                signed_in += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}: {}", r.text()),
        }
    }
    assert!(signed_in >= 1, "nobody signed in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_cohorts_with_one_name_make_one_and_name_the_clash() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (served, token, _) = setup(&app).await;
    for round in 0..ROUNDS {
        let body = json!({"programme_id": d.programme, "name": format!("Summer {round}"),
            "starts_on": "2027-06-07", "status": "planned"});
        let calls = (0..12)
            .map(|_| {
                Call::api(
                    &token,
                    Method::POST,
                    "/api/v1/cohorts".into(),
                    body.to_string(),
                )
            })
            .collect();
        let responses = burst(&served, "one cohort name", calls).await;
        assert_eq!(statuses(&responses).get(&201), Some(&1));
        // A clash on the unique key is run again, so its answer is the named one.
        for r in responses.iter().filter(|r| r.status != StatusCode::CREATED) {
            assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
            assert!(
                r.json()["error"]["fields"]["name"].is_string(),
                "{}",
                r.text()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_band_increases_at_once_raise_the_band_once() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let job = crate::common::employment(&app, &d, ORG).await;
    let (served, token, _) = setup(&app).await;
    let body = json!({"kind": "band_increase", "band": 3, "effective_on": "2027-01-04"});
    let path = format!("/api/v1/employments/{job}/progressions");
    let calls = (0..8)
        .map(|_| Call::api(&token, Method::POST, path.clone(), body.to_string()))
        .collect();
    let responses = burst(&served, "band increases", calls).await;
    let tally = statuses(&responses);
    // The first raises band 2 to 3; the others would not raise it any more (422).
    assert_eq!(tally.get(&201), Some(&1), "{tally:?}");
    assert_eq!(tally.get(&422), Some(&7), "{tally:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_organisations_with_one_name_in_any_case_make_one() {
    let app = TestApp::new().await;
    let (id, _) = app.user(Role::Admin, ORG).await;
    let token = app.token_client(id).await.bearer.unwrap();
    let served = Arc::new(app.serve().await);
    for round in 0..ROUNDS {
        let calls = (0..12)
            .map(|i| {
                let name = format!("Harehills Trust {round}");
                // Half in another case: the rule ignores case, the unique index does not.
                let name = if i % 2 == 0 {
                    name
                } else {
                    name.to_uppercase()
                };
                let body = json!({"name": name, "kind": "charity"}).to_string();
                Call::api(&token, Method::POST, "/api/v1/organisations".into(), body)
            })
            .collect();
        let responses = burst(&served, "one organisation name", calls).await;
        assert_eq!(statuses(&responses).get(&201), Some(&1));
        for r in responses.iter().filter(|r| r.status != StatusCode::CREATED) {
            assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
            assert!(
                r.json()["error"]["fields"]["name"].is_string(),
                "{}",
                r.text()
            );
        }
    }
}
