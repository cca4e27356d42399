//! The checkpoints work queue, paged: reading every page yields each due checkpoint once
//! in due order, also when a job is recorded between pages; the site and due-date
//! filters narrow it; HR never sees another trust's checkpoints on any page, in the API
//! or on the page.

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeDelta};
use diesel::prelude::*;
use pathways::auth::Role;
use pathways::schema::{checkpoints, employments};

use crate::common::{TestApp, TestClient};

const PROVIDER: &str = "Learning Partnerships";
const TRUST_A: &str = "Leeds Teaching Hospitals";
const TRUST_B: &str = "Bradford Teaching Hospitals";

/// Records a job for a new resident enrolled in `cohort`, at `employer` and `site`,
/// starting `start`; returns the employment id (the HR queue's tests make jobs alike).
async fn job(
    app: &TestApp,
    cohort: &pathways::models::Cohort,
    n: usize,
    at: (i32, &str),
    start: &str,
) -> i32 {
    crate::hr_queue::job(app, cohort, n, at, start).await.0
}

struct Queue {
    trust_a: i32,
    cohort: pathways::models::Cohort,
}

/// Eleven jobs at two trusts and three sites, two of them starting the same day, and the
/// clock moved to 20 May 2027: their 13- and 26-week checkpoints are due (22 in all), the
/// 26-week ones of the last six jobs not yet overdue.
async fn setup(app: &TestApp) -> Queue {
    let programme = app
        .programme("Careers", &[PROVIDER, TRUST_A, TRUST_B])
        .await;
    let cohort = app.cohort().programme(programme).create().await;
    let (trust_a, trust_b) = (
        app.organisation(TRUST_A).await,
        app.organisation(TRUST_B).await,
    );
    let sites = [
        (trust_a, "North Wing"),
        (trust_a, "South Wing"),
        (trust_b, "Eastgate"),
    ];
    for n in 0..11 {
        let day = 2 + (n as u32).min(9); // the last two start on the same day
        let start = format!("2026-11-{day:02}");
        job(app, &cohort, n, sites[n % 3], &start).await;
    }
    app.clock.advance(TimeDelta::days(178)); // 20 May 2027
    Queue { trust_a, cohort }
}

/// The due, unrecorded checkpoints of `employer` (all when `None`) by (due_on, id), as
/// the database holds them.
async fn due(app: &TestApp, employer: Option<i32>) -> Vec<i32> {
    let today = app.state.clock.today();
    app.state
        .db
        .run(move |conn| {
            let mut q = checkpoints::table
                .inner_join(employments::table)
                .filter(checkpoints::status.is_null())
                .filter(checkpoints::due_on.le(today))
                .select(checkpoints::id)
                .order((checkpoints::due_on, checkpoints::id))
                .into_boxed();
            if let Some(e) = employer {
                q = q.filter(employments::employer_organisation_id.eq(e));
            }
            Ok(q.load(conn)?)
        })
        .await
        .unwrap()
}

/// Every item of the API queue at `query`, page by page (`limit` each); `between` runs
/// after the first page.
async fn read_all(
    c: &TestClient,
    query: &str,
    mut between: impl AsyncFnMut(),
) -> Vec<serde_json::Value> {
    let (mut items, mut cursor, mut pages) = (Vec::new(), String::new(), 0);
    loop {
        let r = c
            .get(&format!(
                "/api/v1/checkpoints?{query}&limit=4&cursor={cursor}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let body = r.json();
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        pages += 1;
        if pages == 1 {
            between().await;
        }
        match body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return items,
        }
    }
}

/// The id of the `weeks` checkpoint of job `employment`.
async fn checkpoint_of(app: &TestApp, employment: i32, weeks: i32) -> i32 {
    app.state
        .db
        .run(move |conn| {
            Ok(checkpoints::table
                .filter(checkpoints::employment_id.eq(employment))
                .filter(checkpoints::weeks.eq(weeks))
                .select(checkpoints::id)
                .first(conn)?)
        })
        .await
        .unwrap()
}

fn ids(items: &[serde_json::Value]) -> Vec<i32> {
    items
        .iter()
        .map(|i| i["id"].as_i64().unwrap() as i32)
        .collect()
}

#[tokio::test]
async fn paging_the_queue_yields_every_due_checkpoint_once_in_due_order() {
    let app = TestApp::new().await;
    let q = setup(&app).await;
    assert_eq!(due(&app, None).await.len(), 22);
    let (admin, _) = app.user(Role::Admin, PROVIDER).await;
    let admin = app.token_client(admin).await;
    // A job recorded after the first page, starting as early as any other: its 13-week
    // checkpoint sorts before the cursor, so it is not on the pages to come and nothing
    // shifts or repeats; its 26-week one sorts after, so it is read once, in its place.
    let mut new_job = 0;
    let items = read_all(&admin, "", async || {
        new_job = job(&app, &q.cohort, 99, (q.trust_a, "North Wing"), "2026-11-02").await;
    })
    .await;
    let early = checkpoint_of(&app, new_job, 13).await;
    let mut expected = due(&app, None).await;
    expected.retain(|id| *id != early);
    let got = ids(&items);
    let mut unique = got.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), got.len(), "no checkpoint twice: {got:?}");
    assert_eq!(got, expected);
    let dues: Vec<&str> = items
        .iter()
        .map(|i| i["due_on"].as_str().unwrap())
        .collect();
    assert!(
        dues.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {dues:?}"
    );
    assert_eq!(items[0]["status"], "overdue");
    assert_eq!(items.last().unwrap()["status"], "due");
    assert!(items[0]["given_name"].is_string() && items[0]["site"].is_string());

    // Read again from the start, the new job is there, once.
    let all = ids(&read_all(&admin, "", async || {}).await);
    assert_eq!(all, due(&app, None).await);
    assert_eq!(all.len(), 24);

    let bad = admin.get("/api/v1/checkpoints?cursor=2027-02-30.1").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("cursor"));
    let bad = admin.get("/api/v1/checkpoints?due_by=soon").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("due_by"));
}

#[tokio::test]
async fn the_site_and_due_date_filters_narrow_the_queue() {
    let app = TestApp::new().await;
    setup(&app).await;
    let (admin, _) = app.user(Role::Admin, PROVIDER).await;
    let admin = app.token_client(admin).await;
    let all = read_all(&admin, "", async || {}).await;

    let north = read_all(&admin, "site=north", async || {}).await;
    assert!(!north.is_empty() && north.len() < all.len());
    assert!(north.iter().all(|i| i["site"] == "North Wing"));
    let expected: Vec<_> = all
        .iter()
        .filter(|i| i["site"] == "North Wing")
        .cloned()
        .collect();
    assert_eq!(ids(&north), ids(&expected));

    let by = "2027-02-05";
    let early = read_all(&admin, &format!("due_by={by}"), async || {}).await;
    assert!(!early.is_empty() && early.len() < all.len());
    assert!(early.iter().all(|i| i["due_on"].as_str().unwrap() <= by));

    // Overdue: due on or before 6 May 2027 (two weeks before 20 May).
    let overdue = read_all(&admin, "overdue=true", async || {}).await;
    assert!(!overdue.is_empty() && overdue.len() < all.len());
    assert!(overdue.iter().all(|i| i["status"] == "overdue"));
    let due_now = all.iter().filter(|i| i["status"] == "overdue").count();
    assert_eq!(overdue.len(), due_now);

    // The page keeps the filters in its form and in its next link.
    let (_, email) = app.user(Role::Admin, PROVIDER).await;
    let web = app.sign_in(&email, crate::common::PASSWORD).await;
    let page = web.get("/checkpoints?site=north&overdue=1&limit=2").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("value=\"north\""));
    assert!(text.contains("id=\"overdue\" name=\"overdue\" type=\"checkbox\" value=\"1\" checked"));
    assert!(
        text.contains("/checkpoints?site=north&#38;overdue=1&#38;limit=2&#38;cursor="),
        "{text}"
    );
    assert!(!text.contains("Eastgate") && !text.contains("South Wing"));
}

#[tokio::test]
async fn hr_never_sees_another_trusts_checkpoints_on_any_page() {
    let app = TestApp::new().await;
    let q = setup(&app).await;
    let expected = due(&app, Some(q.trust_a)).await;
    assert!(!expected.is_empty() && expected.len() < due(&app, None).await.len());
    let (hr, email) = app.user(Role::Hr, TRUST_A).await;
    let api = app.token_client(hr).await;
    let items = read_all(&api, "", async || {}).await;
    assert_eq!(ids(&items), expected);
    assert!(items.iter().all(|i| i["site"] != "Eastgate"));
    // Asking for the other trust's site finds nothing.
    assert!(
        read_all(&api, "site=eastgate", async || {})
            .await
            .is_empty()
    );

    let web = app.sign_in(&email, crate::common::PASSWORD).await;
    let texts = crate::paging::all_pages(&web, "/checkpoints?limit=3").await;
    assert!(texts.len() > 2, "paged: {}", texts.len());
    let mut links = 0;
    for text in &texts {
        assert!(!text.contains("Eastgate"));
        links += text.matches("#record\"").count();
    }
    assert_eq!(links, expected.len());
    let first_due: NaiveDate = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    assert!(texts[0].contains(&first_due.format("%-d %b %Y").to_string()));
    // The dashboard still links to the queue.
    assert!(web.get("/").await.text().contains("href=\"/checkpoints\""));
}
