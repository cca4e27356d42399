//! Builders shared by the payload sweeps: a resident added through the API and enrolled in
//! a cohort, as a coordinator or administrator would.

use axum::http::Method;
use serde_json::json;

use crate::common::TestClient;

/// Adds a resident with these names and date of birth (postcode LS9 7TF) through the API
/// and enrolls them in `cohort`. `None` when the API refused the resident (a 4xx); a server
/// error or a refused enrolment fails the test.
pub async fn add_and_enrol(
    api: &TestClient,
    cohort: i32,
    given: &str,
    family: &str,
    date_of_birth: &str,
) -> Option<i64> {
    let created = api
        .json(
            Method::POST,
            "/api/v1/participants",
            json!({"given_name": given, "family_name": family,
                   "date_of_birth": date_of_birth, "postcode": "LS9 7TF"}),
        )
        .await;
    assert!(
        !created.status.is_server_error(),
        "{given:?}: {}",
        created.status
    );
    if !created.status.is_success() {
        return None;
    }
    let id = created.json()["id"].as_i64().unwrap();
    let enrolled = api
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort}/enrolments"),
            json!({"participant_id": id}),
        )
        .await;
    assert!(enrolled.status.is_success(), "{}", enrolled.text());
    Some(id)
}
