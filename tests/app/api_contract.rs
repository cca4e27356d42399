//! The API contract (issue 10): the OpenAPI document states each operation's shared error
//! responses and its constraints, timestamps are RFC 3339 with an offset, and the server
//! refuses what the document refuses.

use axum::http::{Method, StatusCode};
use pathways::auth::Role;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::subject_access::full_record;

fn doc() -> Value {
    serde_json::to_value(pathways::api::openapi()).unwrap()
}

#[tokio::test]
async fn timestamps_are_rfc_3339_with_an_offset() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    full_record(&app, &d).await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let export = app
        .token_client(admin)
        .await
        .get(&format!("/api/v1/participants/{}/export", d.participant))
        .await
        .json();
    let mut stamps = vec![
        export["generated_at"].clone(),
        export["recorded_at"].clone(),
        export["updated_at"].clone(),
    ];
    for enrolment in export["enrolments"].as_array().unwrap() {
        for mark in enrolment["attendance"].as_array().unwrap() {
            stamps.push(mark["recorded_at"].clone());
        }
    }
    assert!(stamps.len() > 3, "{export}");
    for stamp in stamps {
        let text = stamp.as_str().unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.ends_with('Z'),
            "{stamp}"
        );
    }
    let schemas = &doc()["components"]["schemas"];
    assert_eq!(
        schemas["SubjectAccessExport"]["properties"]["generated_at"]["format"],
        "date-time"
    );
}

#[tokio::test]
async fn every_operation_documents_the_shared_errors_and_its_constraints() {
    let doc = doc();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.ends_with("/openapi.json") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let mut expected = vec!["401", "403", "503"];
            if op.get("requestBody").is_some() {
                expected.extend(["400", "413", "415", "422"]);
            }
            if path.contains('{') {
                expected.push("404");
            }
            for status in expected {
                // The import's errors add the bad rows to the same envelope.
                let schema = &responses[status]["content"]["application/json"]["schema"]["$ref"];
                assert!(
                    schema == "#/components/schemas/ErrorBody"
                        || schema == "#/components/schemas/ImportErrorBody",
                    "{method} {path} {status}: {schema}"
                );
            }
        }
    }
    let schemas = &doc["components"]["schemas"];
    let new_participant = &schemas["NewParticipant"];
    for field in ["given_name", "family_name", "date_of_birth", "postcode"] {
        assert!(
            new_participant["required"]
                .as_array()
                .unwrap()
                .contains(&json!(field)),
            "{field}"
        );
    }
    assert_eq!(
        new_participant["properties"]["date_of_birth"]["format"],
        "date"
    );
    assert_eq!(
        new_participant["properties"]["given_name"]["maxLength"],
        100
    );
    let status = &schemas["CohortInput"]["properties"]["status"]["enum"];
    assert!(status.as_array().unwrap().contains(&json!("recruiting")));
    assert_eq!(schemas["NewEmployment"]["properties"]["band"]["maximum"], 9);
    let limit = doc["paths"]["/api/v1/cohorts"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(limit["schema"]["maximum"], 500);
}

#[tokio::test]
async fn the_server_refuses_what_the_document_refuses() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let (admin, _) = app.user(Role::Admin, "Leeds City Council").await;
    let api = app.token_client(admin).await;
    for (path, field) in [
        ("/api/v1/cohorts?limit=", "limit"),
        ("/api/v1/cohorts?cursor=-1", "cursor"),
        ("/api/v1/cohorts?cursor=%2B5", "cursor"),
        (
            &*format!("/api/v1/cohorts/{}/report?publishable=maybe", d.cohort),
            "publishable",
        ),
        (
            &*format!("/api/v1/cohorts/{}/report.csv?bom=AAA", d.cohort),
            "bom",
        ),
    ] {
        let r = api.get(path).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(r.json()["error"]["fields"][field].is_string(), "{path}");
    }
    // A postcode of five to seven bytes that are not all ASCII once panicked (a 500).
    let resident = json!({"given_name": "Ada", "family_name": "Lovelace",
        "date_of_birth": "1990-12-10", "postcode": "/\u{1d02f})"});
    let r = api
        .json(Method::POST, "/api/v1/participants", resident)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.json()["error"]["fields"]["postcode"].is_string());
    // A body of `null` is documented as "no body".
    let r = api
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{}/sessions/generate", d.cohort),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
}
