//! Programme delivery through the pages, as a coordinator works: create a cohort,
//! generate its sessions, add and enrol three residents, take a register with one
//! absence, and read the attendance rates.

use axum::http::StatusCode;
use pathways::auth::Role;

use crate::common::{TestApp, TestClient};

fn id_from(location: &str, prefix: &str) -> i32 {
    location
        .trim_start_matches(prefix)
        .split(['?', '#', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn add_resident(c: &TestClient, given: &str, family: &str) -> i32 {
    let r = c
        .post_form(
            "/participants",
            &[
                ("given_name", given),
                ("family_name", family),
                ("date_of_birth_day", "27"),
                ("date_of_birth_month", "mar"),
                ("date_of_birth_year", "1990"),
                ("postcode", "ls97tf"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    id_from(&r.location().unwrap(), "/participants/")
}

#[tokio::test]
async fn a_coordinator_runs_a_cohort_through_the_pages() {
    let app = TestApp::new().await;
    let programme = app
        .programme("Health and Care Careers", &["Learning Partnerships"])
        .await
        .to_string();
    let c = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;

    // A mistake first: the error summary names each field.
    let bad = c
        .post_form(
            "/cohorts",
            &[
                ("programme_id", &programme),
                ("name", ""),
                ("starts_on_day", "31"),
                ("starts_on_month", "2"),
                ("starts_on_year", "2026"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(
        text.contains("href=\"#name\">Enter a name for the cohort"),
        "{text}"
    );
    assert!(
        text.contains("href=\"#starts_on\">Start date must be a real date"),
        "{text}"
    );

    let created = c
        .post_form(
            "/cohorts",
            &[
                ("programme_id", &programme),
                ("name", "Autumn 2026"),
                ("starts_on_day", "2"),
                ("starts_on_month", "11"),
                ("starts_on_year", "2026"),
                ("weeks", "6"),
                ("capacity", "20"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let cohort = id_from(&created.location().unwrap(), "/cohorts/");
    let generated = c
        .post_form(&format!("/cohorts/{cohort}/sessions/generate"), &[])
        .await;
    assert_eq!(generated.status, StatusCode::SEE_OTHER);
    let page = c.get(&format!("/cohorts/{cohort}")).await.text();
    assert_eq!(
        page.matches("/register\">Take register").count(),
        16,
        "16 sessions held by 23 November"
    );
    let again = c
        .post_form(&format!("/cohorts/{cohort}/sessions/generate"), &[])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text().contains("already has 30 sessions"));

    let mut residents = Vec::new();
    for (given, family) in [("Amina", "Khan"), ("Siobhán", "Nguyễn"), ("Kofi", "Mensah")] {
        let id = add_resident(&c, given, family).await;
        let enrolled = c
            .post_form(
                &format!("/participants/{id}/enrolments"),
                &[("cohort_id", &cohort.to_string())],
            )
            .await;
        assert_eq!(
            enrolled.status,
            StatusCode::SEE_OTHER,
            "{}",
            enrolled.text()
        );
        residents.push(id);
    }
    let duplicate = c
        .post_form(
            "/participants",
            &[
                ("given_name", "amina"),
                ("family_name", "KHAN"),
                ("date_of_birth_day", "27"),
                ("date_of_birth_month", "3"),
                ("date_of_birth_year", "1990"),
                ("postcode", "LS9 7TF"),
            ],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(
        duplicate
            .text()
            .contains(&format!("href=\"/participants/{}\"", residents[0]))
    );

    // The register of the first day: mark all present, then one absent.
    let sessions = app
        .state
        .db
        .run(move |conn| {
            Ok(pathways::models::CourseSession::list_for_cohort(
                conn, cohort,
            )?)
        })
        .await
        .unwrap();
    let first = sessions[0].id;
    let prefilled = c
        .post_form(
            &format!("/sessions/{first}/register"),
            &[("fill", "present"), ("version", "0")],
        )
        .await
        .text();
    assert_eq!(
        prefilled.matches("value=\"present\" id=\"status_").count(),
        3
    );
    assert_eq!(
        prefilled.matches(" checked>").count(),
        3,
        "everyone shown present, nothing saved"
    );
    let roster = app
        .state
        .db
        .run(move |conn| Ok(pathways::models::Enrolment::roster(conn, cohort)?))
        .await
        .unwrap();
    let field = |i: usize| format!("status_{}", roster[i].enrolment.id);
    let (f0, f1, f2) = (field(0), field(1), field(2));
    let missing = c
        .post_form(
            &format!("/sessions/{first}/register"),
            &[(f0.as_str(), "present"), (f1.as_str(), "present")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing
            .text()
            .contains(&format!("Select attendance for {}", roster[2].full_name()))
    );
    let saved = c
        .post_form(
            &format!("/sessions/{first}/register"),
            &[
                (f0.as_str(), "present"),
                (f1.as_str(), "unauthorised_absence"),
                (f2.as_str(), "late"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let page = c.get(&saved.location().unwrap()).await.text();
    assert!(page.contains("The register has been saved"));
    assert_eq!(
        page.matches(">1 of 1<").count(),
        2,
        "two attended the one session held (register taken): {page}"
    );
    assert!(
        page.contains("14 registers outstanding"),
        "the other 14 days before today, without a register, are not absences: {page}"
    );
    assert_eq!(
        page.matches("tag--green\">Started<").count(),
        2,
        "the first attendance starts them"
    );

    // The resident's page shows the enrolment, attendance and the history.
    let resident = c
        .get(&format!(
            "/participants/{}",
            roster[0].enrolment.participant_id
        ))
        .await
        .text();
    assert!(
        resident.contains("Autumn 2026")
            && resident.contains("Stage changed from referred to started"),
        "{resident}"
    );
}

#[tokio::test]
async fn three_absences_in_a_row_are_flagged_on_the_cohort_page() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let c = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    let field = format!("status_{}", d.enrolment);
    for (i, status) in [
        "present",
        "authorised_absence",
        "unauthorised_absence",
        "unauthorised_absence",
    ]
    .iter()
    .enumerate()
    {
        let r = c
            .post_form(
                &format!("/sessions/{}/register", d.sessions[i]),
                &[(field.as_str(), status)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let page = c.get(&format!("/cohorts/{}", d.cohort)).await.text();
    assert!(page.contains("3 absences in a row"), "{page}");
    let dashboard = c.get("/").await.text();
    assert!(
        dashboard.contains("Amina Khan</a> (Autumn 2026)")
            && dashboard.contains("3 absences in a row"),
        "{dashboard}"
    );
    // Managers read the same dashboard.
    let manager = app.login_as(Role::Manager, "Learning Partnerships").await;
    let text = manager.get("/").await.text();
    assert!(text.contains("Autumn 2026") && text.contains("Residents missing sessions"));
}

#[tokio::test]
async fn equality_pages_are_for_coordinators_and_admins_only() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let c = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    let path = format!("/participants/{}/equality", d.participant);
    let saved = c
        .post_form(
            &path,
            &[
                ("ethnic_group", "white_roma"),
                ("sex", "female"),
                ("disability", "prefer_not_to_say"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert!(c.get(&path).await.text().contains("White: Roma"));
    for role in [Role::Manager, Role::Hr] {
        let other = app.login_as(role, "Learning Partnerships").await;
        assert_eq!(other.get(&path).await.status, StatusCode::FORBIDDEN);
        for page in [
            format!("/participants/{}", d.participant),
            format!("/cohorts/{}", d.cohort),
        ] {
            let text = other.get(&page).await.text();
            assert!(
                !text.contains("Roma") && !text.contains("Equality monitoring"),
                "{role:?} {page}"
            );
        }
    }
}

#[tokio::test]
async fn outsiders_find_nobody_and_get_404_for_every_page() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    for role in [Role::Coordinator, Role::Hr] {
        let outsider = app.login_as(role, "Bradford Council").await;
        assert!(
            !outsider
                .get("/participants?q=khan")
                .await
                .text()
                .contains("Khan")
        );
        assert!(
            !outsider
                .get("/cohorts")
                .await
                .text()
                .contains("Autumn 2026")
        );
        for path in [
            format!("/cohorts/{}", d.cohort),
            format!("/sessions/{}/register", d.sessions[0]),
            format!("/participants/{}", d.participant),
        ] {
            assert_eq!(
                outsider.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{role:?} {path}"
            );
        }
    }
}

#[tokio::test]
async fn information_sessions_are_recorded_and_residents_noted_through_the_pages() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let c = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    let path = format!("/programmes/{}/information-sessions", d.programme);
    let bad = c
        .post_form(&path, &[("venue", ""), ("head_count", "many")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("href=\"#head_count\">Head count must be a whole number")
    );
    let ok = c
        .post_form(
            &path,
            &[
                ("held_on_day", "5"),
                ("held_on_month", "10"),
                ("held_on_year", "2026"),
                ("venue", "Harehills community centre"),
                ("head_count", "40"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let page = c.get(&format!("/programmes/{}", d.programme)).await.text();
    assert!(page.contains("Harehills community centre") && page.contains(">40<"));
    assert_eq!(
        page.matches("id=\"information-sessions\"").count(),
        1,
        "the table and its form are shown once"
    );
    let main = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
    assert!(main.contains("id=\"information-sessions\"") && main.contains("Harehills"));
    let resident = c
        .get(&format!("/participants/{}", d.participant))
        .await
        .text();
    let marker = "<option value=\"";
    let start = resident.rfind(marker).unwrap() + marker.len();
    let session_id: String = resident[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let noted = c
        .post_form(
            &format!("/participants/{}/information-sessions", d.participant),
            &[("information_session_id", &session_id)],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER);
    let resident = c
        .get(&format!("/participants/{}", d.participant))
        .await
        .text();
    assert!(
        resident.contains("5 October 2026, <bdi>Harehills community centre</bdi>"),
        "{resident}"
    );
}

#[tokio::test]
async fn a_residents_history_hides_enrolments_in_programmes_the_reader_does_not_partner_in() {
    let app = TestApp::new().await;
    let leeds = app.delivery("Leeds City Council").await;
    let bradford = app.delivery("Bradford Council").await;
    let (actor, _) = app.user(Role::Admin, "Bradford Council").await;
    let (cohort, person) = app
        .state
        .db
        .run(move |conn| {
            let cohort = pathways::models::Cohort::find(conn, bradford.cohort)?;
            let person = pathways::models::Participant::find(conn, leeds.participant)?;
            Ok((cohort, person))
        })
        .await
        .unwrap();
    app.enrolment(&cohort, &person).by(actor).create().await;
    let path = format!("/participants/{}", leeds.participant);
    let count = |html: &str| html.matches("Enrolled (referred)").count();
    let leeds_reader = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let bradford_reader = app.login_as(Role::Coordinator, "Bradford Council").await;
    // Leeds sees its own enrolment only; Bradford sees its own only; an admin sees both.
    assert_eq!(count(&leeds_reader.get(&path).await.text()), 1);
    let page = bradford_reader.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(count(&page.text()), 1);
    assert!(!page.text().contains("Health and Care Careers at Leeds"));
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    assert_eq!(count(&admin.get(&path).await.text()), 2);
}
