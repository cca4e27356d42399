//! Signing in: success, the same answer for unknown and wrong, throttling per account and
//! per address, what the throttle stores, validation.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, Method, StatusCode};
use chrono::TimeDelta;
use pathways::auth::Role;
use pathways::models::LoginThrottle;
use pathways::{AppState, build_router};

use crate::common::{PASSWORD, TestApp, TestClient, TestResponse, form_request};

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

/// The app's router configured, as behind a reverse proxy, to trust `X-Forwarded-For`.
fn behind_proxy(app: &TestApp) -> Router {
    let mut config = (*app.state.config).clone();
    config.trusted_proxy_header = Some(HeaderName::from_static("x-forwarded-for"));
    build_router(AppState {
        config: Arc::new(config),
        ..app.state.clone()
    })
}

/// A sign-in through `router` with `X-Forwarded-For: forwarded_for`.
async fn attempt_from(
    router: &Router,
    forwarded_for: &str,
    email: &str,
    password: &str,
) -> TestResponse {
    let anon = TestClient {
        router: router.clone(),
        cookie: None,
        csrf: None,
        bearer: None,
    };
    let token = anon
        .get("/sign-in")
        .await
        .cookie("pathways_signin")
        .unwrap();
    let client = TestClient {
        cookie: Some(format!("pathways_signin={token}")),
        ..anon
    };
    let fields = [
        ("csrf_token", token.as_str()),
        ("email", email),
        ("password", password),
    ];
    let mut req = form_request(Method::POST, "/sign-in", &fields);
    req.headers_mut()
        .insert("x-forwarded-for", forwarded_for.parse().unwrap());
    client.send(req, None).await
}

async fn throttle_keys(app: &TestApp) -> Vec<(String, String)> {
    app.state
        .db
        .run(|conn| Ok(LoginThrottle::keys(conn)?))
        .await
        .unwrap()
}

#[tokio::test]
async fn over_long_fields_are_refused_before_anything_is_stored() {
    let app = TestApp::new().await;
    let long_email = format!("{}@example.org", "a".repeat(250));
    let r = app.attempt_sign_in(&long_email, "some password").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Email address must be 254 characters or fewer")
    );
    assert!(!r.text().contains(&long_email), "not echoed back");
    let r = app
        .attempt_sign_in("someone@example.org", &"p".repeat(257))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Password must be 256 characters or fewer")
    );
    // A body of megabytes is not even read: the sign-in form is tiny.
    let huge = "x".repeat(1_900_000);
    let r = app.attempt_sign_in(&huge, "some password").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("The form is too large"), "{}", r.text());
    assert!(throttle_keys(&app).await.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn throttle_rows_hold_keyed_hashes_never_what_was_typed() {
    let app = TestApp::new().await;
    // A password typed into the email box by mistake.
    let typed = "Violet-Tractor-2026";
    app.attempt_sign_in(typed, "whatever").await;
    app.attempt_sign_in("Amina.Khan@Example.org ", "whatever")
        .await;
    let keys = throttle_keys(&app).await;
    assert_eq!(keys.len(), 2);
    for (kind, hash) in &keys {
        assert_eq!(kind, "account");
        assert_eq!(hash.len(), 64);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    }
    // Keyed by the normalised email with the installation's key: the same row whatever
    // the case and spaces, and the key is made once and kept.
    let expected = app
        .state
        .db
        .run(|conn| {
            let first = pathways::auth::throttle::keys_for(conn, "amina.khan@example.org", None)?;
            let again = pathways::auth::throttle::keys_for(conn, "amina.khan@example.org", None)?;
            assert_eq!(first, again);
            Ok(LoginThrottle::failures(conn, &first[0])?)
        })
        .await
        .unwrap();
    assert_eq!(expected, Some(1));
}

#[tokio::test]
async fn rows_past_their_window_are_purged() {
    let app = TestApp::new().await;
    app.attempt_sign_in("first@nowhere.test", "whatever").await;
    app.attempt_sign_in("second@nowhere.test", "whatever").await;
    assert_eq!(throttle_keys(&app).await.len(), 2);
    app.clock.advance(TimeDelta::hours(25));
    app.attempt_sign_in("third@nowhere.test", "whatever").await;
    assert_eq!(
        throttle_keys(&app).await.len(),
        1,
        "the day-old rows went when the next failure came"
    );
}

#[tokio::test]
async fn spraying_many_accounts_from_one_address_is_slowed_down() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let proxied = behind_proxy(&app);
    for n in 0..20 {
        let r = attempt_from(&proxied, "203.0.113.7", &format!("user{n}@x.test"), "guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    // The address has used its twenty: even the right password waits now.
    let r = attempt_from(&proxied, "203.0.113.7", &email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("Wait 30 seconds"), "{}", r.text());
    assert_eq!(r.headers.get("retry-after").unwrap(), "30");
    // Only the rightmost (proxy-added) address counts; what the client put first does not.
    let r = attempt_from(&proxied, "203.0.113.7, 198.51.100.2", &email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Without the operator's say-so the header is ignored, so it can neither spread
    // attempts over made-up addresses nor get anyone else blocked.
    for n in 0..25 {
        let r = app
            .attempt_sign_in(&format!("other{n}@x.test"), "guess")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    app.clock.advance(TimeDelta::seconds(31));
    let r = attempt_from(&proxied, "203.0.113.7", &email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the delay ends");
}

#[tokio::test]
async fn two_hundred_guesses_from_one_or_twenty_addresses_check_five_and_never_lock_out() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let proxied = behind_proxy(&app);
    let mut checked = 0;
    for n in 0..200 {
        let address = format!("198.51.100.{}", n % 20);
        let r = attempt_from(&proxied, &address, &email, "wrong password here").await;
        match r.status {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("attempt {n}: {other}"),
        }
    }
    assert_eq!(checked, 5, "only the free failures were checked");
    // The owner still gets in once the 30-second delay has passed.
    app.clock.advance(TimeDelta::seconds(31));
    let r = attempt_from(&proxied, "198.51.100.1", &email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
