//! The binary's commands, run as a user would run them.

use std::io::Write;
use std::process::{Command, Stdio};

use axum::http::{Method, StatusCode};
use pathways::auth::Role;

use crate::common::{TestApp, TestClient};

pub fn pathways(database_url: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("PATHWAYS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn user_add_then_token_create_gives_a_working_token() {
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    let add = [
        "user",
        "add",
        "--email",
        "Amina@Council.test",
        "--name",
        "Amina Khan",
        "--organisation",
        "Leeds City Council",
        "--organisation-kind",
        "council",
        "--role",
        "manager",
        "--password-stdin",
    ];
    let (ok, _, err) = pathways(&url, &add, "orange kettle under bridges\n");
    assert!(ok, "{err}");
    let (ok, token, err) = pathways(
        &url,
        &["token", "create", "--email", "amina@council.test"],
        "",
    );
    assert!(ok, "{err}");
    let script = TestClient {
        bearer: Some(token.trim().to_owned()),
        ..app.anon()
    };
    let me = script.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        (me.json()["email"].clone(), me.json()["role"].clone()),
        (
            serde_json::json!("amina@council.test"),
            serde_json::json!("manager")
        )
    );
    // A manager's token cannot create organisations.
    let body = serde_json::json!({"name": "Leeds Mind", "kind": "charity"});
    assert_eq!(
        script
            .json(Method::POST, "/api/v1/organisations", body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The organisation was created once and reused.
    let (ok, _, err) = pathways(
        &url,
        &[
            "user",
            "add",
            "--email",
            "b@council.test",
            "--name",
            "B",
            "--organisation",
            "Leeds City Council",
            "--role",
            "hr",
            "--password-stdin",
        ],
        "orange kettle under bridges\n",
    );
    assert!(ok, "{err}");
    let admin = app.login_as(Role::Admin, "Somewhere").await;
    let page = admin.get("/admin/organisations").await.text();
    assert_eq!(page.matches("Leeds City Council").count(), 1);
}

#[tokio::test]
async fn commands_fail_with_one_line_naming_the_problem() {
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    let base = [
        "user",
        "add",
        "--email",
        "x@council.test",
        "--name",
        "X",
        "--organisation",
        "Leeds City Council",
        "--role",
    ];
    let (ok, _, err) = pathways(
        &url,
        &[&base[..], &["chief", "--password-stdin"]].concat(),
        "orange kettle under bridges\n",
    );
    assert!(!ok);
    assert!(err.contains("role: Select a role"), "{err}");
    let (ok, _, err) = pathways(
        &url,
        &[&base[..], &["manager", "--password-stdin"]].concat(),
        "password\n",
    );
    assert!(
        !ok && err.contains("password: Password must be 12 characters or more"),
        "{err}"
    );
    let (ok, _, err) = pathways(
        &url,
        &["token", "create", "--email", "nobody@council.test"],
        "",
    );
    assert!(!ok && err.contains("no active user"), "{err}");
    let (ok, _, err) = pathways("mysql://localhost/x", &["migrate"], "");
    assert!(
        !ok && err.contains("unsupported database URL scheme"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[tokio::test]
async fn demo_loads_the_leeds_partners_and_prints_logins_that_work() {
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    let (ok, out, err) = pathways(&url, &["demo"], "");
    assert!(ok, "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("coordinator@demo.pathways.test"))
        .expect("coordinator login printed");
    let password = line.split("password: ").nth(1).unwrap().trim();
    let client = app
        .sign_in("coordinator@demo.pathways.test", password)
        .await;
    let dashboard = client.get("/").await.text();
    assert!(
        dashboard.contains("Health and Care Careers — Facilities Technician"),
        "{dashboard}"
    );
    for partner in [
        "Leeds City Council",
        "Leeds Teaching Hospitals NHS Trust",
        "Leeds City College",
        "Learning Partnerships",
    ] {
        assert!(dashboard.contains(partner), "{partner}");
    }
    // Running it again prints fresh passwords rather than failing or duplicating.
    let (ok, again, _) = pathways(&url, &["demo"], "");
    assert!(ok);
    assert_ne!(again, out);
    assert_eq!(
        app.attempt_sign_in("coordinator@demo.pathways.test", password)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}
