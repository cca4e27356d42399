//! An untaken register is not an absence: only held sessions (on or before the date, not
//! cancelled, register taken) count towards attendance, completion and runs of absences;
//! past sessions without a register are shown apart as outstanding, on the pages, in the
//! reports and in the exports, and as-at reports count a register taken late for its
//! session's day. On both databases (today is Monday 23 November 2026).

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use pathways::auth::Role;
use pathways::models::{Cohort, Participant};
use serde_json::json;

use crate::common::{TestApp, TestClient};

const ORG: &str = "Leeds City College";

/// A running cohort of `ORG`'s programme starting on `starts`, its sessions generated,
/// with the residents named enrolled; returns the cohort, its session ids in date order
/// and the enrolment ids.
async fn cohort_with(
    app: &TestApp,
    starts: &str,
    names: &[(&str, &str)],
) -> (Cohort, Vec<i32>, Vec<(Participant, i32)>) {
    let programme = app.programme("Health and Care Careers", &[ORG]).await;
    let (actor, _) = app.user(Role::Admin, ORG).await;
    let (cohort, sessions) = app
        .cohort()
        .programme(programme)
        .starting(starts)
        .status("running")
        .by(actor)
        .create_with_sessions()
        .await;
    let mut people = Vec::new();
    for (given, family) in names {
        let p = app
            .participant()
            .named(given, family)
            .owner(ORG)
            .by(actor)
            .create()
            .await;
        let e = app.enrolment(&cohort, &p).by(actor).create().await;
        people.push((p, e.id));
    }
    // Enrolled (applied) before the course began, so as-at reports of its days see them.
    let cohort_id = cohort.id;
    app.state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use pathways::schema::{enrolment_stage_changes as changes, enrolments};
            let mine = enrolments::table
                .filter(enrolments::cohort_id.eq(cohort_id))
                .select(enrolments::id);
            let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
            diesel::update(changes::table.filter(changes::enrolment_id.eq_any(mine)))
                .set(changes::changed_on.eq(day))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    (cohort, sessions, people)
}

/// Saves the register of `session` through the API with one mark per enrolment.
async fn take_register(c: &TestClient, session: i32, marks: &[(i32, &str)]) {
    let body: Vec<_> = marks
        .iter()
        .map(|(e, status)| json!({"enrolment_id": e, "status": status}))
        .collect();
    let saved = c
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{session}/attendance"),
            json!(body),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
}

/// The participants CSV of a cohort as at a date, by enrolment id.
async fn participant_rows(
    c: &TestClient,
    cohort: i32,
    as_at: &str,
) -> HashMap<String, HashMap<String, String>> {
    let text = c
        .get(&format!(
            "/api/v1/cohorts/{cohort}/participants.csv?as_at={as_at}"
        ))
        .await
        .text();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .deserialize::<HashMap<String, String>>()
        .map(|r| {
            let r = r.unwrap();
            (r["participant_id"].clone(), r)
        })
        .collect()
}

#[tokio::test]
async fn one_register_taken_of_seven_past_sessions_reads_one_of_one_with_six_outstanding() {
    let app = TestApp::new().await;
    // Thursday 12 November: Thu, Fri, then Mon–Fri are the seven days before today.
    let (cohort, sessions, people) = cohort_with(&app, "2026-11-12", &[("Amina", "Khan")]).await;
    let (resident, enrolment) = &people[0];
    let c = app.login_as(Role::Coordinator, ORG).await;
    take_register(&c, sessions[0], &[(*enrolment, "present")]).await;

    let page = c
        .get(&format!("/participants/{}", resident.id))
        .await
        .text();
    assert!(
        page.contains("1 of 1 held, 100.0%") && page.contains("6 registers outstanding"),
        "{page}"
    );
    assert!(!page.contains("14.3%") && !page.contains("of 7"), "{page}");

    let roster = c.get(&format!("/cohorts/{}", cohort.id)).await.text();
    assert!(
        roster.contains(">1 of 1<") && roster.contains(">100.0%<"),
        "{roster}"
    );
    assert!(
        roster.contains("Attendance over 1 session held so far; 6 registers outstanding"),
        "{roster}"
    );

    // The report and the exports agree with the page.
    let report = c
        .get(&format!(
            "/api/v1/cohorts/{}/report?as_at=2026-11-23",
            cohort.id
        ))
        .await
        .json();
    assert_eq!(report["started"], 1);
    assert_eq!(report["mean_attendance_rate"], 100.0);
    assert_eq!(report["outstanding_registers"], 6);
    let rows = participant_rows(&c, cohort.id, "2026-11-23").await;
    let row = &rows[&resident.id.to_string()];
    assert_eq!(
        (
            row["sessions_attended"].as_str(),
            row["sessions_held"].as_str(),
            row["attendance_rate"].as_str()
        ),
        ("1", "1", "100.0")
    );
    let report_page = c
        .get(&format!("/cohorts/{}/report?as_at=2026-11-23", cohort.id))
        .await
        .text();
    assert!(
        report_page.contains("6 registers outstanding: sessions before this date"),
        "{report_page}"
    );
    let programme_page = c.get("/reports?as_at=2026-11-23").await.text();
    assert!(
        programme_page.contains("Registers outstanding"),
        "{programme_page}"
    );
}

#[tokio::test]
async fn completion_and_runs_of_absence_count_only_registers_taken() {
    let app = TestApp::new().await;
    // Monday 7 September: all thirty sessions are over by today.
    let (cohort, sessions, people) =
        cohort_with(&app, "2026-09-07", &[("Amina", "Khan"), ("Kofi", "Mensah")]).await;
    let (amina, kofi) = (people[0].1, people[1].1);
    let c = app.login_as(Role::Coordinator, ORG).await;
    // Registers for every other day up to the ninth; the days between stay untaken.
    let days = [
        ("present", "unauthorised_absence"),
        ("present", "present"),
        ("present", "authorised_absence"),
        ("present", "unauthorised_absence"),
        ("unauthorised_absence", "unauthorised_absence"),
    ];
    for (i, (a, k)) in days.iter().enumerate() {
        take_register(&c, sessions[i * 2], &[(amina, a), (kofi, k)]).await;
    }

    let page = c.get(&format!("/cohorts/{}", cohort.id)).await.text();
    assert!(
        page.contains(">4 of 5<") && page.contains(">80.0%<") && page.contains(">1 of 5<"),
        "{page}"
    );
    assert!(
        page.contains("3 absences in a row"),
        "the untaken days between Kofi's absences neither break nor extend the run: {page}"
    );
    assert!(page.contains("25 registers outstanding"), "{page}");
    let kofi_page = c
        .get(&format!("/participants/{}", people[1].0.id))
        .await
        .text();
    assert!(
        kofi_page.contains("1 of 5 held, 20.0%") && kofi_page.contains("3 absences in a row"),
        "{kofi_page}"
    );

    // 4 of the 5 held sessions meets the 80 % threshold; 4 of 30 would not.
    let report = c
        .get(&format!(
            "/api/v1/cohorts/{}/report?as_at=2026-11-23",
            cohort.id
        ))
        .await
        .json();
    assert_eq!(report["started"], 2);
    assert_eq!(report["completed"], 1, "{report}");
    assert_eq!(report["mean_attendance_rate"], 50.0);
    assert_eq!(report["outstanding_registers"], 25);
    let rows = participant_rows(&c, cohort.id, "2026-11-23").await;
    let amina_row = &rows[&people[0].0.id.to_string()];
    assert_eq!(amina_row["completed"], "yes");
    assert_eq!(amina_row["sessions_held"], "5");
    assert_eq!(rows[&people[1].0.id.to_string()]["completed"], "no");

    // Cancelling an untaken session takes it out of the outstanding count.
    let cancelled = c
        .json(
            Method::PATCH,
            &format!("/api/v1/sessions/{}", sessions[1]),
            json!({"cancelled": true}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    let report = c
        .get(&format!(
            "/api/v1/cohorts/{}/report?as_at=2026-11-23",
            cohort.id
        ))
        .await
        .json();
    assert_eq!(report["outstanding_registers"], 24);
}

#[tokio::test]
async fn a_register_taken_late_counts_for_its_own_day_in_reports_as_at() {
    let app = TestApp::new().await;
    let (cohort, sessions, people) = cohort_with(&app, "2026-11-12", &[("Amina", "Khan")]).await;
    let (resident, enrolment) = &people[0];
    let c = app.login_as(Role::Coordinator, ORG).await;
    // The register of Thursday 12 November is typed in today, 23 November.
    take_register(&c, sessions[0], &[(*enrolment, "present")]).await;
    let id = resident.id.to_string();
    for (as_at, held, outstanding) in [
        // Before the course: nothing held, nothing outstanding.
        ("2026-11-11", "0", 0),
        // Its own day: held, though taken later (the register records that day).
        ("2026-11-12", "1", 0),
        // Friday 20th: the 13th and 16th–19th are outstanding; the 20th itself is due.
        ("2026-11-20", "1", 5),
        ("2026-11-23", "1", 6),
    ] {
        let rows = participant_rows(&c, cohort.id, as_at).await;
        assert_eq!(rows[&id]["sessions_held"], held, "as at {as_at}");
        let report = c
            .get(&format!(
                "/api/v1/cohorts/{}/report?as_at={as_at}",
                cohort.id
            ))
            .await
            .json();
        assert_eq!(
            report["outstanding_registers"], outstanding,
            "as at {as_at}"
        );
    }
    // Run twice, the same as-at report is the same.
    let path = format!("/api/v1/cohorts/{}/report.csv?as_at=2026-11-20", cohort.id);
    assert_eq!(c.get(&path).await.text(), c.get(&path).await.text());
}
