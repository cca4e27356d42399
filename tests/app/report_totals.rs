//! The programme report's two totals on the demo data: `TOTAL` over every cohort and
//! `TOTAL_CLOSED` over those whose outcome window (26 weeks after the last session) has
//! closed as at the date, the same in the page, the CSV, the JSON and the text; one name
//! ("referred") for one number; dates in day, month and year boxes on the report pages
//! with the old `YYYY-MM-DD` query still read; and the residents CSV's last four columns.
//! On both databases.

use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeDelta};
use pathways::auth::Role;
use pathways::domain::WithdrawalReason;

use crate::common::TestApp;

const DEMO_ORG: &str = "Leeds City Council";
const AS_AT: &str = "2026-11-20";

async fn demo_app() -> TestApp {
    let app = TestApp::new().await;
    pathways::demo::load(&app.state, |_| {})
        .await
        .expect("the demo loads");
    app
}

fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let text = text.trim_start_matches('\u{feff}');
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .map(|r| r.unwrap())
        .collect()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

const COUNTS: [&str; 7] = [
    "referred",
    "started",
    "completed",
    "withdrawn",
    "interviewed",
    "offered",
    "employed",
];

/// The programme CSV as at `as_at`: the cohort rows, `TOTAL` and `TOTAL_CLOSED`, with the
/// totals checked against the rows they add up.
type Row = HashMap<String, String>;

fn check_totals(text: &str, as_at: NaiveDate) -> (Vec<Row>, Row, Row) {
    let mut all = rows(text);
    let closed_total = all.pop().unwrap();
    let total = all.pop().unwrap();
    assert_eq!(
        (total["cohort"].as_str(), closed_total["cohort"].as_str()),
        ("TOTAL", "TOTAL_CLOSED")
    );
    let closed: Vec<&HashMap<String, String>> = all
        .iter()
        .filter(|r| day(&r["ends_on"]) + TimeDelta::weeks(26) <= as_at)
        .collect();
    for column in COUNTS {
        let sum = |rows: &mut dyn Iterator<Item = &HashMap<String, String>>| -> i64 {
            rows.map(|r| r[column].parse::<i64>().unwrap()).sum()
        };
        assert_eq!(
            sum(&mut all.iter()),
            total[column].parse::<i64>().unwrap(),
            "TOTAL {column}"
        );
        assert_eq!(
            sum(&mut closed.iter().copied()),
            closed_total[column].parse::<i64>().unwrap(),
            "TOTAL_CLOSED {column} as at {as_at}"
        );
    }
    let (started, employed) = (
        closed_total["started"].parse::<f64>().unwrap(),
        closed_total["employed"].parse::<f64>().unwrap(),
    );
    if started > 0.0 {
        assert_eq!(
            closed_total["employment_rate"],
            format!("{:.1}", (employed * 1000.0 / started).round() / 10.0)
        );
    }
    (all, total, closed_total)
}

#[tokio::test]
async fn total_closed_counts_the_cohorts_whose_window_has_closed_as_at_the_date() {
    let app = demo_app().await;
    let manager = app.login_as(Role::Manager, DEMO_ORG).await;
    let csv_at = |as_at: &'static str| {
        let manager = &manager;
        async move {
            let response = manager
                .get(&format!("/api/v1/reports/programme.csv?as_at={as_at}"))
                .await;
            assert_eq!(response.status, StatusCode::OK);
            response.text()
        }
    };

    // As at the golden date some cohorts are still inside their window.
    let text = csv_at(AS_AT).await;
    let (lines, total, closed) = check_totals(&text, day(AS_AT));
    let open = lines
        .iter()
        .filter(|r| day(&r["ends_on"]) + TimeDelta::weeks(26) > day(AS_AT))
        .count();
    assert!(
        open > 0 && open < lines.len(),
        "some open and some closed: {open}"
    );
    assert!(closed["referred"].parse::<i64>().unwrap() < total["referred"].parse::<i64>().unwrap());
    assert!(
        closed["employment_rate"] > total["employment_rate"],
        "cohorts still running no longer drag the rate down: {} vs {}",
        closed["employment_rate"],
        total["employment_rate"]
    );

    // The same cohorts judged later: all closed, so the two totals agree on every count.
    let later = csv_at("2028-06-01").await;
    let (_, total, closed) = check_totals(&later, day("2028-06-01"));
    for column in COUNTS {
        assert_eq!(total[column], closed[column], "{column}");
    }
    // Judged before any window closed: an empty closed total.
    let early = csv_at("2019-12-01").await;
    let (_, _, closed) = check_totals(&early, day("2019-12-01"));
    assert_eq!(closed["referred"], "0");
    assert_eq!(closed["employment_rate"], "");

    // The page: the total row and the closed total row, each cohort's window, the headline
    // from the closed cohorts, and the chart over them.
    let page = manager.get(&format!("/reports?as_at={AS_AT}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let (_, _, closed) = check_totals(&text, day(AS_AT));
    let headline = format!(
        "Closed cohorts: {} referred, {} started, {} employed ({} %).",
        closed["referred"], closed["started"], closed["employed"], closed["employment_rate"]
    );
    assert!(html.contains(&headline), "{headline} missing");
    assert!(html.contains("<tr id=\"total\">") && html.contains("<tr id=\"total-closed\">"));
    assert!(html.contains("Total, closed cohorts"));
    assert!(html.contains("Open until "), "open cohorts say so");
    assert!(html.contains("Closed "));
    assert!(html.contains("by closed cohort"), "the chart's title");
    let closed_row = html.split("<tr id=\"total-closed\">").nth(1).unwrap();
    let closed_row = closed_row.split("</tr>").next().unwrap();
    assert!(
        closed_row.contains(&format!(
            "<td class=\"numeric\">{}</td>",
            closed["referred"]
        )),
        "{closed_row}"
    );

    // The command line: the same rows in CSV, the totals in JSON and text.
    let url = app.state.config.database_url.clone();
    let run = |args: &[&str]| crate::cli::pathways(&url, args, "");
    let (ok, out, err) = run(&["report", "programme", "--format", "csv", "--as-at", AS_AT]);
    assert!(ok, "{err}");
    assert_eq!(out, text);
    let (ok, out, err) = run(&["report", "programme", "--format", "json", "--as-at", AS_AT]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = json["items"].as_array().unwrap();
    let last = &items[items.len() - 1];
    assert_eq!(last["cohort"], "TOTAL_CLOSED");
    assert_eq!(last["referred"], closed["referred"].as_str());
    assert_eq!(items[items.len() - 2]["cohort"], "TOTAL");
    assert_eq!(items[0]["window_closed"], true);
    assert_eq!(items[items.len() - 3]["window_closed"], false);
    assert!(items[items.len() - 3]["window_closes_on"].is_string());
    let (ok, out, err) = run(&["report", "programme", "--as-at", AS_AT]);
    assert!(ok, "{err}");
    assert!(out.contains(": TOTAL_CLOSED (2019-09-02 to "), "{out}");
    assert!(out.contains(&format!(
        "  {} referred, {} started, {} employed ({} %).",
        closed["referred"], closed["started"], closed["employed"], closed["employment_rate"]
    )));
    assert!(out.contains("Outcome window open until "));
}

#[tokio::test]
async fn referred_is_one_name_for_one_number() {
    let app = demo_app().await;
    let manager = app.login_as(Role::Manager, DEMO_ORG).await;
    let html = manager
        .get(&format!("/cohorts/1/report?as_at={AS_AT}"))
        .await
        .text();
    assert!(
        html.contains("55 referred, 49 started, 29 employed (59.2 %)."),
        "the headline"
    );
    assert!(!html.contains("Applied"), "the funnel says referred");
    assert!(html.contains("<th scope=\"row\">Referred</th><td class=\"numeric\">55</td>"));
    assert_eq!(pathways::domain::Stage::Applied.label(), "Referred");
    assert_eq!(pathways::domain::Stage::Applied.as_str(), "applied");
    let cohort = manager.get("/cohorts/1").await.text();
    assert!(!cohort.contains(">Applied<"), "the cohort's funnel");
}

#[tokio::test]
async fn report_dates_are_typed_in_boxes_and_old_links_still_work() {
    let app = demo_app().await;
    let manager = app.login_as(Role::Manager, DEMO_ORG).await;
    // The boxes and the old query give the same report.
    let boxes = manager
        .get("/cohorts/1/report?as_at_day=20&as_at_month=11&as_at_year=2026")
        .await;
    let old = manager
        .get(&format!("/cohorts/1/report?as_at={AS_AT}"))
        .await;
    assert_eq!((boxes.status, old.status), (StatusCode::OK, StatusCode::OK));
    let (boxes, old) = (boxes.text(), old.text());
    assert_eq!(boxes, old);
    for name in ["as_at_day", "as_at_month", "as_at_year"] {
        assert!(boxes.contains(&format!("name=\"{name}\"")), "{name}");
    }
    assert!(boxes.contains("name=\"as_at_day\" type=\"text\" inputmode=\"numeric\" value=\"20\""));
    assert!(!boxes.contains("type=\"date\""));

    // A date that cannot be read: the page again, with the problem, 422.
    for bad in [
        "/cohorts/1/report?as_at_day=31&as_at_month=2&as_at_year=2026",
        "/cohorts/1/report?as_at_day=20&as_at_month=11",
        "/cohorts/1/report?as_at=2026-13-40",
    ] {
        let page = manager.get(bad).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let html = page.text();
        assert!(html.contains("There is a problem"), "{bad}");
        assert!(html.contains("<a href=\"#as_at\">The as-at date"), "{bad}");
        assert!(html.contains("<title>Error: "), "{bad}");
    }

    // The programme report: from, to and as at in boxes, the old query still read.
    let boxes = manager
        .get("/reports?from_day=1&from_month=1&from_year=2020&to_day=31&to_month=12&to_year=2020&as_at_day=20&as_at_month=11&as_at_year=2026")
        .await;
    let old = manager
        .get("/reports?from=2020-01-01&to=2020-12-31&as_at=2026-11-20")
        .await;
    assert_eq!((boxes.status, old.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(boxes.text(), old.text());
    let html = old.text();
    assert!(html.contains("January 2020") && !html.contains("January 2021"));
    assert!(html.contains("name=\"from_year\" type=\"text\" inputmode=\"numeric\" value=\"2020\""));
    assert!(!html.contains("type=\"date\""));
    // The CSV link carries the dates as the API reads them.
    assert!(html.contains("programme.csv?as_at=2026-11-20&#38;from=2020-01-01&#38;to=2020-12-31"));
    for bad in [
        "/reports?from_day=30&from_month=2&from_year=2020",
        "/reports?to=20-20-20",
        "/reports?as_at_year=20x6&as_at_month=1&as_at_day=1",
        "/reports?from=2021-01-01&to=2020-01-01",
    ] {
        let page = manager.get(bad).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let html = page.text();
        assert!(html.contains("There is a problem"), "{bad}");
        assert!(
            !html.contains("Total, closed cohorts"),
            "{bad}: no figures for a bad filter"
        );
    }
}

#[tokio::test]
async fn the_residents_csv_ends_with_interview_offer_and_withdrawal() {
    let app = demo_app().await;
    let manager = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    let path = |as_at: &str| format!("/api/v1/cohorts/1/participants.csv?as_at={as_at}");
    let response = manager.get(&path(AS_AT)).await;
    assert_eq!(response.status, StatusCode::OK);
    let text = response.text();
    let header = text.lines().next().unwrap();
    assert!(
        header.ends_with(
            ",progressions,latest_job_title,latest_band,interviewed_on,offered_on,withdrawn_on,withdrawal_reason"
        ),
        "{header}"
    );
    assert!(header.starts_with("participant_id,given_name,family_name,postcode,imd_decile,stage,"));
    let people = rows(&text);
    assert_eq!(people.len(), 55);
    let report = manager
        .get(&format!("/api/v1/cohorts/1/report?as_at={AS_AT}"))
        .await
        .json();
    let set = |column: &str| people.iter().filter(|r| !r[column].is_empty()).count() as i64;
    assert_eq!(
        set("interviewed_on"),
        report["interviewed"].as_i64().unwrap()
    );
    assert_eq!(set("offered_on"), report["offered"].as_i64().unwrap());
    for r in &people {
        for column in ["interviewed_on", "offered_on", "withdrawn_on"] {
            if !r[column].is_empty() {
                assert!(day(&r[column]) <= day(AS_AT), "{column}: {}", r[column]);
            }
        }
        let withdrawn = r["stage"] == "withdrawn";
        assert_eq!(!r["withdrawal_reason"].is_empty(), withdrawn, "{r:?}");
        if withdrawn {
            assert!(WithdrawalReason::parse(&r["withdrawal_reason"]).is_some());
            assert!(!r["withdrawn_on"].is_empty(), "{r:?}");
        } else {
            assert!(r["withdrawn_on"].is_empty(), "{r:?}");
        }
    }
    assert!(set("withdrawal_reason") > 0, "the pilot has withdrawals");
    // As at the course's start nobody had been interviewed, offered or withdrawn yet.
    let early = rows(&manager.get(&path("2019-05-01")).await.text());
    for r in &early {
        for column in [
            "interviewed_on",
            "offered_on",
            "withdrawn_on",
            "withdrawal_reason",
        ] {
            assert!(r[column].is_empty(), "{column} as at 2019-05-01: {r:?}");
        }
    }
    // The command line export has the same columns.
    let url = app.state.config.database_url.clone();
    let (ok, out, err) = crate::cli::pathways(
        &url,
        &["export", "participants", "--cohort", "1", "--as-at", AS_AT],
        "",
    );
    assert!(ok, "{err}");
    assert_eq!(out, text);
}
