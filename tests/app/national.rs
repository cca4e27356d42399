//! The national data set (`pathways demo --national`) at a tiny scale: it loads into an
//! empty database with the expected shape, its printed logins sign in, a regional
//! coordinator sees only their share, the app keeps writing after it, loading it again
//! gives fresh passwords, and a database that holds other data is refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::StatusCode;
use diesel::prelude::*;
use pathways::demo::national::{self, ACCOUNTS, Shape};
use pathways::schema::{attendance, cohorts, employments, enrolments, programme_partners};

use crate::cli::pathways;
use crate::common::TestApp;

/// 36 cohorts in two programmes: programme 1 holds the odd ones.
const SCALE: f64 = 0.006;

async fn count_rows(app: &TestApp) -> [i64; 5] {
    app.state
        .db
        .run(|conn| {
            Ok([
                cohorts::table.count().get_result(conn)?,
                enrolments::table.count().get_result(conn)?,
                attendance::table.count().get_result(conn)?,
                employments::table.count().get_result(conn)?,
                programme_partners::table.count().get_result(conn)?,
            ])
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_national_demo_loads_its_shape_and_every_printed_login_signs_in() {
    let app = TestApp::new().await;
    let shape = Shape::at(SCALE);
    assert_eq!((shape.cohorts, shape.programmes), (36, 2));
    let ticks = Arc::new(AtomicU64::new(0));
    let counter = ticks.clone();
    let logins = national::load_demo(&app.state, SCALE, move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    })
    .await
    .unwrap();
    assert_eq!(ticks.load(Ordering::Relaxed), shape.steps());

    let [cohorts, enrolments, attendance, jobs, partners] = count_rows(&app).await;
    assert_eq!((cohorts, enrolments), (36, 36 * 40));
    assert_eq!(attendance, 36 * 40 * 30);
    // About half find a job (the national set has 126,000 of 240,000).
    assert!((500..900).contains(&jobs), "{jobs} jobs");
    // Council, college, charity, a trust and a regional partnership per programme.
    assert_eq!(partners, 2 * 5);

    assert_eq!(logins.len(), ACCOUNTS.len());
    let roles: Vec<&str> = logins.iter().map(|l| l.role.as_str()).collect();
    for role in ["admin", "coordinator", "hr", "manager"] {
        assert!(roles.contains(&role), "{role} in {roles:?}");
    }
    for login in &logins {
        let client = app.sign_in(&login.email, &login.password).await;
        assert_eq!(
            client.get("/").await.status,
            StatusCode::OK,
            "{}",
            login.email
        );
    }
    let by_email = |email: &str| logins.iter().find(|l| l.email == email).unwrap();
    let national = by_email("coordinator@national.pathways.test");
    let regional = by_email("regional.coordinator@national.pathways.test");
    let national = app.sign_in(&national.email, &national.password).await;
    let regional = app.sign_in(&regional.email, &regional.password).await;
    // Cohort 1 belongs to programme 1 (the region's), cohort 2 to programme 2.
    assert_eq!(national.get("/cohorts/2").await.status, StatusCode::OK);
    assert_eq!(regional.get("/cohorts/1").await.status, StatusCode::OK);
    assert_eq!(
        regional.get("/cohorts/2").await.status,
        StatusCode::NOT_FOUND
    );

    // The app writes new rows after the bulk load's explicit ids (PostgreSQL's sequences
    // moved past them).
    let programme = app.programme("After the load", &["New Partner"]).await;
    assert!(programme > 2, "{programme}");

    // Loading it again gives every account a fresh password rather than failing.
    let again = national::load_demo(&app.state, SCALE, |_| {})
        .await
        .unwrap();
    let admin = &logins[0];
    assert_eq!(again[0].email, admin.email);
    assert_ne!(again[0].password, admin.password);
    let old = app.attempt_sign_in(&admin.email, &admin.password).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    app.sign_in(&again[0].email, &again[0].password).await;
    assert_eq!(count_rows(&app).await[0], 36);
}

#[tokio::test]
async fn the_national_demo_refuses_a_database_that_holds_other_data() {
    let app = TestApp::new().await;
    app.organisation("Leeds Mind").await;
    let refused = national::load_demo(&app.state, SCALE, |_| {}).await;
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("already holds data"), "{message}");
    assert_eq!(count_rows(&app).await[0], 0);
}

#[tokio::test]
async fn demo_national_from_the_command_line_prints_both_coordinators() {
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    let (ok, out, err) = pathways(&url, &["demo", "--national", "--scale", "0.001"], "");
    assert!(ok, "{err}");
    // Piped: no progress bar on standard error.
    assert!(err.trim().is_empty(), "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("regional.coordinator@national.pathways.test"))
        .expect("regional coordinator printed");
    assert!(out.contains("coordinator@national.pathways.test"), "{out}");
    let password = line.split("password: ").nth(1).unwrap().trim();
    let client = app
        .sign_in("regional.coordinator@national.pathways.test", password)
        .await;
    assert_eq!(client.get("/cohorts").await.status, StatusCode::OK);

    let other = TestApp::new().await;
    other.organisation("Leeds Mind").await;
    let url = other.state.config.database_url.clone();
    let (ok, _, err) = pathways(&url, &["demo", "--national", "--scale", "0.001"], "");
    assert!(!ok);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("already holds data"), "{err}");
}
