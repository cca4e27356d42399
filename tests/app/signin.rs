//! Signing in: success, the same answer for unknown and wrong, throttling, validation.

use axum::http::StatusCode;
use chrono::TimeDelta;
use pathways::auth::Role;

use crate::common::{PASSWORD, TestApp};

#[tokio::test]
async fn the_right_password_signs_in_and_the_dashboard_greets_the_user() {
    let app = TestApp::new().await;
    let client = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("Welcome, <bdi>Test Coordinator"),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let wrong = app.attempt_sign_in(&email, "not the password at all").await;
    let unknown = app
        .attempt_sign_in("nobody@leeds-city-council.test", "not the password at all")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    // Identical but for the email typed and the form's one-time token.
    let strip = |t: String, e: &str| {
        let t = t.replace(e, "EMAIL");
        let start = t.find("name=\"csrf_token\" value=\"").unwrap();
        let end = t[start + 27..].find('"').unwrap() + start + 27;
        format!("{}{}", &t[..start], &t[end..])
    };
    assert_eq!(
        strip(wrong.text(), &email),
        strip(unknown.text(), "nobody@leeds-city-council.test")
    );
    assert!(
        wrong
            .text()
            .contains("Enter a correct email address and password")
    );
    assert!(wrong.cookie("pathways_session").is_none());
}

#[tokio::test]
async fn email_is_matched_without_regard_to_case_or_spaces() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Hr, "Leeds Teaching Hospitals").await;
    let response = app
        .attempt_sign_in(&format!("  {}  ", email.to_uppercase()), PASSWORD)
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn empty_fields_are_named_in_an_error_summary() {
    let app = TestApp::new().await;
    let response = app.attempt_sign_in("", "").await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text();
    assert!(text.contains("<title>Error: Sign in – Pathways</title>"));
    assert!(text.contains("There is a problem"));
    assert!(text.contains("href=\"#email\">Enter your email address"));
    assert!(text.contains("href=\"#password\">Enter your password"));
}

#[tokio::test]
async fn five_failures_bring_a_growing_delay_that_ends() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    for _ in 0..5 {
        assert_eq!(
            app.attempt_sign_in(&email, "wrong password here")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Blocked now, even with the right password, and the page says how long to wait.
    let blocked = app.attempt_sign_in(&email, PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        blocked.text().contains("Wait 30 seconds"),
        "{}",
        blocked.text()
    );
    // After the delay one more failure doubles it.
    app.clock.advance(TimeDelta::seconds(31));
    assert_eq!(
        app.attempt_sign_in(&email, "wrong again!").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        app.attempt_sign_in(&email, PASSWORD)
            .await
            .text()
            .contains("Wait 1 minute")
    );
    // Never a permanent lock-out: after the delay the right password works.
    app.clock.advance(TimeDelta::seconds(61));
    assert_eq!(
        app.attempt_sign_in(&email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn unknown_emails_are_throttled_like_real_ones() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        app.attempt_sign_in("ghost@nowhere.test", "whatever password")
            .await;
    }
    assert_eq!(
        app.attempt_sign_in("ghost@nowhere.test", "whatever password")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let (id, email) = app.user(Role::Manager, "Leeds City Council").await;
    let response = admin
        .post_form(&format!("/admin/users/{id}/disable"), &[])
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.attempt_sign_in(&email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn stored_hashes_are_argon2id_with_owasp_parameters() {
    let app = TestApp::new().await;
    let (id, _) = app.user(Role::Manager, "Leeds City Council").await;
    let user = app
        .state
        .db
        .run(move |conn| Ok(pathways::models::User::find(conn, id)?))
        .await
        .unwrap();
    assert!(
        user.password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        user.password_hash
    );
}
