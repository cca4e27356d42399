//! Sessions: cookie attributes, a new id at every sign-in, sign-out on the server, idle and
//! absolute timeouts, disabling and role changes taking effect at once, and temporary
//! passwords.

use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use pathways::auth::Role;
use serde_json::json;

use crate::common::{PASSWORD, TestApp, TestClient};

fn assert_signed_out(response: &crate::common::TestResponse) {
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location().as_deref(), Some("/sign-in"));
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_long() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let response = app.attempt_sign_in(&email, PASSWORD).await;
    let header = response.set_cookie_header("pathways_session").unwrap();
    assert!(
        header.contains("HttpOnly")
            && header.contains("SameSite=Strict")
            && header.contains("Path=/")
    );
    assert!(
        !header.contains("Secure"),
        "plain HTTP must not claim Secure"
    );
    assert!(
        response.cookie("pathways_session").unwrap().len() >= 43,
        "at least 256 random bits"
    );
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed() {
    let app = TestApp::with_config(true).await;
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let anon = app.anon();
    let form = anon.get("/sign-in").await;
    assert!(
        form.set_cookie_header("__Host-pathways_signin")
            .unwrap()
            .contains("; Secure")
    );
    let token = form.cookie("__Host-pathways_signin").unwrap();
    let client = TestClient {
        cookie: Some(format!("__Host-pathways_signin={token}")),
        ..anon
    };
    let response = client
        .send(
            crate::common::form_request(
                Method::POST,
                "/sign-in",
                &[
                    ("csrf_token", &token),
                    ("email", &email),
                    ("password", PASSWORD),
                ],
            ),
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let header = response
        .set_cookie_header("__Host-pathways_session")
        .unwrap();
    assert!(header.contains("; Secure") && header.contains("Path=/") && !header.contains("Domain"));
    assert!(response.headers.get("strict-transport-security").is_some());
}

#[tokio::test]
async fn each_sign_in_gets_a_new_session_id_and_sign_out_ends_it_on_the_server() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let first = app.sign_in(&email, PASSWORD).await;
    let second = app.sign_in(&email, PASSWORD).await;
    assert_ne!(first.cookie, second.cookie);
    let response = first.post_form("/sign-out", &[]).await;
    assert_eq!(
        response.location().as_deref(),
        Some("/sign-in?signed_out=1")
    );
    assert!(
        response
            .set_cookie_header("pathways_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    // Replaying the old cookie no longer works; the other session is untouched.
    assert_signed_out(&first.get("/").await);
    assert_eq!(
        first.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(second.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn thirty_idle_minutes_end_a_session() {
    let app = TestApp::new().await;
    let client = app.login_as(Role::Manager, "Leeds City Council").await;
    app.clock.advance(TimeDelta::minutes(29));
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    app.clock.advance(TimeDelta::minutes(29));
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "activity keeps it alive"
    );
    app.clock.advance(TimeDelta::minutes(31));
    assert_signed_out(&client.get("/").await);
}

#[tokio::test]
async fn ten_hours_end_a_session_however_active() {
    let app = TestApp::new().await;
    let client = app.login_as(Role::Manager, "Leeds City Council").await;
    for _ in 0..20 {
        app.clock.advance(TimeDelta::minutes(29));
        assert_eq!(client.get("/").await.status, StatusCode::OK);
    }
    app.clock.advance(TimeDelta::minutes(21)); // 10 h 1 min after sign-in
    assert_signed_out(&client.get("/").await);
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_tokens() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let (id, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let browser = app.sign_in(&email, PASSWORD).await;
    let script = app.token_client(id).await;
    assert_eq!(script.get("/api/v1/me").await.status, StatusCode::OK);
    admin
        .post_form(&format!("/admin/users/{id}/disable"), &[])
        .await;
    assert_signed_out(&browser.get("/").await);
    assert_eq!(
        script.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Enabling again does not bring old tokens back.
    admin
        .post_form(&format!("/admin/users/{id}/enable"), &[])
        .await;
    assert_eq!(
        script.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.attempt_sign_in(&email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_role_change_applies_on_the_next_request() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let (id, email) = app.user(Role::Admin, "Leeds City Council").await;
    let other = app.sign_in(&email, PASSWORD).await;
    assert_eq!(other.get("/admin/users").await.status, StatusCode::OK);
    let response = admin
        .post_form(&format!("/admin/users/{id}/role"), &[("role", "manager")])
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        other.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(other.get("/api/v1/me").await.json()["role"], "manager");
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_before_anything_else() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let (id, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let temporary = "orange kettle under bridges";
    let response = admin
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("password", temporary)],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.attempt_sign_in(&email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let signed_in = app.attempt_sign_in(&email, temporary).await;
    assert_eq!(signed_in.location().as_deref(), Some("/account/password"));
    let mut client = app.anon();
    client.cookie = Some(format!(
        "pathways_session={}",
        signed_in.cookie("pathways_session").unwrap()
    ));
    let form = client.get("/").await;
    assert_eq!(form.location().as_deref(), Some("/account/password"));
    client.csrf = client.get("/account/password").await.csrf_token();
    assert_eq!(
        client
            .json(Method::GET, "/api/v1/programmes", json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let changed = client
        .post_form(
            "/account/password",
            &[
                ("current_password", temporary),
                ("new_password", "seven quiet herons at dawn"),
                ("confirm_password", "seven quiet herons at dawn"),
            ],
        )
        .await;
    assert_eq!(
        changed.location().as_deref(),
        Some("/account?notice=password_changed")
    );
    assert_eq!(client.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn changing_a_password_checks_the_current_one_and_the_policy() {
    let app = TestApp::new().await;
    let client = app.login_as(Role::Manager, "Leeds City Council").await;
    let attempt = |current: &'static str, new: &'static str, confirm: &'static str| {
        let client = client.clone();
        async move {
            client
                .post_form(
                    "/account/password",
                    &[
                        ("current_password", current),
                        ("new_password", new),
                        ("confirm_password", confirm),
                    ],
                )
                .await
        }
    };
    let r = attempt(
        "wrong current password",
        "seven quiet herons at dawn",
        "seven quiet herons at dawn",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Your current password is not correct"));
    let r = attempt(PASSWORD, "short", "short").await;
    assert!(r.text().contains("Password must be 12 characters or more"));
    let r = attempt(PASSWORD, "password123456", "password123456").await;
    assert!(r.text().contains("too common"));
    let r = attempt(
        PASSWORD,
        "seven quiet herons at dawn",
        "seven quiet herons at dusk",
    )
    .await;
    assert!(r.text().contains("Passwords must match"));
    // Another session of the same user ends when the password changes.
    let other_session = {
        let email = client.get("/api/v1/me").await.json()["email"]
            .as_str()
            .unwrap()
            .to_owned();
        app.sign_in(&email, PASSWORD).await
    };
    let r = attempt(
        PASSWORD,
        "seven quiet herons at dawn",
        "seven quiet herons at dawn",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    assert_signed_out(&other_session.get("/").await);
}

#[tokio::test]
async fn a_temporary_password_revokes_api_tokens_and_holds_new_ones_to_whoami() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let (id, _) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let script = app.token_client(id).await;
    assert_eq!(
        script.get("/api/v1/programmes").await.status,
        StatusCode::OK
    );
    let temporary = "orange kettle under bridges";
    let response = admin
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("password", temporary)],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        script.get("/api/v1/programmes").await.status,
        StatusCode::UNAUTHORIZED,
        "the old token is revoked"
    );
    // A token made while the change is pending (e.g. on the command line) may only ask
    // whose it is.
    let pending = app.token_client(id).await;
    let me = pending.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["must_change_password"], true);
    for refused in [
        pending.get("/api/v1/programmes").await,
        pending
            .json(
                Method::POST,
                "/api/v1/organisations",
                json!({"name": "Leeds Mind", "kind": "charity"}),
            )
            .await,
    ] {
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(refused.json()["error"]["code"], "password_change_required");
    }
    // The reset's audit event says the token went with it.
    let trail = app
        .state
        .db
        .run(move |conn| {
            Ok(pathways::models::AuditEvent::for_entity(
                conn,
                "user",
                &id.to_string(),
            )?)
        })
        .await
        .unwrap();
    let reset = trail
        .iter()
        .filter_map(|e| e.after_json.as_deref())
        .find(|a| a.contains("temporary password set"))
        .expect("the reset is audited");
    assert!(reset.contains("\"api_tokens_revoked\":1"), "{reset}");
}

#[tokio::test]
async fn changing_ones_own_password_revokes_every_api_token() {
    let app = TestApp::new().await;
    let (id, email) = app.user(Role::Manager, "Leeds City Council").await;
    let client = app.sign_in(&email, PASSWORD).await;
    let script = app.token_client(id).await;
    assert_eq!(script.get("/api/v1/me").await.status, StatusCode::OK);
    let changed = client
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "seven quiet herons at dawn"),
                ("confirm_password", "seven quiet herons at dawn"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        script.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "this session stays"
    );
}
