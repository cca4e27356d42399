//! Forged state-changing requests are refused with 403 and change nothing.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pathways::auth::Role;

use crate::common::{TestApp, form_request};

/// A form POST to create an organisation, with the given token and extra headers.
fn forged(token: Option<&str>, extra: &[(&'static str, &'static str)]) -> Request<Body> {
    let mut fields = vec![("name", "Forged Organisation"), ("kind", "charity")];
    if let Some(t) = token {
        fields.push(("csrf_token", t));
    }
    let mut req = form_request(Method::POST, "/admin/organisations", &fields);
    for (k, v) in extra {
        req.headers_mut().insert(*k, v.parse().unwrap());
    }
    req
}

#[tokio::test]
async fn five_kinds_of_forgery_are_refused_and_write_nothing() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let other = app.login_as(Role::Admin, "Leeds City Council").await;
    let token = admin.csrf.clone().unwrap();
    let others_token = other.csrf.clone().unwrap();
    let before = app.audit_count().await;
    let attempts = [
        ("no token", forged(None, &[])),
        ("wrong token", forged(Some("not-the-token"), &[])),
        ("another session's token", forged(Some(&others_token), &[])),
        (
            "foreign origin",
            forged(Some(&token), &[("origin", "https://evil.example")]),
        ),
        (
            "cross-site fetch",
            forged(Some(&token), &[("sec-fetch-site", "cross-site")]),
        ),
    ];
    for (what, req) in attempts {
        let response = admin.send(req, None).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{what}");
        assert!(
            response.text().contains("came from another site"),
            "{what}: an HTML page explains"
        );
    }
    assert_eq!(app.audit_count().await, before, "nothing was written");
    // The genuine form works.
    let genuine = admin
        .send(
            forged(
                Some(&token),
                &[
                    ("origin", "http://pathways.test"),
                    ("sec-fetch-site", "same-origin"),
                ],
            ),
            None,
        )
        .await;
    assert_eq!(genuine.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn api_calls_with_a_session_need_the_csrf_header() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let body = serde_json::json!({"name": "Leeds Mind", "kind": "charity"}).to_string();
    let request = || {
        Request::post("/api/v1/organisations")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let refused = admin.send(request(), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"]["code"], "csrf_rejected");
    let accepted = admin.send(request(), admin.csrf.as_deref()).await;
    assert_eq!(accepted.status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_sign_in_form_needs_its_own_token() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let response = app
        .anon()
        .send(
            form_request(
                Method::POST,
                "/sign-in",
                &[("email", &email), ("password", crate::common::PASSWORD)],
            ),
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(response.cookie("pathways_session").is_none());
}

#[tokio::test]
async fn bearer_token_calls_need_no_csrf_token_but_still_refuse_cross_site() {
    let app = TestApp::new().await;
    let (id, _) = app.user(Role::Admin, "Leeds City Council").await;
    let script = app.token_client(id).await;
    let body = serde_json::json!({"name": "Leeds Mind", "kind": "charity"});
    assert_eq!(
        script
            .json(Method::POST, "/api/v1/organisations", body.clone())
            .await
            .status,
        StatusCode::CREATED
    );
    let req = Request::post("/api/v1/organisations")
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(body.to_string()))
        .unwrap();
    assert_eq!(script.send(req, None).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_token_in_the_query_string_is_never_accepted() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let token = admin.csrf.clone().unwrap();
    let before = app.audit_count().await;
    let path = format!("/admin/organisations?csrf_token={token}");
    let bodies = [
        (
            "application/x-www-form-urlencoded",
            "name=Leeds+Mind&kind=charity".to_owned(),
        ),
        ("text/plain", "name=Leeds+Mind&kind=charity".to_owned()),
        (
            "multipart/form-data; boundary=b",
            "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nLeeds Mind\r\n--b--\r\n"
                .to_owned(),
        ),
    ];
    for (content_type, body) in bodies {
        let req = Request::post(path.as_str())
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let response = admin.send(req, None).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{content_type}");
    }
    assert_eq!(app.audit_count().await, before, "nothing was written");
}

#[tokio::test]
async fn the_import_form_carries_its_token_in_the_body_not_the_url() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let web = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let token = web.csrf.clone().unwrap();
    let page = web
        .get(&format!("/cohorts/{}/import", d.cohort))
        .await
        .text();
    assert!(page.contains(&format!("action=\"/cohorts/{}/import\"", d.cohort)));
    assert!(!page.contains("?csrf_token"), "no token in any URL");
    let sheet = "given_name,family_name,date_of_birth,postcode\r\nAmina,Begum,1990-01-01,LS9 7TF";
    let multipart = |token: &str| {
        let body = format!(
            "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
             --b\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\n{sheet}\r\n--b--\r\n"
        );
        Request::post(format!("/cohorts/{}/import", d.cohort))
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
            .body(Body::from(body))
            .unwrap()
    };
    let preview = web.send(multipart(&token), None).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    assert!(
        preview
            .text()
            .contains("Check the import before you confirm")
    );
    let forged = web.send(multipart("not-the-token"), None).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}
