//! Adding a resident from a cohort page and enrolling them in one step: one transaction
//! with both audit rows; the person already on file offered for enrolment instead; the
//! enrolment's own checks (a full cohort) kept; bad input and outsiders refused.

use axum::http::StatusCode;
use diesel::prelude::*;
use pathways::auth::Role;
use pathways::schema::{enrolments, participants};

use crate::common::{TestApp, TestClient};
use crate::imports::next_cohort;

/// The form for a resident (Zoë O'Brien-Nowak unless `given`/`family` say otherwise).
fn fields<'a>(given: &'a str, family: &'a str, year: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("given_name", given),
        ("family_name", family),
        ("date_of_birth_day", "2"),
        ("date_of_birth_month", "5"),
        ("date_of_birth_year", year),
        ("postcode", "ls9 6aa"),
        ("email", ""),
        ("phone", ""),
    ]
}

/// (residents, enrolments, audit events)
async fn counts(app: &TestApp) -> (i64, i64, i64) {
    let audit = app.audit_count().await;
    let (p, e) = app
        .state
        .db
        .run(|conn| {
            let p = participants::table.count().get_result::<i64>(conn)?;
            let e = enrolments::table.count().get_result::<i64>(conn)?;
            Ok((p, e))
        })
        .await
        .unwrap();
    (p, e, audit)
}

async fn coordinator(app: &TestApp) -> (crate::common::Delivery, TestClient) {
    let d = app.delivery("Leeds City Council").await;
    (
        d,
        app.login_as(Role::Coordinator, "Leeds City Council").await,
    )
}

#[tokio::test]
async fn a_new_resident_is_added_and_enrolled_in_one_step() {
    let app = TestApp::new().await;
    let (d, web) = coordinator(&app).await;
    let cohort_page = web.get(&format!("/cohorts/{}", d.cohort)).await.text();
    let new = format!("/cohorts/{}/residents/new", d.cohort);
    assert!(cohort_page.contains(&new) && cohort_page.contains("Add a resident to this cohort"));
    let form = web.get(&new).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("name=\"csrf_token\""));
    let before = counts(&app).await;
    let done = web
        .post_form(
            &format!("/cohorts/{}/residents", d.cohort),
            &fields("Zoë", "O'Brien-Nowak", "1991"),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(
        done.location().unwrap(),
        format!("/cohorts/{}?notice=added", d.cohort)
    );
    let after = counts(&app).await;
    assert_eq!((after.0, after.1), (before.0 + 1, before.1 + 1));
    assert!(after.2 >= before.2 + 2, "an audit row for each");
    let page = web.get(&done.location().unwrap()).await.text();
    assert!(page.contains("The resident has been added and enrolled."));
    assert!(
        page.contains("Zoë") && page.contains("Brien-Nowak"),
        "{page}"
    );
}

#[tokio::test]
async fn someone_on_file_is_offered_for_enrolment_instead() {
    let app = TestApp::new().await;
    let (d, web) = coordinator(&app).await;
    let spring = next_cohort(&app, &d, 20).await;
    // The delivery's resident: Amina Khan, born 27 March 1990, of LS9 7TF.
    let mut amina = fields("amina", "KHAN", "1990");
    amina[2] = ("date_of_birth_day", "27");
    amina[3] = ("date_of_birth_month", "3");
    amina[5] = ("postcode", "LS97TF");
    let before = counts(&app).await;
    let offered = web
        .post_form(&format!("/cohorts/{spring}/residents"), &amina)
        .await;
    assert_eq!(offered.status, StatusCode::CONFLICT);
    let html = offered.text();
    assert!(html.contains("Enrol the existing record"), "{html}");
    assert!(html.contains(&format!("action=\"/cohorts/{spring}/residents/existing\"")));
    assert!(html.contains(&format!(
        "name=\"participant_id\" value=\"{}\"",
        d.participant
    )));
    assert_eq!(counts(&app).await, before);
    let id = d.participant.to_string();
    let enrolled = web
        .post_form(
            &format!("/cohorts/{spring}/residents/existing"),
            &[("participant_id", &id)],
        )
        .await;
    assert_eq!(
        enrolled.status,
        StatusCode::SEE_OTHER,
        "{}",
        enrolled.text()
    );
    assert_eq!(
        enrolled.location().unwrap(),
        format!("/cohorts/{spring}?notice=enrolled")
    );
    let after = counts(&app).await;
    assert_eq!((after.0, after.1), (before.0, before.1 + 1));
    // Enrolling them again is refused by the enrolment's own check.
    let again = web
        .post_form(
            &format!("/cohorts/{spring}/residents/existing"),
            &[("participant_id", &id)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text().contains("already enrolled in this cohort"));
}

#[tokio::test]
async fn a_full_cohort_refuses_and_nothing_is_added() {
    let app = TestApp::new().await;
    let (d, web) = coordinator(&app).await;
    let small = next_cohort(&app, &d, 1).await;
    let path = format!("/cohorts/{small}/residents");
    let first = web
        .post_form(&path, &fields("Zoë", "O'Brien-Nowak", "1991"))
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    let before = counts(&app).await;
    let full = web.post_form(&path, &fields("Bo", "Li", "1992")).await;
    assert_eq!(full.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = full.text();
    assert!(
        html.contains("There is a problem") && html.contains("href=\"#cohort-places\""),
        "{html}"
    );
    assert_eq!(
        counts(&app).await,
        before,
        "the resident is not added either"
    );
}

#[tokio::test]
async fn bad_input_comes_back_with_an_error_summary() {
    let app = TestApp::new().await;
    let (d, web) = coordinator(&app).await;
    let before = counts(&app).await;
    let mut bad = fields("", "Li", "2030");
    bad[5] = ("postcode", "nowhere");
    let page = web
        .post_form(&format!("/cohorts/{}/residents", d.cohort), &bad)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(html.contains("There is a problem"));
    for field in ["#given_name", "#date_of_birth", "#postcode"] {
        assert!(html.contains(&format!("href=\"{field}")), "{field}");
    }
    assert!(
        html.contains("value=\"Li\""),
        "the form keeps what was typed"
    );
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn people_without_the_permission_are_refused() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let new = format!("/cohorts/{}/residents/new", d.cohort);
    let post = format!("/cohorts/{}/residents", d.cohort);
    // Residents and enrolments (signing people in adds audit rows of its own).
    let before = &counts(&app).await;
    let before = (before.0, before.1);
    for role in [Role::Hr, Role::Manager] {
        let web = app.login_as(role, "Leeds City Council").await;
        assert_eq!(
            web.get(&new).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        let r = web.post_form(&post, &fields("Bo", "Li", "1992")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}");
        let page = web.get(&format!("/cohorts/{}", d.cohort)).await.text();
        assert!(!page.contains(&new), "{role:?} is not offered the link");
    }
    let outsider = app.login_as(Role::Coordinator, "Bradford Council").await;
    assert_eq!(outsider.get(&new).await.status, StatusCode::NOT_FOUND);
    let r = outsider.post_form(&post, &fields("Bo", "Li", "1992")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let id = d.participant.to_string();
    let r = outsider
        .post_form(
            &format!("/cohorts/{}/residents/existing", d.cohort),
            &[("participant_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let after = counts(&app).await;
    assert_eq!((after.0, after.1), before);
}
