//! Paged lists on the pages: the cohorts list (newest first, filtered), programmes, and
//! the admin users and organisations. Paging to the end yields every visible row once,
//! also when a row is inserted between pages; filters narrow; a bad cursor is 422; a
//! coordinator never sees another organisation's rows on any page. The API's lists are in
//! `paging_api`.

use axum::http::StatusCode;
use pathways::auth::Role;

use crate::common::{TestApp, TestClient};

/// The ids in links `prefix{id}"` on a page, in page order (each once).
pub fn ids_linked(html: &str, prefix: &str) -> Vec<i32> {
    let mut ids = Vec::new();
    for part in html.split(prefix).skip(1) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if part[digits.len()..].starts_with('"')
            && let Ok(id) = digits.parse()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// The "Next page" link of a page, if any (HTML-unescaped).
pub fn next_link(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\" href=\"")? + "rel=\"next\" href=\"".len();
    let end = html[at..].find('"')? + at;
    // The template escapes `&` in attributes (askama writes `&#38;`).
    Some(html[at..end].replace("&#38;", "&").replace("&amp;", "&"))
}

/// Follows the page's "Next page" links from `path` and returns every page's text. A link
/// back to a page already read fails the test (a cursor that does not move).
pub async fn all_pages(c: &TestClient, path: &str) -> Vec<String> {
    let (mut out, mut next) = (Vec::new(), Some(path.to_owned()));
    let mut visited = std::collections::HashSet::new();
    while let Some(path) = next {
        assert!(
            visited.insert(path.clone()),
            "the pages loop back to {path}"
        );
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let text = r.text();
        next = next_link(&text);
        out.push(text);
    }
    out
}

/// Follows "Next page" from `path` to the end, collecting the ids linked as `prefix{id}`;
/// `between` runs once, after the first page.
pub async fn walk_pages<F, Fut>(
    client: &TestClient,
    path: &str,
    prefix: &str,
    between: F,
) -> Vec<i32>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut between = Some(between);
    let mut seen = Vec::new();
    let mut path = path.to_owned();
    let mut visited = std::collections::HashSet::new();
    loop {
        assert!(
            visited.insert(path.clone()),
            "the pages loop back to {path}"
        );
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.text();
        seen.extend(ids_linked(&html, prefix));
        if let Some(f) = between.take() {
            f().await;
        }
        match next_link(&html) {
            Some(next) => path = next,
            None => return seen,
        }
    }
}

/// Creates a cohort of `programme` starting on `date` with `status`; returns its id.
async fn cohort(app: &TestApp, programme: i32, name: &str, date: &str, status: &str) -> i32 {
    app.cohort()
        .programme(programme)
        .name(name)
        .starting(date)
        .status(status)
        .create()
        .await
        .id
}

#[tokio::test]
async fn the_cohorts_page_pages_newest_first_and_is_stable_under_inserts() {
    let app = TestApp::new().await;
    let programme = app.programme("Care Academy", &["Leeds City Council"]).await;
    let mut expected = Vec::new();
    // Two cohorts share each start date, so the id breaks ties across page edges.
    for (i, date) in ["2025-01-06", "2025-05-05", "2025-09-01", "2026-01-05"]
        .iter()
        .enumerate()
    {
        for j in 0..2 {
            let id = cohort(&app, programme, &format!("C{i}{j}"), date, "planned").await;
            expected.push((date.to_string(), id));
        }
    }
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<i32> = expected.into_iter().map(|(_, id)| id).collect();
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let late = std::sync::Mutex::new(Vec::new());
    let (app_ref, late_ref) = (&app, &late);
    let seen = walk_pages(
        &admin,
        "/cohorts?limit=3",
        "/cohorts/",
        move || async move {
            // Newer than the first page (not shown again) and older than all (shown last).
            cohort(app_ref, programme, "Newer", "2027-01-04", "planned").await;
            let old = cohort(app_ref, programme, "Oldest", "2020-01-06", "planned").await;
            late_ref.lock().unwrap().push(old);
        },
    )
    .await;
    let mut want = expected.clone();
    want.extend(late.lock().unwrap().iter());
    assert_eq!(seen, want, "every cohort once, newest first");

    let bad = admin.get("/cohorts?cursor=2026-13-01.4").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = admin.get("/cohorts?year=twenty").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn cohort_filters_narrow_the_list() {
    let app = TestApp::new().await;
    let care = app.programme("Care Academy", &["Leeds City Council"]).await;
    let ward = app.programme("Ward Skills", &["Leeds City Council"]).await;
    let a = cohort(&app, care, "A", "2025-03-03", "finished").await;
    let b = cohort(&app, care, "B", "2026-03-02", "running").await;
    let c = cohort(&app, ward, "C", "2026-05-04", "running").await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let ids = |path: &'static str| {
        let admin = &admin;
        async move { ids_linked(&admin.get(path).await.text(), "/cohorts/") }
    };
    assert_eq!(ids("/cohorts").await, vec![c, b, a]);
    assert_eq!(ids("/cohorts?status=running").await, vec![c, b]);
    assert_eq!(ids("/cohorts?year=2025").await, vec![a]);
    assert_eq!(ids("/cohorts?programme=care+acad").await, vec![b, a]);
    let by_id = format!("/cohorts?programme_id={ward}");
    assert_eq!(
        ids_linked(&admin.get(&by_id).await.text(), "/cohorts/"),
        vec![c]
    );
    let both = format!("/cohorts?programme_id={care}&status=running&year=2026");
    assert_eq!(
        ids_linked(&admin.get(&both).await.text(), "/cohorts/"),
        vec![b]
    );
    // The form keeps what was asked for.
    let page = admin
        .get("/cohorts?programme=ward&status=running")
        .await
        .text();
    assert!(page.contains("value=\"ward\""));
    assert!(page.contains("value=\"running\" selected"));
    // The programme page links to its cohorts.
    let programme_page = admin.get(&format!("/programmes/{ward}")).await.text();
    assert!(programme_page.contains(&format!("/cohorts?programme_id={ward}")));
    let bad = admin.get("/cohorts?status=sleeping").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_coordinator_pages_only_through_their_programmes_cohorts() {
    let app = TestApp::new().await;
    let mine = app.programme("Ours", &["Leeds City Council"]).await;
    let theirs = app.programme("Theirs", &["Bradford Council"]).await;
    let mut expected = Vec::new();
    for i in 0..5 {
        let date = format!("2026-0{}-02", i + 1);
        expected.push(cohort(&app, mine, &format!("M{i}"), &date, "planned").await);
        cohort(&app, theirs, &format!("T{i}"), &date, "planned").await;
    }
    expected.reverse();
    let coordinator = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let seen = walk_pages(&coordinator, "/cohorts?limit=2", "/cohorts/", || async {}).await;
    assert_eq!(seen, expected);
    let filtered = format!("/cohorts?limit=2&programme_id={theirs}");
    let seen = walk_pages(&coordinator, &filtered, "/cohorts/", || async {}).await;
    assert!(
        seen.is_empty(),
        "another organisation's programme shows nothing"
    );
}

#[tokio::test]
async fn the_programmes_page_pages_and_searches_by_name() {
    let app = TestApp::new().await;
    let mut mine = Vec::new();
    for i in 0..5 {
        let name = format!("Programme {i}");
        mine.push(app.programme(&name, &["Leeds City Council"]).await);
        app.programme(&format!("Elsewhere {i}"), &["Bradford Council"])
            .await;
    }
    let coordinator = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let late = std::sync::Mutex::new(None);
    let (app_ref, late_ref) = (&app, &late);
    let seen = walk_pages(
        &coordinator,
        "/programmes?limit=2",
        "/programmes/",
        move || async move {
            let id = app_ref
                .programme("Programme late", &["Leeds City Council"])
                .await;
            *late_ref.lock().unwrap() = Some(id);
        },
    )
    .await;
    mine.extend(late.lock().unwrap().iter());
    assert_eq!(seen, mine, "every partner programme once, none of others");
    let found = coordinator.get("/programmes?q=GRAMME+3").await.text();
    assert_eq!(ids_linked(&found, "/programmes/"), vec![mine[3]]);
    let none = coordinator.get("/programmes?q=elsewhere").await.text();
    assert!(ids_linked(&none, "/programmes/").is_empty());
    let bad = coordinator.get("/programmes?cursor=x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn admin_users_page_by_organisation_and_filter() {
    let app = TestApp::new().await;
    let mut expected = Vec::new();
    for org in ["Bradford Council", "Leeds City Council"] {
        for role in [Role::Coordinator, Role::Hr] {
            expected.push((org, app.user(role, org).await.0));
        }
    }
    let (admin_id, email) = app.user(Role::Admin, "Leeds City Council").await;
    let admin = app.sign_in(&email, crate::common::PASSWORD).await;
    let seen = walk_pages(&admin, "/admin/users?limit=2", "/admin/users/", || async {}).await;
    let mut all: Vec<i32> = expected.iter().map(|(_, id)| *id).collect();
    all.push(admin_id);
    assert_eq!(seen.len(), all.len(), "every user once: {seen:?}");
    for id in &all {
        assert!(seen.contains(id), "user {id} listed");
    }
    // Bradford's users come before Leeds's: the list is by organisation.
    assert!(
        seen.iter().position(|id| *id == expected[0].1)
            < seen.iter().position(|id| *id == admin_id)
    );
    let hr = admin.get("/admin/users?role=hr").await.text();
    assert_eq!(
        ids_linked(&hr, "/admin/users/"),
        vec![expected[1].1, expected[3].1]
    );
    let bradford = admin.get("/admin/users?organisation=bradford").await.text();
    assert_eq!(
        ids_linked(&bradford, "/admin/users/"),
        vec![expected[0].1, expected[1].1]
    );
    let by_email = admin
        .get(&format!("/admin/users?q={}", email.to_uppercase()))
        .await
        .text();
    assert_eq!(ids_linked(&by_email, "/admin/users/"), vec![admin_id]);
    let bad = admin.get("/admin/users?cursor=999999").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = admin.get("/admin/users?role=king").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn admin_organisations_page_by_name() {
    let app = TestApp::new().await;
    for name in [
        "Delta Trust",
        "Alpha College",
        "Charlie Council",
        "Bravo Care",
    ] {
        app.organisation(name).await;
    }
    let admin = app.login_as(Role::Admin, "Echo Council").await;
    let mut names = Vec::new();
    let mut path = "/admin/organisations?limit=2".to_owned();
    let mut visited = std::collections::HashSet::new();
    loop {
        assert!(
            visited.insert(path.clone()),
            "the pages loop back to {path}"
        );
        let html = admin.get(&path).await.text();
        for part in html.split("<th scope=\"row\" id=\"organisation-").skip(1) {
            let part = &part[part.find("<bdi>").unwrap() + 5..];
            names.push(part[..part.find('<').unwrap()].to_owned());
        }
        match next_link(&html) {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(
        names,
        [
            "Alpha College",
            "Bravo Care",
            "Charlie Council",
            "Delta Trust",
            "Echo Council"
        ]
    );
    let found = admin.get("/admin/organisations?q=CHAR").await.text();
    assert!(found.contains("Charlie Council") && !found.contains("Delta Trust"));
}

#[tokio::test]
async fn the_cohorts_page_shows_fifty_at_a_time() {
    let app = TestApp::new().await;
    let programme = app.programme("Care Academy", &["Leeds City Council"]).await;
    for i in 0..53 {
        let date = format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i / 12);
        cohort(&app, programme, &format!("C{i}"), &date, "planned").await;
    }
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let first = admin.get("/cohorts").await.text();
    assert_eq!(ids_linked(&first, "/cohorts/").len(), 50);
    let rest = admin.get(&next_link(&first).unwrap()).await.text();
    assert_eq!(ids_linked(&rest, "/cohorts/").len(), 3);
    assert!(next_link(&rest).is_none());
    assert!(rest.contains("First page"));
}

#[tokio::test]
async fn the_dashboard_shows_the_first_programmes_and_links_to_the_rest() {
    let app = TestApp::new().await;
    for i in 0..12 {
        app.programme(&format!("Programme {i:02}"), &["Leeds City Council"])
            .await;
    }
    let coordinator = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let html = coordinator.get("/").await.text();
    let shown = html.matches("<a href=\"/programmes/").count();
    assert_eq!(
        shown, 10,
        "the dashboard stays the same size as programmes grow"
    );
    assert!(html.contains("<a href=\"/programmes\">All programmes</a>"));
}
