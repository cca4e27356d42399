//! HR works through the checkpoints queue without leaving it: "Save and record next"
//! opens the next one due under the same filters, oldest first; "left" ends the job in
//! the same step (audited); HR of another trust gets 404; bad input shows the queue again
//! with field errors (422); the site-as-recorded filter on the page and in the API; two
//! saves of one checkpoint at once never fail. On both databases.

use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, TimeDelta};
use diesel::prelude::*;
use pathways::actions::employments::{EmploymentInput, record_employment};
use pathways::auth::Role;
use pathways::schema::{checkpoints, employments};
use serde_json::json;

use crate::common::{TestApp, TestClient, unscoped};

pub(crate) const PROVIDER_ORG: &str = PROVIDER;
pub(crate) const TRUST_A_ORG: &str = TRUST_A;

const PROVIDER: &str = "Learning Partnerships";
const TRUST_A: &str = "Leeds Teaching Hospitals";
const TRUST_B: &str = "Bradford Teaching Hospitals";

/// Records a job for a new resident enrolled in `cohort` at `(employer, site)` starting
/// `start`; returns (employment id, enrolment id).
pub(crate) async fn job(
    app: &TestApp,
    cohort: &pathways::models::Cohort,
    n: usize,
    at: (i32, &str),
    start: &str,
) -> (i32, i32) {
    let resident = app
        .participant()
        .named("Resident", &format!("Number{n}"))
        .owner(PROVIDER)
        .create()
        .await;
    let enrolment = app.enrolment(cohort, &resident).create().await;
    let (employer, site, start) = (at.0, at.1.to_owned(), start.to_owned());
    let now = app.state.clock.now();
    app.state
        .db
        .run(move |conn| {
            let input = EmploymentInput {
                participant_id: Some(resident.id),
                enrolment_id: Some(enrolment.id),
                employer_organisation_id: Some(employer),
                site: Some(site),
                job_title: Some("Ward housekeeper".into()),
                staff_group: Some("estates_and_facilities".into()),
                band: Some(2),
                hours_per_week: Some(37.5),
                contract: Some("permanent".into()),
                start_date: Some(start),
            };
            Ok((
                record_employment(conn, &unscoped(1, now), &input)?.id,
                enrolment.id,
            ))
        })
        .await
        .unwrap()
}

/// Nine jobs: six at trust A (North Wing and South Wing in turn), three at trust B
/// (Eastgate), starting 2 to 10 November 2026; the clock moved to 20 May 2027, so each
/// has its 13- and 26-week checkpoints due. Returns the jobs in start order.
pub(crate) async fn setup(app: &TestApp) -> Vec<(i32, String)> {
    let programme = app
        .programme("Careers", &[PROVIDER, TRUST_A, TRUST_B])
        .await;
    let cohort = app.cohort().programme(programme).create().await;
    let (a, b) = (
        app.organisation(TRUST_A).await,
        app.organisation(TRUST_B).await,
    );
    let sites = [(a, "North Wing"), (a, "South Wing"), (b, "Eastgate")];
    let mut jobs = Vec::new();
    for n in 0..9 {
        let start = format!("2026-11-{:02}", 2 + n);
        let at = sites[n % 3];
        jobs.push((job(app, &cohort, n, at, &start).await.0, at.1.to_owned()));
    }
    app.clock.advance(TimeDelta::days(178)); // 20 May 2027
    jobs
}

pub(crate) fn today(app: &TestApp) -> NaiveDate {
    app.state.clock.today()
}

/// The record form's fields for `key` with `status`, checked today.
fn fields<'a>(key: &'a str, status: &'a str, day: &'a [String; 3]) -> Vec<(&'a str, &'a str)> {
    vec![
        ("record", key),
        ("status", status),
        ("verified_on_day", &day[0]),
        ("verified_on_month", &day[1]),
        ("verified_on_year", &day[2]),
    ]
}

fn boxes(d: NaiveDate) -> [String; 3] {
    use chrono::Datelike;
    [
        d.day().to_string(),
        d.month().to_string(),
        d.year().to_string(),
    ]
}

async fn status_of(app: &TestApp, job: i32, weeks: i32) -> Option<String> {
    app.state
        .db
        .run(move |conn| {
            Ok(checkpoints::table
                .filter(checkpoints::employment_id.eq(job))
                .filter(checkpoints::weeks.eq(weeks))
                .select(checkpoints::status)
                .first::<Option<String>>(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn save_and_record_next_walks_the_filtered_queue_oldest_first() {
    let app = TestApp::new().await;
    let jobs = setup(&app).await;
    let hr = app.login_as(Role::Hr, TRUST_A).await;
    let north: Vec<i32> = jobs
        .iter()
        .filter(|(_, s)| s == "North Wing")
        .map(|(j, _)| *j)
        .collect();
    // The page offers the sites HR's jobs were recorded at, not another trust's.
    let page = hr.get("/checkpoints?at_site=North+Wing").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("<option value=\"North Wing\" selected>North Wing</option>"));
    assert!(text.contains("<option value=\"South Wing\">"));
    assert!(!text.contains("Eastgate"));
    assert!(text.contains(&format!(
        "/checkpoints?at_site=North+Wing&#38;record={}-13#record",
        north[0]
    )));
    // The form opens at the top of the queue.
    let open = hr
        .get(&format!(
            "/checkpoints?at_site=North+Wing&record={}-13",
            north[0]
        ))
        .await;
    assert_eq!(open.status, StatusCode::OK);
    assert!(open.text().contains("Record the 13-week checkpoint"));
    assert!(open.text().contains("Save and record next"));

    // Oldest due first under the filter: the 13-week checkpoints by start, then the
    // 26-week ones; each save opens the next, and the last returns with a notice.
    let mut order: Vec<(i32, i32)> = north.iter().map(|j| (*j, 13)).collect();
    order.extend(north.iter().map(|j| (*j, 26)));
    let day = boxes(today(&app));
    for (i, (job, weeks)) in order.iter().enumerate() {
        let key = format!("{job}-{weeks}");
        let mut f = fields(&key, "in_post", &day);
        f.extend([("at_site", "North Wing"), ("then", "next")]);
        let r = hr.post_form("/checkpoints", &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.location().unwrap();
        match order.get(i + 1) {
            Some((j, w)) => assert_eq!(
                location,
                format!("/checkpoints?at_site=North+Wing&record={j}-{w}&notice=saved#record")
            ),
            None => assert_eq!(location, "/checkpoints?at_site=North+Wing&notice=done"),
        }
        assert_eq!(
            status_of(&app, *job, *weeks).await.as_deref(),
            Some("in_post")
        );
    }
    // "Save and return to the queue" goes back to the queue under the same filter.
    let south = jobs.iter().find(|(_, s)| s == "South Wing").unwrap().0;
    let key = format!("{south}-13");
    let mut f = fields(&key, "unable_to_contact", &day);
    f.extend([("at_site", "South Wing"), ("then", "queue")]);
    let r = hr.post_form("/checkpoints", &f).await;
    assert_eq!(
        r.location().as_deref(),
        Some("/checkpoints?at_site=South+Wing&notice=saved")
    );
}

#[tokio::test]
async fn the_site_filter_narrows_the_page_and_the_api() {
    let app = TestApp::new().await;
    setup(&app).await;
    let (admin, _) = app.user(Role::Admin, PROVIDER).await;
    let api = app.token_client(admin).await;
    let r = api.get("/api/v1/checkpoints?at_site=Eastgate").await;
    assert_eq!(r.status, StatusCode::OK);
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 6);
    assert!(items.iter().all(|i| i["site"] == "Eastgate"));
    // Exactly as recorded: part of a name is the `site` search, not `at_site`.
    let r = api.get("/api/v1/checkpoints?at_site=East").await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 0);
    let web = app.login_as(Role::Admin, PROVIDER).await;
    let text = web.get("/checkpoints?at_site=Eastgate").await.text();
    assert_eq!(text.matches("Eastgate</bdi></span>").count(), 6);
    // The site search narrows the sites offered.
    let text = web.get("/checkpoints?site=wing").await.text();
    assert!(text.contains("<option value=\"North Wing\">"));
    assert!(!text.contains("<option value=\"Eastgate\">"));
    // The due date is typed in boxes; a date that is not real is a field error.
    let r = web
        .get("/checkpoints?due_by_day=31&due_by_month=2&due_by_year=2027")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#due_by\""));
    let r = web
        .get("/checkpoints?due_by_day=1&due_by_month=3&due_by_year=2027")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Due by 1 March 2027: the 13-week checkpoints only (due 1 to 9 February).
    assert_eq!(r.text().matches("13 weeks, due").count(), 9);
    assert_eq!(r.text().matches("26 weeks, due").count(), 0);
}

#[tokio::test]
async fn left_is_recorded_in_one_step_and_ends_the_job() {
    let app = TestApp::new().await;
    let jobs = setup(&app).await;
    let hr = app.login_as(Role::Hr, TRUST_A).await;
    let job = jobs[0].0;
    let key = format!("{job}-13");
    let day = boxes(today(&app));
    // Left without the end of the job: 422, the queue with the form and the problems.
    let before = app.audit_count().await;
    let r = hr
        .post_form("/checkpoints", &fields(&key, "left", &day))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("There is a problem"));
    assert!(text.contains("href=\"#end_date\""));
    assert!(text.contains("href=\"#end_reason\""));
    assert!(text.contains("Save and record next"));
    // In the future, or before the start: 422.
    for (d, m, y) in [("1", "1", "2028"), ("1", "10", "2026")] {
        let mut f = fields(&key, "left", &day);
        f.extend([
            ("end_date_day", d),
            ("end_date_month", m),
            ("end_date_year", y),
            ("end_reason", "resigned"),
        ]);
        let r = hr.post_form("/checkpoints", &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{d}/{m}/{y}");
        assert!(r.text().contains("href=\"#end_date\""));
    }
    // No status: a field error, never a 500.
    let r = hr.post_form("/checkpoints", &fields(&key, "", &day)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#status\""));
    assert_eq!(app.audit_count().await, before);

    let mut f = fields(&key, "left", &day);
    f.extend([
        ("end_date_day", "1"),
        ("end_date_month", "3"),
        ("end_date_year", "2027"),
        ("end_reason", "resigned"),
        ("then", "queue"),
    ]);
    let r = hr.post_form("/checkpoints", &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        app.audit_count().await,
        before + 2,
        "the end and the checkpoint"
    );
    let (end, reason) = app
        .state
        .db
        .run(move |conn| {
            Ok(employments::table
                .find(job)
                .select((employments::end_date, employments::end_reason))
                .first::<(Option<NaiveDate>, Option<String>)>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(end, NaiveDate::from_ymd_opt(2027, 3, 1));
    assert_eq!(reason.as_deref(), Some("resigned"));
    assert_eq!(status_of(&app, job, 13).await.as_deref(), Some("left"));

    // The API: left with the end of a job still open, in one call.
    let (hr_id, _) = app.user(Role::Hr, TRUST_A).await;
    let api = app.token_client(hr_id).await;
    let other = jobs[1].0;
    let path = format!("/api/v1/employments/{other}/checkpoints/13");
    let r = api
        .json(
            Method::PUT,
            &path,
            json!({"status": "left", "verified_on": today(&app).to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("end_date"));
    let r = api
        .json(
            Method::PUT,
            &path,
            json!({"status": "in_post", "verified_on": today(&app).to_string(), "end_date": "2027-03-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api
        .json(
            Method::PUT,
            &path,
            json!({"status": "left", "verified_on": today(&app).to_string(),
                   "end_date": "2027-04-30", "end_reason": "end_of_contract"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = api.get(&format!("/api/v1/employments/{other}")).await;
    assert_eq!(r.json()["end_date"], "2027-04-30");
}

#[tokio::test]
async fn hr_of_another_trust_gets_404_and_managers_403() {
    let app = TestApp::new().await;
    let jobs = setup(&app).await;
    let key = format!("{}-13", jobs[0].0);
    let other = app.login_as(Role::Hr, TRUST_B).await;
    let r = other.get(&format!("/checkpoints?record={key}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let day = boxes(today(&app));
    let r = other
        .post_form("/checkpoints", &fields(&key, "in_post", &day))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = other
        .get(&format!("/employments/{}/checkpoints/13", jobs[0].0))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&app, jobs[0].0, 13).await, None);
    let manager = app.login_as(Role::Manager, PROVIDER).await;
    let r = manager
        .post_form("/checkpoints", &fields(&key, "in_post", &day))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A key that is not one: 404, not 500.
    let hr = app.login_as(Role::Hr, TRUST_A).await;
    assert_eq!(
        hr.get("/checkpoints?record=x").await.status,
        StatusCode::NOT_FOUND
    );
    let r = hr
        .get(&format!("/checkpoints?record={}-14", jobs[0].0))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn two_saves_of_one_checkpoint_at_once_leave_one_row() {
    let app = TestApp::new().await;
    let jobs = setup(&app).await;
    let job = jobs[0].0;
    let key = format!("{job}-13");
    let day = boxes(today(&app));
    let (one, two): (TestClient, TestClient) = (
        app.login_as(Role::Hr, TRUST_A).await,
        app.login_as(Role::Admin, PROVIDER).await,
    );
    let (f1, f2) = (
        fields(&key, "in_post", &day),
        fields(&key, "unable_to_contact", &day),
    );
    let (a, b) = tokio::join!(
        one.post_form("/checkpoints", &f1),
        two.post_form("/checkpoints", &f2)
    );
    for r in [&a, &b] {
        assert!(
            r.status == StatusCode::SEE_OTHER,
            "{}: {}",
            r.status,
            r.text()
        );
    }
    let rows = app
        .state
        .db
        .run(move |conn| {
            Ok(checkpoints::table
                .filter(checkpoints::employment_id.eq(job))
                .filter(checkpoints::weeks.eq(13))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(rows, 1);
    assert!(status_of(&app, job, 13).await.is_some());
}
