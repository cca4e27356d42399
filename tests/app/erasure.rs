//! Erasure and retention (issue 6): identity gone everywhere, even from the database
//! file's bytes, while enrolment, attendance and job facts (and so report counts) stay.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use pathways::auth::Role;
use pathways::db::DbConnection;
use pathways::schema::{attendance, audit_events, employments, enrolments};
use serde_json::json;

use crate::cli::pathways;
use crate::common::TestApp;
use crate::subject_access::full_record;

/// Per cohort: (enrolments, attendance marks, jobs).
async fn facts(app: &TestApp) -> BTreeMap<i32, (usize, usize, usize)> {
    app.state
        .db
        .run(|conn| {
            let cohort_of: BTreeMap<i32, i32> = enrolments::table
                .select((enrolments::id, enrolments::cohort_id))
                .load::<(i32, i32)>(conn)?
                .into_iter()
                .collect();
            let mut out: BTreeMap<i32, (usize, usize, usize)> = BTreeMap::new();
            for cohort in cohort_of.values() {
                out.entry(*cohort).or_default().0 += 1;
            }
            for e in attendance::table
                .select(attendance::enrolment_id)
                .load::<i32>(conn)?
            {
                out.entry(cohort_of[&e]).or_default().1 += 1;
            }
            for e in employments::table
                .select(employments::enrolment_id)
                .load::<i32>(conn)?
            {
                out.entry(cohort_of[&e]).or_default().2 += 1;
            }
            Ok(out)
        })
        .await
        .unwrap()
}

/// Every audit snapshot about one participant, as text.
async fn snapshots(app: &TestApp, participant: i32) -> String {
    app.state
        .db
        .run(move |conn| {
            let rows: Vec<(Option<String>, Option<String>)> = audit_events::table
                .filter(audit_events::participant_id.eq(participant))
                .select((audit_events::before_json, audit_events::after_json))
                .load(conn)?;
            Ok(format!("{rows:?}"))
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn erasure_removes_identity_and_keeps_the_facts() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    full_record(&app, &d).await;
    let before = facts(&app).await;
    assert_eq!(before[&d.cohort], (1, 1, 1));
    assert!(snapshots(&app, d.participant).await.contains("Amina"));
    let coordinator = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let path = format!("/participants/{}/erase", d.participant);
    assert_eq!(coordinator.get(&path).await.status, StatusCode::FORBIDDEN);
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let resident = admin
        .get(&format!("/participants/{}", d.participant))
        .await
        .text();
    assert!(resident.contains(&path), "admins see the erase link");
    assert!(
        admin
            .get(&path)
            .await
            .text()
            .contains("Erase personal data")
    );
    let unconfirmed = admin.post_form(&path, &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = admin.post_form(&path, &[("confirm", "yes")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains("Personal data erased"));
    // Again: harmless.
    assert_eq!(
        admin.post_form(&path, &[("confirm", "yes")]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        facts(&app).await,
        before,
        "enrolment, attendance and job counts unchanged"
    );
    let p = admin
        .get(&format!("/api/v1/participants/{}", d.participant))
        .await
        .json();
    assert_eq!(
        (p["given_name"].as_str(), p["family_name"].as_str()),
        (Some("Erased"), Some("resident"))
    );
    assert_eq!(p["postcode"], "LS9");
    assert_eq!(p["date_of_birth"], "1900-01-01");
    assert_eq!(
        (p["email"].clone(), p["phone"].clone()),
        (json!(null), json!(null))
    );
    let equality = admin
        .get(&format!("/api/v1/participants/{}/equality", d.participant))
        .await
        .json();
    assert_eq!(equality["sex"], json!(null));
    let trail = snapshots(&app, d.participant).await;
    for personal in ["Amina", "amina", "Khan", "1990-03-27", "7TF", "female"] {
        assert!(
            !trail.contains(personal),
            "{personal} still in the audit trail: {trail}"
        );
    }
    assert!(
        trail.contains("\\\"erased\\\":true"),
        "the erasure is audited: {trail}"
    );
    let export = admin
        .get(&format!("/api/v1/participants/{}/export", d.participant))
        .await
        .json();
    assert_eq!(export["employments"][0]["progressions"][0]["notes"], "");
    assert_eq!(
        export["employments"][0]["progressions"][0]["kind"],
        "qualification"
    );
    assert_eq!(export["equality"], json!(null));
    let api = app
        .token_client(app.user(Role::Admin, "Leeds City Council").await.0)
        .await;
    let patch =
        json!({"given_name": "Amina", "date_of_birth": "1990-03-27", "postcode": "LS9 7TF"});
    let r = api
        .json(
            Method::PATCH,
            &format!("/api/v1/participants/{}", d.participant),
            patch,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "an erased record stays erased"
    );
    let again = api
        .get(&format!("/api/v1/participants/{}", d.participant))
        .await
        .json();
    assert_eq!(again["given_name"], "Erased");
    let next = crate::imports::next_cohort(&app, &d, 25).await;
    let enrol = json!({"participant_id": d.participant});
    let r = api
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{next}/enrolments"),
            enrol,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not enrolled again"
    );
    let r = api.get("/api/v1/participants?q=amina").await.json();
    assert_eq!(
        r["items"].as_array().unwrap().len(),
        0,
        "no search finds them"
    );
    let roster = admin
        .get(&format!("/api/v1/cohorts/{}/enrolments", d.cohort))
        .await
        .json();
    assert_eq!(roster["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_audit_trail_stays_append_only_except_for_scrubbing_the_erased() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let (p, now) = (d.participant, app.state.clock.now());
    let update = format!("UPDATE audit_events SET after_json = '{{}}' WHERE participant_id = {p}");
    let delete = format!("DELETE FROM audit_events WHERE participant_id = {p}");
    let other = "UPDATE audit_events SET entity = 'x' WHERE participant_id IS NOT NULL";
    let (refused_before, refused_after, deletes_refused, entity_refused) = app
        .state
        .db
        .run(move |conn| {
            let mut run = |sql: &str| match conn {
                DbConnection::Sqlite(c) => c.batch_execute(sql).is_err(),
                DbConnection::Postgresql(c) => c.batch_execute(sql).is_err(),
            };
            let refused_before = run(&update);
            pathways::models::erasure::erase_participant(conn, None, p, now)?;
            let mut run = |sql: &str| match conn {
                DbConnection::Sqlite(c) => c.batch_execute(sql).is_err(),
                DbConnection::Postgresql(c) => c.batch_execute(sql).is_err(),
            };
            Ok((refused_before, run(&update), run(&delete), run(other)))
        })
        .await
        .unwrap();
    assert!(
        refused_before,
        "events of a resident who is not erased cannot change"
    );
    assert!(
        !refused_after,
        "an erased resident's snapshots can be scrubbed"
    );
    assert!(deletes_refused, "no event is ever deleted");
    assert!(entity_refused, "only the snapshots may change");
}

#[tokio::test]
async fn an_erased_name_is_gone_from_the_database_file() {
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    let Some(path) = url.strip_prefix("sqlite://").map(str::to_owned) else {
        return; // PostgreSQL: the byte-level check is SQLite's.
    };
    let d = app.delivery("Leeds City Council").await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    let body = json!({"given_name": "Zephyrine", "family_name": "Quillfeather", "date_of_birth": "1991-05-17",
        "postcode": "LS8 5QB", "email": "zephyrine@example.org", "phone": "0113 496 0001"});
    let r = api.json(Method::POST, "/api/v1/participants", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let patch = json!({"referral_source": "Zephyrine's sister"});
    assert_eq!(
        api.json(Method::PATCH, &format!("/api/v1/participants/{id}"), patch)
            .await
            .status,
        StatusCode::OK
    );
    let enrol = json!({"participant_id": id});
    assert_eq!(
        api.json(
            Method::POST,
            &format!("/api/v1/cohorts/{}/enrolments", d.cohort),
            enrol
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert!(
        file_contains(&app, &path, "Zephyrine").await,
        "the check can see names"
    );
    let (ok, out, err) = pathways(&url, &["erase", "participant", &id.to_string()], "");
    assert!(ok && out.contains("has been erased"), "{out}{err}");
    for needle in ["Zephyrine", "zephyrine", "Quillfeather", "1991-05-17"] {
        let found = file_contains(&app, &path, needle).await;
        assert!(!found, "{needle} is still in the database file");
    }
    let (ok, out, _) = pathways(&url, &["erase", "participant", &id.to_string()], "");
    assert!(ok && out.contains("already erased"), "{out}");
    let (ok, _, err) = pathways(&url, &["erase", "participant", "99999"], "");
    assert!(!ok && err.contains("no resident has id 99999"), "{err}");
}

/// Whether the SQLite file (after a WAL checkpoint) or its WAL holds `needle`.
async fn file_contains(app: &TestApp, path: &str, needle: &str) -> bool {
    app.state
        .db
        .run(|conn| {
            if let DbConnection::Sqlite(c) = conn {
                c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}
