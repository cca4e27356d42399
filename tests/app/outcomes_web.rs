//! Job outcomes through the pages, as trust HR works: record a job start for a resident
//! who started the course, follow its checkpoints, record progression, and read it all
//! on the resident's career timeline; what other employers see; the work queue.

use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use pathways::auth::Role;
use serde_json::json;

use crate::common::{Delivery, PASSWORD, TestApp, TestClient};

const TRUST: &str = "Leeds Teaching Hospitals NHS Trust";
const OTHER_TRUST: &str = "Bradford Teaching Hospitals";
const PROVIDER: &str = "Learning Partnerships";

/// A delivery whose programme partners the provider and both trusts, with the resident
/// started (present at the first session).
async fn setup(app: &TestApp) -> Delivery {
    let d = app.delivery(PROVIDER).await;
    let mut partners = Vec::new();
    for org in [PROVIDER, TRUST, OTHER_TRUST] {
        partners.push(app.organisation(org).await);
    }
    let (admin, _) = app.user(Role::Admin, PROVIDER).await;
    let admin = app.token_client(admin).await;
    let r = admin
        .json(
            Method::PATCH,
            &format!("/api/v1/programmes/{}", d.programme),
            json!({ "partner_organisation_ids": partners }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let (coordinator, _) = app.user(Role::Coordinator, PROVIDER).await;
    let r = app
        .token_client(coordinator)
        .await
        .json(
            Method::PUT,
            &format!("/api/v1/sessions/{}/attendance", d.sessions[0]),
            json!([{"enrolment_id": d.enrolment, "status": "present"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    d
}

/// The job start form as HR fills it in.
fn job_form(d: &Delivery, employer: i32, start: [&'static str; 3]) -> Vec<(&'static str, String)> {
    vec![
        ("enrolment_id", d.enrolment.to_string()),
        ("employer_organisation_id", employer.to_string()),
        ("site", "St James's University Hospital".into()),
        ("job_title", "Ward housekeeper".into()),
        ("staff_group", "estates_and_facilities".into()),
        ("band", "2".into()),
        ("hours_per_week", "37.5".into()),
        ("contract", "permanent".into()),
        ("start_date_day", start[0].into()),
        ("start_date_month", start[1].into()),
        ("start_date_year", start[2].into()),
    ]
}

async fn post(
    c: &TestClient,
    path: &str,
    fields: &[(&str, String)],
) -> crate::common::TestResponse {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post_form(path, &fields).await
}

/// Records a job start through the form and returns the employment's id.
async fn record_job(c: &TestClient, d: &Delivery, employer: i32, start: [&'static str; 3]) -> i32 {
    let path = format!("/participants/{}/employments", d.participant);
    let r = post(c, &path, &job_form(d, employer, start)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.location().unwrap();
    assert!(location.ends_with("?notice=recorded"), "{location}");
    location
        .trim_start_matches("/employments/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Moves the clock on by `days` and signs the user with `email` in again (their
/// session has long expired by then).
async fn days_later(app: &TestApp, days: i64, email: &str) -> TestClient {
    app.clock.advance(TimeDelta::days(days));
    app.sign_in(email, PASSWORD).await
}

/// Asserts that each of `parts` appears in `text`, in this order.
fn assert_in_order(text: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        let at = text[from..]
            .find(part)
            .unwrap_or_else(|| panic!("{part:?} missing or out of order in:\n{text}"));
        from += at + part.len();
    }
}

#[tokio::test]
async fn trust_hr_records_a_job_and_follows_it_to_a_clinical_role_through_the_pages() {
    let app = TestApp::new().await;
    let d = setup(&app).await;
    let trust = app.organisation(TRUST).await;
    let (_, email) = app.user(Role::Hr, TRUST).await;
    let mut hr = app.sign_in(&email, PASSWORD).await;

    // From the resident's page to the form, which offers only HR's own organisation.
    let resident = hr.get(&format!("/participants/{}", d.participant)).await;
    assert!(resident.text().contains("No job recorded yet."));
    let new_path = format!("/participants/{}/employments/new", d.participant);
    assert!(resident.text().contains(&format!("href=\"{new_path}\"")));
    let form = hr.get(&new_path).await;
    assert_eq!(form.status, StatusCode::OK);
    let text = form.text();
    assert!(text.contains(&format!(
        "<option value=\"{trust}\" selected>{TRUST}</option>"
    )));
    assert!(!text.contains(&format!(">{PROVIDER}</option>")));
    assert!(text.contains("<datalist id=\"sites\">"));
    assert!(text.contains("<option value=\"Leeds General Infirmary\">"));

    let id = record_job(&hr, &d, trust, ["7", "12", "2026"]).await;
    let page = hr.get(&format!("/employments/{id}?notice=recorded")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("The job start has been recorded."));
    assert_in_order(
        &text,
        &[
            "13 weeks",
            "8 Mar 2027",
            "Not yet due",
            "26 weeks",
            "7 Jun 2027",
            "Not yet due",
            "52 weeks",
            "6 Dec 2027",
            "Not yet due",
        ],
    );

    // Before its due date the 13-week checkpoint is refused, with the reason.
    let checkpoint = format!("/employments/{id}/checkpoints/13");
    let in_post = |day: &str| {
        vec![
            ("status", "in_post".to_owned()),
            ("verified_on_day", day.to_owned()),
            ("verified_on_month", "3".to_owned()),
            ("verified_on_year", "2027".to_owned()),
        ]
    };
    let early = post(&hr, &checkpoint, &in_post("1")).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .text()
            .contains("This checkpoint is due on 8 March 2027: it cannot be recorded before then")
    );

    hr = days_later(&app, 110, &email).await; // 13 March 2027
    let page = hr.get(&format!("/employments/{id}")).await.text();
    assert_in_order(
        &page,
        &[
            "13 weeks",
            "tag--orange\">Due<",
            &format!("href=\"/employments/{id}/checkpoints/13\">Record"),
        ],
    );
    // Its own short page, with the form.
    let short = hr.get(&checkpoint).await.text();
    assert!(short.contains("Record the 13-week checkpoint"));
    assert!(short.contains(&format!("action=\"{checkpoint}\"")));
    let saved = post(&hr, &checkpoint, &in_post("10")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_eq!(
        saved.location().as_deref(),
        Some(format!("/employments/{id}?notice=checkpoint").as_str())
    );
    let page = hr
        .get(&format!("/employments/{id}?notice=checkpoint"))
        .await
        .text();
    assert!(page.contains("The checkpoint has been recorded."));
    assert_in_order(&page, &["13 weeks", "In post", "10 March 2027 by Test HR"]);

    // Progression: band 2 to 3, then into clinical support as a Healthcare Support Worker.
    let progressions = format!("/employments/{id}/progressions");
    let step = |kind: &str, day: &str, extra: &[(&'static str, &str)]| {
        let mut fields = vec![
            ("kind", kind.to_owned()),
            ("effective_on_day", day.to_owned()),
            ("effective_on_month", "3".to_owned()),
            ("effective_on_year", "2027".to_owned()),
        ];
        fields.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        fields
    };
    let same_band = post(
        &hr,
        &progressions,
        &step("band_increase", "1", &[("band", "2")]),
    )
    .await;
    assert_eq!(same_band.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        same_band
            .text()
            .contains("A band increase must raise the band above 2")
    );
    let band = post(
        &hr,
        &progressions,
        &step("band_increase", "1", &[("band", "3")]),
    )
    .await;
    assert_eq!(band.status, StatusCode::SEE_OTHER, "{}", band.text());
    let hcsw = step(
        "staff_group_change",
        "5",
        &[
            ("staff_group", "additional_clinical_services"),
            ("job_title", "Healthcare Support Worker"),
        ],
    );
    let clinical = post(&hr, &progressions, &hcsw).await;
    assert_eq!(
        clinical.status,
        StatusCode::SEE_OTHER,
        "{}",
        clinical.text()
    );
    let page = hr.get(&format!("/employments/{id}")).await.text();
    assert!(
        page.contains("<bdi>Healthcare Support Worker</bdi>, band 3, Additional clinical services")
    );
    assert!(page.contains("Moved to clinical"));
    assert_in_order(
        &page,
        &[
            "1 March 2027: Band increase",
            "5 March 2027: Staff group change",
        ],
    );

    // The resident's page lists the job and tells the story in date order.
    let resident = hr
        .get(&format!("/participants/{}", d.participant))
        .await
        .text();
    assert!(resident.contains(&format!(
        "<a href=\"/employments/{id}\"><bdi>Ward housekeeper</bdi> at <bdi>{TRUST}</bdi></a>"
    )));
    assert!(resident.contains("Referred to Autumn 2026"));
    assert!(
        resident.contains("Employment added"),
        "the history shows it to HR"
    );
    assert_in_order(
        &resident,
        &[
            "<ol class=\"timeline\">",
            "2 November 2026",
            "Started the course, Autumn 2026",
            "7 December 2026",
            &format!("Started as Ward housekeeper at {TRUST}, St James"),
            "1 March 2027",
            "Band increase: band 3",
            "5 March 2027",
            "Staff group change: Healthcare Support Worker, Additional clinical services",
            "10 March 2027",
            "13-week checkpoint: In post",
            "7 June 2027",
            "Checkpoint (upcoming)",
            "26-week checkpoint not yet due",
            "6 December 2027",
            "52-week checkpoint not yet due",
            "</ol>",
        ],
    );
}

#[tokio::test]
async fn other_employers_and_outsiders_get_404_and_never_see_the_job() {
    let app = TestApp::new().await;
    let d = setup(&app).await;
    let trust = app.organisation(TRUST).await;
    let (_, email) = app.user(Role::Hr, TRUST).await;
    let mut hr = app.sign_in(&email, PASSWORD).await;
    let id = record_job(&hr, &d, trust, ["7", "12", "2026"]).await;
    hr = days_later(&app, 110, &email).await;
    assert!(hr.get("/checkpoints").await.text().contains("Amina Khan"));

    // HR of another partner trust: no page, no forms, nothing written.
    let other = app.login_as(Role::Hr, OTHER_TRUST).await;
    assert_eq!(
        other.get(&format!("/employments/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let before = app.audit_count().await;
    let attempts: [(String, Vec<(&str, &str)>); 3] = [
        (
            format!("/employments/{id}/end"),
            vec![
                ("end_date_day", "12"),
                ("end_date_month", "3"),
                ("end_date_year", "2027"),
                ("end_reason", "resigned"),
            ],
        ),
        (
            format!("/employments/{id}/checkpoints/13"),
            vec![
                ("status", "in_post"),
                ("verified_on_day", "12"),
                ("verified_on_month", "3"),
                ("verified_on_year", "2027"),
            ],
        ),
        (
            format!("/employments/{id}/progressions"),
            vec![
                ("kind", "qualification"),
                ("effective_on_day", "12"),
                ("effective_on_month", "3"),
                ("effective_on_year", "2027"),
            ],
        ),
    ];
    for (path, fields) in &attempts {
        let r = other.post_form(path, fields).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text().contains("Ward housekeeper"), "{path}");
    }
    assert_eq!(app.audit_count().await, before);
    // They see the resident (their trust partners the programme) but not the job, not
    // even in the history, and it is not in their work queue.
    let resident = other.get(&format!("/participants/{}", d.participant)).await;
    assert_eq!(resident.status, StatusCode::OK);
    let text = resident.text();
    assert!(text.contains("No job recorded yet."));
    let link = format!("/employments/{id}");
    for hidden in [
        "Ward housekeeper",
        link.as_str(),
        "Employment added",
        "Checkpoint changed",
        "-week checkpoint",
    ] {
        assert!(!text.contains(hidden), "{hidden}");
    }
    let queue = other.get("/checkpoints").await.text();
    assert!(queue.contains("No checkpoint is due."));
    assert!(!queue.contains("Amina Khan"));
    // Their form offers only their own trust.
    let form = other
        .get(&format!("/participants/{}/employments/new", d.participant))
        .await
        .text();
    assert!(form.contains(&format!(">{OTHER_TRUST}</option>")));
    assert!(!form.contains(&format!(">{TRUST}</option>")));

    // Organisations outside the programme see nothing at all.
    for role in [Role::Hr, Role::Coordinator] {
        let outsider = app.login_as(role, "York and Scarborough Hospitals").await;
        for path in [
            format!("/employments/{id}"),
            format!("/participants/{}/employments/new", d.participant),
        ] {
            assert_eq!(
                outsider.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{role:?} {path}"
            );
        }
        let r = post(
            &outsider,
            &format!("/participants/{}/employments", d.participant),
            &job_form(&d, trust, ["7", "12", "2026"]),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{role:?}");
        assert!(
            !outsider
                .get("/checkpoints")
                .await
                .text()
                .contains("Amina Khan")
        );
    }

    // A manager of a partner reads the page and the queue but has no forms.
    let manager = app.login_as(Role::Manager, PROVIDER).await;
    let page = manager.get(&format!("/employments/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page
            .text()
            .contains("<form method=\"post\" action=\"/employments/")
    );
    let resident = manager
        .get(&format!("/participants/{}", d.participant))
        .await
        .text();
    assert!(resident.contains(&format!(
        "<a href=\"/employments/{id}\"><bdi>Ward housekeeper"
    )));
    assert!(
        !resident.contains("/employments/new"),
        "managers record nothing"
    );
    let queue = manager.get("/checkpoints").await.text();
    assert!(queue.contains("Amina Khan"));
    assert!(!queue.contains("record="));
    assert_eq!(
        post(&manager, &attempts[2].0, &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn forms_show_every_problem_and_keep_what_was_typed() {
    let app = TestApp::new().await;
    let d = setup(&app).await;
    let trust = app.organisation(TRUST).await;
    let (_, email) = app.user(Role::Hr, TRUST).await;
    let mut hr = app.sign_in(&email, PASSWORD).await;
    let path = format!("/participants/{}/employments", d.participant);

    let before = app.audit_count().await;
    let empty = hr.post_form(&path, &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = empty.text();
    assert!(text.contains("<title>Error: Record a job start"));
    for (field, message) in [
        ("site", "Enter the site"),
        ("job_title", "Enter the job title"),
        ("staff_group", "Select a staff group"),
        ("contract", "Select a contract type"),
        ("start_date", "Enter the start date"),
        ("band", "Enter the Agenda for Change band"),
        ("hours_per_week", "Enter the hours per week"),
        ("enrolment_id", "Select one of this resident"),
    ] {
        assert!(
            text.contains(&format!("<a href=\"#{field}\">{message}")),
            "{field}: {text}"
        );
    }

    let mut typed = job_form(&d, trust, ["31", "2", "2027"]);
    typed[5].1 = "two".into();
    let bad = post(&hr, &path, &typed).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(text.contains("<a href=\"#band\">Band must be a number from 1 to 9"));
    assert!(text.contains("<a href=\"#start_date\">Start date must be a real date"));
    let mut untitled = typed.clone();
    untitled[3].1 = String::new();
    typed[9].1 = "mar".into(); // 31 March 2027 is real: only the band is wrong
    for (fields, also) in [(&untitled, Some("Enter the job title")), (&typed, None)] {
        let r = post(&hr, &path, fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Band must be a number from 1 to 9"));
        if let Some(message) = also {
            assert!(
                r.text()
                    .contains(&format!("<a href=\"#job_title\">{message}"))
            );
        }
    }
    assert!(text.contains("value=\"Ward housekeeper\""));
    assert!(text.contains("value=\"two\""));
    assert!(text.contains("value=\"estates_and_facilities\" id=\"staff_group\" checked"));
    assert_eq!(app.audit_count().await, before, "nothing is written");

    // The employment page's forms.
    let id = record_job(&hr, &d, trust, ["7", "12", "2026"]).await;
    let end = format!("/employments/{id}/end");
    let r = hr.post_form(&end, &[("end_reason", "resigned")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("<a href=\"#end_date\">Enter the end date")
    );
    let too_early = [
        ("end_date_day", "1"),
        ("end_date_month", "12"),
        ("end_date_year", "2026"),
        ("end_reason", "resigned"),
    ];
    let r = hr.post_form(&end, &too_early).await;
    assert!(
        r.text()
            .contains("End date must be on or after the start, 7 December 2026")
    );
    let march = [
        ("end_date_day", "1"),
        ("end_date_month", "3"),
        ("end_date_year", "2027"),
    ];
    let r = hr.post_form(&end, &march).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("<a href=\"#end_reason\">Select why the job ended"));
    assert!(
        text.contains("name=\"end_date_year\" type=\"text\" inputmode=\"numeric\" value=\"2027\"")
    );

    hr = days_later(&app, 110, &email).await;
    let checkpoint = format!("/employments/{id}/checkpoints/13");
    let left = [
        ("status", "left"),
        ("verified_on_day", "10"),
        ("verified_on_month", "3"),
        ("verified_on_year", "2027"),
    ];
    let r = hr.post_form(&checkpoint, &left).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("<a href=\"#end_date\">Enter the last day in the job")
    );
    assert_eq!(
        hr.post_form(&format!("/employments/{id}/checkpoints/14"), &left)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = hr
        .post_form(&format!("/employments/{id}/progressions"), &[("band", "x")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("<a href=\"#band\">Band must be a number from 1 to 9")
    );
    let r = hr
        .post_form(&format!("/employments/{id}/progressions"), &[])
        .await;
    let text = r.text();
    assert!(text.contains("<a href=\"#kind\">Select the kind of step"));
    assert!(text.contains("<a href=\"#effective_on\">Enter the date"));

    // Ending the job, then the checkpoint can say the resident left.
    let ended = [
        march[0],
        march[1],
        march[2],
        ("end_reason", "moved_employer"),
    ];
    let r = hr.post_form(&end, &ended).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        hr.post_form(&checkpoint, &left).await.status,
        StatusCode::SEE_OTHER
    );
    let page = hr.get(&format!("/employments/{id}")).await.text();
    assert!(page.contains("Left on 1 March 2027: Moved to another employer"));
    assert_in_order(&page, &["13 weeks", "tag--red\">Left<"]);
    let end_link = format!("href=\"/employments/{id}/end\"");
    assert!(!page.contains(&end_link), "no end action once ended");
    let resident = hr.get(&format!("/participants/{}", d.participant)).await;
    assert_in_order(
        &resident.text(),
        &[
            "7 December 2026",
            "Started as Ward housekeeper",
            "1 March 2027",
            "Job ended",
            &format!("Left Ward housekeeper at {TRUST}: moved to another employer"),
            "10 March 2027",
            "13-week checkpoint: Left",
            "26-week checkpoint not yet due",
        ],
    );
}

#[tokio::test]
async fn the_work_queue_lists_overdue_before_due_one_click_from_the_form() {
    let app = TestApp::new().await;
    let d = setup(&app).await;
    let trust = app.organisation(TRUST).await;
    let (_, email) = app.user(Role::Hr, TRUST).await;
    let mut hr = app.sign_in(&email, PASSWORD).await;
    assert!(hr.get("/").await.text().contains("href=\"/checkpoints\""));
    let first = record_job(&hr, &d, trust, ["7", "12", "2026"]).await; // 13 weeks: 8 March
    let second = record_job(&hr, &d, trust, ["4", "1", "2027"]).await; // 13 weeks: 5 April
    let queue = hr.get("/checkpoints").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.text().contains("No checkpoint is due."));

    hr = days_later(&app, 138, &email).await; // 10 April 2027
    let text = hr.get("/checkpoints").await.text();
    assert_in_order(
        &text,
        &[
            "Checkpoints to record, oldest first",
            "8 Mar 2027",
            "tag--red\">Overdue<",
            &format!("/checkpoints?record={first}-13#record"),
            "5 Apr 2027",
            "tag--orange\">Due<",
            &format!("/checkpoints?record={second}-13#record"),
        ],
    );
    // The link opens that checkpoint's form on the queue.
    let page = hr
        .get(&format!("/checkpoints?record={second}-13"))
        .await
        .text();
    assert!(page.contains(&format!("name=\"record\" value=\"{second}-13\"")));

    // Recorded checkpoints leave the queue.
    let r = hr
        .post_form(
            &format!("/employments/{first}/checkpoints/13"),
            &[
                ("status", "unable_to_contact"),
                ("verified_on_day", "9"),
                ("verified_on_month", "4"),
                ("verified_on_year", "2027"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = hr.get("/checkpoints").await.text();
    assert!(text.contains(&format!("/checkpoints?record={second}-13")));
    assert!(!text.contains(&format!("record={first}-")));
}
