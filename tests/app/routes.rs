//! The routes the application serves, read from the same tables that build the router (the
//! web route list and the OpenAPI document), and real paths for their patterns, for tests
//! that sweep every route.

use axum::http::Method;

use crate::common::Delivery;

/// Every (method, path pattern) served: web routes, then API routes under `/api/v1`.
pub fn all() -> Vec<(Method, String)> {
    let mut routes: Vec<(Method, String)> = pathways::web::routes()
        .iter()
        .map(|r| (r.method.clone(), r.path.to_owned()))
        .collect();
    let doc = serde_json::to_value(pathways::api::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                routes.push((method, format!("/api/v1{path}")));
            }
        }
    }
    routes
}

/// The path patterns served for GET.
pub fn reads() -> Vec<String> {
    all()
        .into_iter()
        .filter(|(m, _)| m == Method::GET)
        .map(|(_, p)| p)
        .collect()
}

/// The (method, path pattern) pairs that change state.
pub fn writes() -> Vec<(Method, String)> {
    all()
        .into_iter()
        .filter(|(m, _)| m != Method::GET && m != Method::HEAD)
        .collect()
}

/// `pattern` with each placeholder replaced by a real object of the delivery (`job` for
/// employments).
pub fn concrete(pattern: &str, d: &Delivery, job: i32) -> String {
    let id = match pattern {
        p if p.starts_with("/api/v1/participants/{id}/employments") => d.participant,
        p if p.contains("/employments/") => job,
        p if p.contains("/sessions/") => d.sessions[0],
        p if p.contains("/participants/") => d.participant,
        p if p.contains("/cohorts/") => d.cohort,
        p if p.contains("/enrolments/") => d.enrolment,
        _ => d.programme,
    };
    pattern
        .replace("{id}", &id.to_string())
        .replace("{weeks}", "13")
        .replace("{topic}", "privacy")
}
