//! Reports on the demo data: the golden files byte for byte, reconciliation of every
//! cohort's counts with its participants export, as-at dates, the pages, the CSV
//! downloads and who may see what. On both databases.

use std::collections::HashMap;

use axum::http::StatusCode;
use pathways::auth::Role;
use pathways::demo::golden;

use crate::common::TestApp;

const DEMO_ORG: &str = "Leeds City Council";

async fn demo_app() -> TestApp {
    let app = TestApp::new().await;
    pathways::demo::load(&app.state, |_| {})
        .await
        .expect("the demo loads");
    app
}

fn pilot_id() -> i32 {
    1
}

#[tokio::test]
async fn the_demo_reproduces_the_golden_reports_and_every_count_reconciles() {
    let app = demo_app().await;
    let files = app.state.db.run(golden::files).await.unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports");
    if std::env::var("PATHWAYS_BLESS").is_ok_and(|v| v == "1") {
        for (path, text) in &files {
            let target = root.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
    }
    assert_eq!(
        files.len(),
        22 + 2,
        "one file per cohort, the programme and the pilot"
    );
    for (path, text) in &files {
        let expected = std::fs::read_to_string(root.join(path))
            .unwrap_or_else(|_| panic!("reports/{path} is missing; see docs/REPORTS.md"));
        assert_eq!(
            text, &expected,
            "reports/{path} differs from what the program produces"
        );
    }
    // Running it again gives the same bytes.
    let again = app.state.db.run(golden::files).await.unwrap();
    assert_eq!(files, again);

    // Reconciliation: each count equals the matching rows of the participants export.
    let admin = app.login_as(Role::Admin, DEMO_ORG).await;
    let as_at = golden::as_at();
    for id in 1..=22 {
        let report = admin
            .get(&format!("/api/v1/cohorts/{id}/report?as_at={as_at}"))
            .await
            .json();
        let csv_text = admin
            .get(&format!(
                "/api/v1/cohorts/{id}/participants.csv?as_at={as_at}"
            ))
            .await
            .text();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let rows: Vec<HashMap<String, String>> = reader.deserialize().map(|r| r.unwrap()).collect();
        let count = |f: &dyn Fn(&HashMap<String, String>) -> bool| {
            rows.iter().filter(|r| f(r)).count() as i64
        };
        let n = |key: &str| report[key].as_i64().unwrap();
        let started = |r: &HashMap<String, String>| r["sessions_attended"] != "0";
        assert_eq!(n("referred"), rows.len() as i64, "cohort {id} referred");
        assert_eq!(n("started"), count(&started), "cohort {id} started");
        assert_eq!(
            n("completed"),
            count(&|r| r["completed"] == "yes"),
            "cohort {id} completed"
        );
        assert_eq!(
            n("withdrawn"),
            count(&|r| started(r) && r["stage"] == "withdrawn"),
            "cohort {id} withdrawn"
        );
        assert_eq!(
            n("employed"),
            count(&|r| !r["job_start"].is_empty()),
            "cohort {id} employed"
        );
        for weeks in [13, 26, 52] {
            let col = format!("in_post_{weeks}w");
            assert_eq!(
                n(&format!("sustained_{weeks}w")),
                count(&|r| r[&col] == "yes"),
                "cohort {id} {col}"
            );
            assert_eq!(
                n(&format!("due_{weeks}w")),
                count(&|r| !r[&col].is_empty()),
                "cohort {id} due {col}"
            );
        }
        assert_eq!(
            n("progressed"),
            count(&|r| !r["job_start"].is_empty() && r["progressions"] != "0"),
            "cohort {id} progressed"
        );
    }
}

#[tokio::test]
async fn the_pilot_reads_49_started_29_employed_and_nobody_before_it_began() {
    let app = demo_app().await;
    let manager = app.login_as(Role::Manager, DEMO_ORG).await;
    let page = manager
        .get(&format!("/cohorts/{}/report?as_at=2026-11-20", pilot_id()))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("49 started, 29 employed (59.2 %)."),
        "headline missing"
    );
    assert!(
        html.contains("<svg class=\"chart\""),
        "funnel chart missing"
    );
    assert!(html.contains("The funnel as a table"));
    // A manager never sees equality breakdowns; a coordinator does.
    assert!(!html.contains("Ethnic group") && html.contains("Neighbourhood"));
    let json = manager
        .get("/api/v1/cohorts/1/report?as_at=2026-11-20")
        .await
        .json();
    assert_eq!(json["employment_rate"], 59.2);
    assert!(json["breakdowns"].get("ethnic_group").is_none());
    assert!(
        json["definitions"]["employed"]
            .as_str()
            .unwrap()
            .contains("26 weeks")
    );
    let coordinator = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    let json = coordinator
        .get("/api/v1/cohorts/1/report?as_at=2026-11-20&publishable=1")
        .await
        .json();
    let groups = json["breakdowns"]["ethnic_group"].as_array().unwrap();
    assert!(
        groups.iter().any(|g| g["referred"] == "<5"),
        "small counts are suppressed"
    );
    assert!(
        groups
            .iter()
            .all(|g| g["referred"] != 1 && g["referred"] != 4)
    );

    let before = manager
        .get("/api/v1/cohorts/1/report?as_at=2019-01-01")
        .await
        .json();
    assert_eq!(
        (before["referred"].as_i64(), before["started"].as_i64()),
        (Some(0), Some(0))
    );
    assert!(before["employment_rate"].is_null());
    let ended = manager
        .get("/api/v1/cohorts/1/report?as_at=2019-10-11")
        .await
        .json();
    assert_eq!(
        (ended["started"].as_i64(), ended["employed"].as_i64()),
        (Some(49), Some(0))
    );

    let csv = manager
        .get("/api/v1/cohorts/1/report.csv?as_at=2026-11-20&bom=1")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text();
    assert!(
        text.starts_with('\u{feff}'),
        "bom=1 starts with a byte-order mark"
    );
    assert!(text.contains(",55,49,43,4,39,29,29,59.2,"));
    // The command line prints the same figures as the golden files.
    let url = app.state.config.database_url.clone();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports");
    let run = |args: &[&str]| crate::cli::pathways(&url, args, "");
    let (ok, out, err) = run(&[
        "report",
        "cohort",
        "1",
        "--format",
        "csv",
        "--as-at",
        "2026-11-20",
    ]);
    assert!(ok, "{err}");
    let golden_csv =
        std::fs::read_to_string(root.join("cohorts/01-lincoln-green-pilot-2019.csv")).unwrap();
    assert_eq!(out, golden_csv);
    let (ok, out, _) = run(&["report", "cohort", "1", "--as-at", "2026-11-20"]);
    assert!(ok && out == std::fs::read_to_string(root.join("pilot.txt")).unwrap());
    let (ok, _, err) = run(&["report", "cohort", "999"]);
    assert!(
        !ok && err.trim().lines().count() == 1 && err.contains("no cohort 999"),
        "{err}"
    );
    let (ok, out, err) = run(&[
        "report",
        "programme",
        "--format",
        "csv",
        "--as-at",
        "2026-11-20",
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        std::fs::read_to_string(root.join("programme.csv")).unwrap()
    );
    let (ok, _, err) = run(&["report", "programme", "999"]);
    assert!(
        !ok && err.trim().lines().count() == 1 && err.contains("no programme 999"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    let file_arg = file.to_str().unwrap();
    let (ok, _, err) = run(&[
        "export",
        "participants",
        "--cohort",
        "1",
        "--as-at",
        "2026-11-20",
        "--out",
        file_arg,
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap().lines().count(),
        1 + 55
    );

    // Erasing residents of the pilot (one employed, one withdrawn) changes no count.
    let before_erasure = manager
        .get("/api/v1/cohorts/1/report.csv?as_at=2026-11-20")
        .await
        .text();
    let now = app.state.clock.now();
    app.state
        .db
        .run(move |conn| {
            for id in [8, 12] {
                pathways::models::erasure::erase_participant(conn, None, id, now)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let after_erasure = manager
        .get("/api/v1/cohorts/1/report.csv?as_at=2026-11-20")
        .await
        .text();
    assert_eq!(before_erasure, after_erasure);
    let json = coordinator
        .get("/api/v1/cohorts/1/report?as_at=2026-11-20")
        .await
        .json();
    let ages = json["breakdowns"]["age_band"].as_array().unwrap();
    assert!(
        ages.iter()
            .any(|g| g["group"] == "Not known" && g["referred"] == 2),
        "{ages:?}"
    );

    let programme = manager.get("/reports?as_at=2026-11-20").await;
    assert!(
        programme.text().contains("Total") && programme.text().contains("Lincoln Green pilot 2019")
    );
    assert_eq!(
        manager
            .get("/cohorts/1/report?as_at=31-02-2020")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let bad = manager.get("/api/v1/reports/programme.csv?from=nope").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json()["error"]["fields"]["from"].is_string());
}

#[tokio::test]
async fn outsiders_get_404_for_reports_and_hr_cannot_export() {
    let app = TestApp::new().await;
    let delivery = app.delivery(DEMO_ORG).await;
    let cohort = delivery.cohort;
    for role in [Role::Coordinator, Role::Hr, Role::Manager] {
        let outsider = app.login_as(role, "Bradford Council").await;
        for path in [
            format!("/cohorts/{cohort}/report"),
            format!("/api/v1/cohorts/{cohort}/report"),
        ] {
            assert_eq!(
                outsider.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{role:?} {path}"
            );
        }
        let csv = outsider.get("/api/v1/reports/programme.csv").await;
        if role != Role::Hr {
            assert_eq!(
                csv.text().lines().count(),
                3,
                "{role:?}: header and the two empty totals only"
            );
        }
    }
    // Downloading a cohort's list of people is audited; its figures are not personal data.
    let coordinator = app.login_as(Role::Coordinator, DEMO_ORG).await;
    let before = app.audit_count().await;
    let list = coordinator
        .get(&format!("/api/v1/cohorts/{cohort}/participants.csv"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().starts_with("participant_id,given_name"));
    assert_eq!(app.audit_count().await, before + 1);
    let hr = app.login_as(Role::Hr, DEMO_ORG).await;
    assert_eq!(
        hr.get(&format!("/cohorts/{cohort}/report")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        hr.get(&format!("/api/v1/cohorts/{cohort}/participants.csv"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_age_breakdown_counts_each_resident_by_their_age_at_the_start() {
    // Built from the test-data builders: only what the figure depends on is named.
    let app = TestApp::new().await;
    let programme = app.programme("Ages", &[DEMO_ORG]).await;
    let cohort = app
        .cohort()
        .programme(programme)
        .starting("2026-11-02")
        .status("recruiting")
        .create()
        .await;
    for (given, born) in [("Young", "2002-11-03"), ("Turned", "2001-11-02")] {
        let resident = app
            .participant()
            .named(given, "Resident")
            .born(born)
            .postcode("LS8 1AA")
            .create()
            .await;
        app.enrolment(&cohort, &resident).create().await;
    }
    let (admin, _) = app.user(Role::Admin, DEMO_ORG).await;
    let client = app.token_client(admin).await;
    let report = client
        .get(&format!("/api/v1/cohorts/{}/report", cohort.id))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    let ages = &report.json()["breakdowns"]["age_band"];
    // 23 the day before their birthday, and 25 on it.
    assert_eq!(ages[0]["group"], "16-24", "{ages}");
    assert_eq!(ages[0]["referred"], 1, "{ages}");
    assert_eq!(ages[1]["group"], "25-34", "{ages}");
    assert_eq!(ages[1]["referred"], 1, "{ages}");
}
