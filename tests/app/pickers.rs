//! Pickers in place of selects of everything: the resident page's cohort and information
//! session, the cohort form's programme and the programme report's filter offer the
//! relevant few, find the rest through a search that is a plain GET (no JavaScript), and
//! the write still refuses an id the actor may not use.

use axum::http::StatusCode;
use chrono::NaiveDate;
use pathways::auth::Role;
use pathways::models::information_session;

use crate::common::{TestApp, TestClient};

/// The coordinators' organisation, partner of every programme below.
const PARTNERS: &str = "Learning Partnerships";
/// The resident's own organisation, partner of their programme only.
const OWNER: &str = "Leeds City Council";

/// The options of the select named `field` on `page`, as (value, text).
fn options(page: &str, field: &str) -> Vec<(String, String)> {
    let Some(start) = page.find(&format!("<select class=\"select\" id=\"{field}\"")) else {
        return Vec::new();
    };
    let select = &page[start..start + page[start..].find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(2)
        .map(|o| {
            let (value, rest) = o.split_once('"').unwrap();
            let text = rest[rest.find('>').unwrap() + 1..]
                .split('<')
                .next()
                .unwrap();
            (value.to_owned(), text.to_owned())
        })
        .collect()
}

/// The option of `field` on `page` whose text contains `text`.
fn option_with(page: &str, field: &str, text: &str) -> Option<String> {
    options(page, field)
        .into_iter()
        .find(|(_, t)| t.contains(text))
        .map(|(v, _)| v)
}

/// Records an information session of `programme` held `days_ago` days before the tests'
/// today (23 November 2026) at `venue`.
async fn information_session(app: &TestApp, programme: i32, venue: &str, days_ago: i64) -> i32 {
    let (actor, _) = app.user(Role::Admin, PARTNERS).await;
    let now = app.state.clock.now();
    let held = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap() - chrono::TimeDelta::days(days_ago);
    let venue = venue.to_owned();
    app.state
        .db
        .run(move |conn| {
            information_session::create(conn, actor, programme, (held, venue, 50), now)
        })
        .await
        .unwrap()
        .id
}

/// A resident of [`OWNER`] enrolled in the programme "Care Careers" (partnered by the
/// owner and [`PARTNERS`]), which has one more open cohort ("Spring 2027"); twenty other
/// programmes of [`PARTNERS`] alone, each with an open cohort and an information session;
/// and a programme of another council the coordinator may not see. Returns the resident,
/// the programme, the other council's cohort, and a coordinator of [`PARTNERS`].
async fn national(app: &TestApp) -> (i32, i32, i32, TestClient) {
    let (admin, _) = app.user(Role::Admin, PARTNERS).await;
    let care = app.programme("Care Careers", &[OWNER, PARTNERS]).await;
    let enrolled = app
        .cohort()
        .programme(care)
        .name("Autumn 2026")
        .by(admin)
        .create()
        .await;
    app.cohort()
        .programme(care)
        .name("Spring 2027")
        .starting("2027-03-01")
        .by(admin)
        .create()
        .await;
    information_session(app, care, "Chapeltown library", 3).await;
    for n in 0..20 {
        let other = app
            .programme(&format!("Other programme {n:02}"), &[PARTNERS])
            .await;
        app.cohort()
            .programme(other)
            .name(&format!("Intake {n:02}"))
            .starting("2026-12-07")
            .by(admin)
            .create()
            .await;
        information_session(app, other, &format!("Hall {n:02}"), 1).await;
    }
    let hidden = app
        .programme("Bradford Careers", &["Bradford Council"])
        .await;
    let hidden_cohort = app
        .cohort()
        .programme(hidden)
        .name("Bradford intake")
        .by(admin)
        .create()
        .await;
    information_session(app, hidden, "Bradford hall", 1).await;
    let resident = app.participant().owner(OWNER).by(admin).create().await;
    app.enrolment(&enrolled, &resident).by(admin).create().await;
    let coordinator = app.login_as(Role::Coordinator, PARTNERS).await;
    (resident.id, care, hidden_cohort.id, coordinator)
}

#[tokio::test]
async fn the_resident_page_offers_their_programmes_cohorts_and_finds_the_others() {
    let app = TestApp::new().await;
    let (resident, _, hidden, c) = national(&app).await;
    let path = format!("/participants/{resident}");
    let page = c.get(&path).await.text();
    let offered = options(&page, "cohort_id");
    assert_eq!(
        offered.len(),
        1,
        "only their programme's open cohort: {offered:?}"
    );
    assert!(offered[0].1.contains("Spring 2027 – Care Careers"));
    assert!(
        !page.contains("Autumn 2026 – "),
        "the cohort they are in is not offered again"
    );
    let sessions = options(&page, "information_session_id");
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert!(sessions[0].1.contains("Chapeltown library"));
    // The search is a GET form of its own, without the CSRF token.
    let form = &page[page.find("role=\"search\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("name=\"cohort_q\"") && !form.contains("csrf"));

    // Searching shows the page again with the matches, keeping the other search.
    let found = c
        .get(&format!("{path}?cohort_q=programme+07&session_q=hall+1"))
        .await;
    assert_eq!(found.status, StatusCode::OK);
    let found = found.text();
    let offered = options(&found, "cohort_id");
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert!(offered[0].1.contains("Intake 07 – Other programme 07"));
    assert!(found.contains("name=\"session_q\" value=\"hall 1\""));
    let halls = options(&found, "information_session_id");
    assert_eq!(halls.len(), 10, "Hall 10 to Hall 19: {halls:?}");
    // A broad search offers the first fifteen and says there are more.
    let broad = c.get(&format!("{path}?cohort_q=intake")).await.text();
    assert_eq!(options(&broad, "cohort_id").len(), 15);
    assert!(broad.contains("The first 15 cohorts matching"));
    // Nobody else's cohort is found.
    let bradford = c.get(&format!("{path}?cohort_q=bradford")).await.text();
    assert!(options(&bradford, "cohort_id").is_empty());
    assert!(bradford.contains("No cohorts match “<bdi>bradford</bdi>”"));

    // The one found can be chosen; one the coordinator may not see is refused.
    let chosen = option_with(&found, "cohort_id", "Intake 07").unwrap();
    let enrol = format!("{path}/enrolments");
    let ok = c.post_form(&enrol, &[("cohort_id", &chosen)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let refused = c
        .post_form(&enrol, &[("cohort_id", &hidden.to_string())])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Select a cohort"));
    let page = c.get(&path).await.text();
    assert!(page.contains("Intake 07") && !page.contains("Bradford intake"));
}

#[tokio::test]
async fn the_information_session_picker_finds_others_and_refuses_a_hidden_one() {
    let app = TestApp::new().await;
    let (resident, care, _, c) = national(&app).await;
    for n in 0..20 {
        information_session(&app, care, &format!("Library {n:02}"), 10 + n).await;
    }
    let hidden = {
        let id = app
            .programme("Wakefield Careers", &["Wakefield Council"])
            .await;
        information_session(&app, id, "Wakefield hall", 1).await
    };
    let path = format!("/participants/{resident}");
    let page = c.get(&path).await.text();
    let sessions = options(&page, "information_session_id");
    assert_eq!(sessions.len(), 15, "the latest fifteen: {sessions:?}");
    assert!(sessions[0].1.contains("Chapeltown library"), "latest first");
    assert!(page.contains("The list shows the first 15; search to find others."));
    let found = c.get(&format!("{path}?session_q=HALL+05")).await.text();
    let chosen = option_with(&found, "information_session_id", "Hall 05").unwrap();
    let noted = c
        .post_form(
            &format!("{path}/information-sessions"),
            &[("information_session_id", &chosen)],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER, "{}", noted.text());
    let after = c.get(&format!("{path}?session_q=hall+05")).await.text();
    assert!(
        options(&after, "information_session_id").is_empty(),
        "a session they are noted at is not offered again"
    );
    let refused = c
        .post_form(
            &format!("{path}/information-sessions"),
            &[("information_session_id", &hidden.to_string())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Select an information session"));
}

#[tokio::test]
async fn the_cohort_form_offers_the_newest_programmes_and_searches_the_rest() {
    let app = TestApp::new().await;
    let (_, care, _, c) = national(&app).await;
    let page = c.get("/cohorts/new").await.text();
    let offered = options(&page, "programme_id");
    assert_eq!(offered.len(), 15, "{offered:?}");
    assert_eq!(offered[0].1, "Other programme 19", "newest first");
    assert!(option_with(&page, "programme_id", "Care Careers").is_none());
    let found = c.get("/cohorts/new?programme_q=care").await.text();
    let care_id = option_with(&found, "programme_id", "Care Careers").unwrap();
    assert_eq!(care_id, care.to_string());
    assert!(option_with(&found, "programme_id", "Bradford").is_none());
    // Shown again after a refusal, the form keeps the programme chosen.
    let bad = c
        .post_form(
            "/cohorts",
            &[
                ("programme_id", &care_id),
                ("programme_q", ""),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let kept = bad.text();
    assert!(kept.contains(&format!("<option value=\"{care}\" selected>Care Careers")));
    // A programme the coordinator's organisation does not partner in is refused.
    let admin = app.login_as(Role::Admin, PARTNERS).await;
    let all = admin.get("/cohorts/new?programme_q=bradford").await.text();
    let bradford = option_with(&all, "programme_id", "Bradford Careers").unwrap();
    let refused = c
        .post_form(
            "/cohorts",
            &[
                ("programme_id", &bradford),
                ("name", "Sneaky"),
                ("starts_on_day", "4"),
                ("starts_on_month", "1"),
                ("starts_on_year", "2027"),
                ("weeks", "6"),
                ("capacity", "20"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("Select a programme your organisation partners in")
    );
}

#[tokio::test]
async fn the_report_filter_searches_programmes_and_keeps_the_other_filters() {
    let app = TestApp::new().await;
    let (_, care, _, c) = national(&app).await;
    let page = c.get("/reports?from=2026-01-01").await.text();
    assert_eq!(options(&page, "programme_id").len(), 15);
    let found = c
        .get("/reports?from=2026-01-01&programme_q=care+careers")
        .await
        .text();
    assert_eq!(
        options(&found, "programme_id"),
        vec![(care.to_string(), "Care Careers".to_owned())]
    );
    assert!(found.contains("<input type=\"hidden\" name=\"from\" value=\"2026-01-01\">"));
    let chosen = c
        .get(&format!(
            "/reports?programme_id={care}&programme_q=other+programme+03"
        ))
        .await
        .text();
    let offered = options(&chosen, "programme_id");
    assert_eq!(
        offered.len(),
        2,
        "the chosen one stays offered: {offered:?}"
    );
    assert!(chosen.contains(&format!("<option value=\"{care}\" selected>")));
}
