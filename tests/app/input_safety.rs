//! Hostile input (issue 10, items 4, 9 and 11): a non-ASCII postcode, NUL bytes and
//! impossible dates get a field message through every door (API, web forms, import,
//! command line) and never a panic or a 500; names with bidirectional controls are
//! isolated on the pages.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pathways::auth::Role;
use serde_json::json;

use crate::cli::pathways;
use crate::common::TestApp;

const BAD_POSTCODE: &str = "LS9Ä TF";

fn resident(postcode: &str) -> serde_json::Value {
    json!({"given_name": "Amina", "family_name": "Khan", "date_of_birth": "1990-03-27",
        "postcode": postcode})
}

#[tokio::test]
async fn a_non_ascii_postcode_is_a_field_message_through_every_door() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    let r = api
        .json(Method::POST, "/api/v1/participants", resident(BAD_POSTCODE))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        r.json()["error"]["fields"]["postcode"],
        "Enter a real postcode, like LS9 7TF"
    );

    let web = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let form = [
        ("given_name", "Amina"),
        ("family_name", "Khan"),
        ("date_of_birth_day", "27"),
        ("date_of_birth_month", "3"),
        ("date_of_birth_year", "1990"),
        ("postcode", BAD_POSTCODE),
    ];
    let page = web.post_form("/participants", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("Enter a real postcode"));
    // The search box runs the same check on what looks like a postcode.
    assert_eq!(
        web.get("/participants?q=LS9%C3%84%20TF").await.status,
        StatusCode::OK
    );

    let sheet = format!(
        "given_name,family_name,date_of_birth,postcode\nAmina,Khan,1990-03-27,{BAD_POSTCODE}\n"
    );
    let import = web
        .post_form(&format!("/cohorts/{}/import", d.cohort), &[("csv", &sheet)])
        .await;
    assert_eq!(import.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(import.text().contains("Enter a real postcode"));
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cohorts/{}/import", d.cohort))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(sheet.clone()))
        .unwrap();
    let r = api.send(req, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("Enter a real postcode"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("residents.csv");
    std::fs::write(&file, &sheet).unwrap();
    let url = app.state.config.database_url.clone();
    let cohort = d.cohort.to_string();
    let args = [
        "import",
        "participants",
        file.to_str().unwrap(),
        "--cohort",
        &cohort,
    ];
    let (ok, _, err) = pathways(&url, &args, "");
    assert!(!ok);
    assert!(err.contains("line 2, postcode"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[tokio::test]
async fn nul_bytes_in_text_and_search_get_a_field_message_not_a_500() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    let cases = [
        (
            Method::PATCH,
            format!("/api/v1/cohorts/{}", d.cohort),
            json!({"venue": "Hall\u{0}"}),
            "venue",
            "Venue must not contain control characters",
        ),
        (
            Method::PATCH,
            format!("/api/v1/sessions/{}", d.sessions[0]),
            json!({"topic": "Moving\u{0}and handling"}),
            "topic",
            "Topic must not contain control characters",
        ),
        (
            Method::PATCH,
            format!("/api/v1/programmes/{}", d.programme),
            json!({"description": "Six weeks\u{0}"}),
            "description",
            "Description must not contain control characters",
        ),
    ];
    for (method, path, body, field, message) in cases {
        let r = api.json(method, &path, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.text()
        );
        assert_eq!(r.json()["error"]["fields"][field], message, "{path}");
    }
    // Line breaks stay allowed in a description.
    let r = api
        .json(
            Method::PATCH,
            &format!("/api/v1/programmes/{}", d.programme),
            json!({"description": "Six weeks.\nThen a job."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    let r = api.get("/api/v1/participants?q=Am%00ina").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        r.json()["error"]["fields"]["q"],
        "Search must not contain control characters"
    );
    let web = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let page = web.get("/participants?q=Am%00ina").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .contains("Search must not contain control characters")
    );
    let signin = app
        .attempt_sign_in("amina\u{0}@council.test", "password")
        .await;
    assert_eq!(signin.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        signin
            .text()
            .contains("Enter an email address in the correct format")
    );
    let edit = web
        .post_form(
            &format!("/sessions/{}/edit", d.sessions[0]),
            &[
                ("held_on_day", "2"),
                ("held_on_month", "11"),
                ("held_on_year", "2026"),
                ("topic", "Moving\u{0}and handling"),
            ],
        )
        .await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        edit.text()
            .contains("Topic must not contain control characters")
    );
}

#[tokio::test]
async fn the_consent_date_must_be_a_date_of_our_time() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    let path = format!("/api/v1/participants/{}/equality", d.participant);
    for (date, message) in [
        ("-0001-01-01", "Consent date must be between 1900 and 2100"),
        ("1066-10-14", "Consent date must be between 1900 and 2100"),
    ] {
        let r = api
            .json(Method::PUT, &path, json!({"consent_given_on": date}))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{date}: {}",
            r.text()
        );
        assert_eq!(r.json()["error"]["fields"]["consent_given_on"], message);
    }
    let web = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let form = format!("/participants/{}/equality", d.participant);
    for (year, message) in [
        ("1066", "Consent date must be between 1900 and 2100"),
        ("-001", "Consent date must be a real date"),
    ] {
        let page = web
            .post_form(
                &form,
                &[
                    ("consent_given_on_day", "14"),
                    ("consent_given_on_month", "10"),
                    ("consent_given_on_year", year),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{year}");
        assert!(page.text().contains(message), "{year}");
    }
    let r = api
        .json(
            Method::PUT,
            &path,
            json!({"consent_given_on": "2026-01-05"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn a_name_with_a_right_to_left_override_is_isolated_on_every_page() {
    let app = TestApp::new().await;
    app.delivery("Leeds City Council").await;
    let web = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let name = "Amina\u{202e}lanoisivorp";
    let r = web
        .post_form(
            "/participants",
            &[
                ("given_name", name),
                ("family_name", "Begum"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "2"),
                ("date_of_birth_year", "1991"),
                ("postcode", "LS8 5QB"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let isolated = format!("<bdi>{name} Begum</bdi>");
    let page = web.get(&r.location().unwrap()).await.text();
    assert!(page.contains(&isolated), "resident page");
    let list = web.get("/participants").await.text();
    assert!(list.contains(&isolated), "list");
    let found = web.get("/participants?q=begum").await.text();
    assert!(found.contains(&isolated), "search results");
    assert!(found.contains("<bdi>begum</bdi>"), "the search term too");
    // The page title cannot hold markup: the override is dropped and the title isolated.
    assert!(page.contains("<title>\u{2068}Aminalanoisivorp Begum\u{2069} – Pathways</title>"));
}
