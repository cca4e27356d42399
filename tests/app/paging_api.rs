//! The API's lists page with a real `next_cursor`: cohorts (by id, filtered), a cohort's
//! sessions and roster, a session's register, a resident's jobs and a programme's
//! information sessions. Following `next_cursor` yields every row once and in the
//! first-page order; a cursor that is not one is 422; scoped callers see only their rows.

use axum::http::{Method, StatusCode};
use pathways::auth::Role;
use serde_json::{Value, json};

use crate::common::{TestApp, TestClient, employment};

/// Every item of the list at `path`, following `next_cursor` with `limit`.
async fn walk(client: &TestClient, path: &str, limit: i64) -> Vec<Value> {
    let join = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut url = format!("{path}{join}limit={limit}");
    loop {
        let page = client.get(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.text());
        let page = page.json();
        let got = page["items"].as_array().unwrap();
        assert!(got.len() as i64 <= limit);
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(!got.is_empty());
                url = format!("{path}{join}limit={limit}&cursor={cursor}");
            }
            None => return items,
        }
    }
}

/// The `field` of each item, as integers.
fn ints(items: &[Value], field: &str) -> Vec<i64> {
    items.iter().map(|i| i[field].as_i64().unwrap()).collect()
}

async fn token(app: &TestApp, role: Role, org: &str) -> TestClient {
    let (id, _) = app.user(role, org).await;
    app.token_client(id).await
}

#[tokio::test]
async fn api_cohorts_page_by_id_with_filters_and_scope() {
    let app = TestApp::new().await;
    let mine = app.programme("Care Academy", &["Leeds City Council"]).await;
    let theirs = app.programme("Ward Skills", &["Bradford Council"]).await;
    let mut running = Vec::new();
    let mut all_mine = Vec::new();
    for i in 0..5 {
        let status = if i % 2 == 0 { "running" } else { "planned" };
        let date = format!("202{}-03-02", 4 + i % 3);
        let c = app
            .cohort()
            .programme(mine)
            .name(&format!("M{i}"))
            .starting(&date)
            .status(status)
            .create()
            .await;
        all_mine.push(i64::from(c.id));
        if status == "running" {
            running.push(i64::from(c.id));
        }
        app.cohort()
            .programme(theirs)
            .name(&format!("T{i}"))
            .create()
            .await;
    }
    let coordinator = token(&app, Role::Coordinator, "Leeds City Council").await;
    assert_eq!(
        ints(&walk(&coordinator, "/api/v1/cohorts", 2).await, "id"),
        all_mine
    );
    let filtered = walk(&coordinator, "/api/v1/cohorts?status=running", 2).await;
    assert_eq!(ints(&filtered, "id"), running);
    let by_year = walk(&coordinator, "/api/v1/cohorts?year=2025", 2).await;
    assert_eq!(ints(&by_year, "id"), vec![all_mine[1], all_mine[4]]);
    let by_name = walk(&coordinator, "/api/v1/cohorts?programme=ward", 2).await;
    assert!(by_name.is_empty(), "another organisation's programme");
    let admin = token(&app, Role::Admin, "Leeds City Council").await;
    let theirs_only = walk(&admin, &format!("/api/v1/cohorts?programme_id={theirs}"), 3).await;
    assert_eq!(theirs_only.len(), 5);
    for query in [
        "status=asleep",
        "year=20x6",
        "programme_id=-1",
        "cursor=2026-01-01.3",
    ] {
        let bad = admin.get(&format!("/api/v1/cohorts?{query}")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
}

#[tokio::test]
async fn a_cohorts_sessions_roster_and_register_page() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let id = d.cohort;
    let cohort = app
        .state
        .db
        .run(move |c| Ok(pathways::models::Cohort::find(c, id)?))
        .await
        .unwrap();
    for (i, family) in ["Zane", "Adams", "Moss", "Adams"].iter().enumerate() {
        let p = app
            .participant()
            .named(&format!("Given{i}"), family)
            .born(&format!("199{i}-01-0{}", i + 1))
            .create()
            .await;
        app.enrolment(&cohort, &p).create().await;
    }
    let admin = token(&app, Role::Admin, "Leeds City Council").await;

    let whole = admin
        .get(&format!("/api/v1/cohorts/{}/sessions", d.cohort))
        .await
        .json();
    assert_eq!(
        whole["items"].as_array().unwrap().len(),
        30,
        "first page as before"
    );
    assert!(whole["next_cursor"].is_null());
    let paged = walk(&admin, &format!("/api/v1/cohorts/{}/sessions", d.cohort), 7).await;
    assert_eq!(
        ints(&paged, "id"),
        d.sessions.iter().map(|s| i64::from(*s)).collect::<Vec<_>>()
    );

    let path = format!("/api/v1/cohorts/{}/enrolments", d.cohort);
    let whole = admin.get(&path).await.json();
    let roster = ints(whole["items"].as_array().unwrap(), "id");
    assert_eq!(roster.len(), 5);
    assert_eq!(
        ints(&walk(&admin, &path, 2).await, "id"),
        roster,
        "same order, each once"
    );
    // An id that is not on this roster names no position in it: nothing follows.
    let unknown = admin.get(&format!("{path}?cursor=999999")).await.json();
    assert_eq!(unknown["items"].as_array().map(Vec::len), Some(0));
    assert!(unknown["next_cursor"].is_null());
    let bad = admin.get(&format!("{path}?cursor=1.2")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let register = format!("/api/v1/sessions/{}/attendance", d.sessions[0]);
    let whole = admin.get(&register).await.json();
    let lines = ints(whole["items"].as_array().unwrap(), "enrolment_id");
    assert_eq!(lines.len(), 5);
    assert!(whole["session"]["id"].is_number());
    assert_eq!(
        ints(&walk(&admin, &register, 2).await, "enrolment_id"),
        lines
    );

    // Another organisation's coordinator sees none of it.
    let other = token(&app, Role::Coordinator, "Bradford Council").await;
    for path in [&path, &register] {
        assert_eq!(other.get(path).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_residents_jobs_page() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let mut jobs = Vec::new();
    for employer in ["Leeds City Council"; 3] {
        jobs.push(i64::from(employment(&app, &d, employer).await));
    }
    let admin = token(&app, Role::Admin, "Leeds City Council").await;
    let path = format!("/api/v1/participants/{}/employments", d.participant);
    let first = admin.get(&path).await.json();
    assert_eq!(ints(first["items"].as_array().unwrap(), "id"), jobs);
    assert!(first["next_cursor"].is_null());
    assert_eq!(ints(&walk(&admin, &path, 2).await, "id"), jobs);
    let bad = admin.get(&format!("{path}?cursor=7")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_programmes_information_sessions_page_newest_first() {
    let app = TestApp::new().await;
    let programme = app.programme("Care Academy", &["Leeds City Council"]).await;
    let admin = token(&app, Role::Admin, "Leeds City Council").await;
    let path = format!("/api/v1/programmes/{programme}/information-sessions");
    let record = |held_on: &'static str| {
        let (admin, path) = (&admin, &path);
        async move {
            let body = json!({"held_on": held_on, "venue": "Hall", "head_count": 12});
            let r = admin.json(Method::POST, path, body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            r.json()["id"].as_i64().unwrap()
        }
    };
    let mut made = Vec::new();
    for held_on in [
        "2025-10-06",
        "2026-02-02",
        "2026-02-02",
        "2026-06-01",
        "2025-01-13",
    ] {
        made.push((held_on, record(held_on).await));
    }
    made.sort_by(|a, b| b.cmp(a));
    let newest_first: Vec<i64> = made.iter().map(|(_, id)| *id).collect();
    assert_eq!(ints(&walk(&admin, &path, 2).await, "id"), newest_first);
    let year = walk(&admin, &format!("{path}?year=2025"), 1).await;
    assert_eq!(ints(&year, "id"), vec![newest_first[3], newest_first[4]]);
    assert_eq!(
        admin.get(&format!("{path}?year=soon")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The programme page pages them too, and keeps the year in its links.
    let web = app.login_as(Role::Admin, "Leeds City Council").await;
    let page = web
        .get(&format!("/programmes/{programme}?limit=2&year=2026"))
        .await
        .text();
    let next = crate::paging::next_link(&page).expect("a next page");
    assert!(
        next.contains("year=2026") && next.contains(&format!("cursor={}.", day_number(2026, 2, 2))),
        "{next}"
    );
    let other = token(&app, Role::Coordinator, "Bradford Council").await;
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_roster_read_in_pages_is_stable_when_someone_enrols_meanwhile() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let id = d.cohort;
    let cohort = app
        .state
        .db
        .run(move |c| Ok(pathways::models::Cohort::find(c, id)?))
        .await
        .unwrap();
    let enrol = |given: &'static str, family: &'static str, born: &'static str| {
        let (app, cohort) = (&app, &cohort);
        async move {
            let p = app
                .participant()
                .named(given, family)
                .born(born)
                .create()
                .await;
            i64::from(app.enrolment(cohort, &p).create().await.id)
        }
    };
    for (given, family, born) in [("Bo", "Moss", "1991-02-02"), ("Cy", "Park", "1992-03-03")] {
        enrol(given, family, born).await;
    }
    let admin = token(&app, Role::Admin, "Leeds City Council").await;
    let path = format!("/api/v1/cohorts/{id}/enrolments");
    let before = ints(
        admin.get(&path).await.json()["items"].as_array().unwrap(),
        "id",
    );
    let first = admin.get(&format!("{path}?limit=2")).await.json();
    let cursor = first["next_cursor"]
        .as_str()
        .expect("more to come")
        .to_owned();
    // One sorts before the cursor (not shown: that page is read), one after (shown once).
    enrol("Al", "Abbott", "1993-04-04").await;
    let late = enrol("Zed", "Zulu", "1994-05-05").await;
    let mut seen = ints(first["items"].as_array().unwrap(), "id");
    let mut url = format!("{path}?limit=2&cursor={cursor}");
    loop {
        let page = admin.get(&url).await.json();
        seen.extend(ints(page["items"].as_array().unwrap(), "id"));
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("{path}?limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut want = before;
    want.push(late);
    assert_eq!(seen, want);
}

/// A date's day number, as cursors carry dates.
fn day_number(year: i32, month: u32, day: u32) -> i32 {
    use chrono::Datelike;
    chrono::NaiveDate::from_ymd_opt(year, month, day)
        .expect("a real date")
        .num_days_from_ce()
}
