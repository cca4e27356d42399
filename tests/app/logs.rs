//! T-14 (logs): requests that carry personal data, passwords, session ids and tokens, and
//! requests that are refused, are sent while every log event of the request path is
//! captured at TRACE level; the captured log holds none of those values, and every refused
//! request left a line.
//!
//! The capture is the process's global subscriber, installed by the first test that asks
//! for it, so it also records every other test running in the binary at the same time:
//! over a whole run, the log must hold no password or session id of any test. (A
//! thread-local subscriber is not enough: tracing caches a callsite's interest per process,
//! and a callsite first reached on another test's thread stays silent.)
//!
//! The request line (one per request: method, route pattern, status, milliseconds) is
//! checked here in process and, in `serve`, from a real server's piped standard error in
//! text and JSON.

mod serve;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pathways::auth::Role;
use serde_json::json;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::common::{PASSWORD, TestApp};

/// Log output collected in memory.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The process-wide capture, installed once: the application at TRACE, the HTTP layer at
/// DEBUG, everything else at WARN. Without timestamps: their microseconds are digits that
/// could spell a searched-for value (a run failed on `…08.077002Z` holding "07700").
pub fn capture() -> &'static Captured {
    static CAPTURE: OnceLock<Captured> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("warn,pathways=trace,tower_http=debug"))
            .with_ansi(false)
            .without_time()
            .with_writer(captured.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        captured
    })
}

#[tokio::test]
async fn logs_hold_no_personal_data_passwords_or_secrets_and_every_refusal_is_logged() {
    let captured = capture();

    let app = TestApp::new().await;
    let org = "Learning Partnerships";
    let d = app.delivery(org).await;
    let (admin, admin_email) = app.user(Role::Admin, org).await;
    let api = app.token_client(admin).await;
    let token = api.bearer.clone().unwrap();

    // Personal data through the API, a search, a bad request and the import.
    let given = "Zephyrine";
    let family = "Quillfeather";
    let created = api
        .json(
            Method::POST,
            "/api/v1/participants",
            json!({"given_name": given, "family_name": family, "date_of_birth": "1991-04-05",
                   "postcode": "LS9 7TF", "email": "zephyrine.q@example.org",
                   "phone": "07700 900456"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let duplicate = api
        .json(
            Method::POST,
            "/api/v1/participants",
            json!({"given_name": given, "family_name": family, "date_of_birth": "1991-04-05",
                   "postcode": "LS9 7TF"}),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    let bad = api
        .json(
            Method::POST,
            "/api/v1/participants",
            json!({"given_name": given, "family_name": family, "date_of_birth": "31/02/1991",
                   "postcode": "QQ1 1QQ1", "email": "zephyrine@"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let found = api.get(&format!("/api/v1/participants?q={family}")).await;
    assert_eq!(found.status, StatusCode::OK);
    let csv = format!(
        "given_name,family_name,date_of_birth,postcode,email,phone\n\
         Wilhelmina,Thistlewood,1988-07-09,LS9 7TF,,\n{given},{family},not a date,LS9 7TF,,\n"
    );
    let import = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cohorts/{}/import", d.cohort))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv))
        .unwrap();
    assert_eq!(
        api.send(import, None).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Sign-ins: a wrong password, an unknown email, then the right one.
    let wrong_password = "tangerine submarine wrong guess";
    let unknown_email = "nobody.here@example.org";
    assert_ne!(
        app.attempt_sign_in(&admin_email, wrong_password)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_ne!(
        app.attempt_sign_in(unknown_email, wrong_password)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let web = app.sign_in(&admin_email, PASSWORD).await;
    let session = web.cookie.clone().unwrap();
    let session_id = session.split_once('=').unwrap().1.to_owned();
    let page = web.get(&format!("/participants?q={given}")).await;
    assert_eq!(page.status, StatusCode::OK);

    // Refusals: no credentials, a wrong token, a forbidden write, an invisible object.
    let refusals = [
        app.anon().get("/api/v1/participants").await.status,
        crate::common::TestClient {
            bearer: Some("not-a-real-token".into()),
            ..app.anon()
        }
        .get("/api/v1/me")
        .await
        .status,
        app.login_as(Role::Manager, org)
            .await
            .post_form("/participants", &[("given_name", given)])
            .await
            .status,
        api.get("/api/v1/participants/999999").await.status,
    ];
    for status in refusals {
        assert!(status.is_client_error(), "{status}");
    }

    let log = captured.text();
    assert!(!log.is_empty(), "nothing was captured");
    for secret in [
        given,
        family,
        "zephyrine",
        "Zephyrine",
        "Quillfeather",
        "07700",
        "1991-04-05",
        "Wilhelmina",
        "Thistlewood",
        admin_email.as_str(),
        unknown_email,
        wrong_password,
        PASSWORD,
        session_id.as_str(),
        token.as_str(),
    ] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    // At the level a server logs by default (INFO), every refusal left a line.
    let info: Vec<&str> = log
        .lines()
        .filter(|l| {
            let level = l.trim_start();
            !level.starts_with("DEBUG ") && !level.starts_with("TRACE ")
        })
        .collect();
    for refused in [
        "status=401",
        "status=403",
        "status=404",
        "status=409",
        "status=422",
    ] {
        assert!(
            info.iter().any(|l| l.contains(refused)),
            "no INFO line with {refused}:\n{}",
            info.join("\n")
        );
    }
}

/// The request lines (target `pathways::request`) of the capture.
fn request_lines(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("pathways::request:"))
        .collect()
}

#[tokio::test]
async fn one_info_line_per_request_names_the_route_pattern_never_the_path_or_query() {
    let captured = capture();
    let app = TestApp::new().await;
    let org = "Learning Partnerships";
    let web = app.login_as(Role::Coordinator, org).await;
    // A resident id and a search no other test uses: neither may reach the log.
    let page = web.get("/participants/987654?q=Ottoline").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let list = web.get("/participants?q=Ottoline").await;
    assert_eq!(list.status, StatusCode::OK);
    let unmatched = app.anon().get("/no-such-page/Ottoline.Brackenbury").await;
    assert_eq!(unmatched.status, StatusCode::NOT_FOUND);

    let log = captured.text();
    for secret in ["Ottoline", "Brackenbury", "/participants/987654"] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    let lines = request_lines(&log);
    let line = |route: &str, status: &str| {
        lines
            .iter()
            .find(|l| {
                l.contains(&format!(" route={route} ")) && l.contains(&format!(" status={status} "))
            })
            .unwrap_or_else(|| panic!("no request line for {route} {status}:\n{log}"))
            .to_string()
    };
    let shown = line("/participants/{id}", "404");
    assert!(shown.trim_start().starts_with("INFO "), "{shown}");
    assert!(shown.contains(" method=GET "), "{shown}");
    let latency = shown
        .split(" latency_ms=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("latency_ms");
    assert!(latency.parse::<f64>().is_ok_and(|ms| ms >= 0.0), "{shown}");
    line("/participants", "200");
    // An unmatched path is logged as a fixed mark, not as what the caller typed.
    line("-", "404");
}
