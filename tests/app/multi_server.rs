//! Real `pathways serve` processes over one database, driven through real HTTP with many
//! connections at once: bursts of parallel sign-in guesses (the server's own debug log
//! counts every argon2 verification, one line each, so the count belongs to this test
//! alone), and two app servers sharing sessions, sign-out and the throttle on PostgreSQL.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod client;

use axum::http::{StatusCode, header};
use pathways::auth::Role;

use self::client::{Http, Reply};
use crate::common::{PASSWORD, TestApp};

/// The debug line `verify_password` writes for each argon2 verification.
const VERIFIED: &str = "verifying a password against its argon2 hash";

/// A `pathways serve` child process; killed when dropped.
struct Server {
    child: Child,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `pathways serve` on a free loopback port over `database_url` and waits until
    /// it answers `/healthz`.
    async fn start(database_url: &str, extra: &[&str], http: &Http) -> Server {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = free.local_addr().unwrap().to_string();
        drop(free);
        let mut child = Command::new(env!("CARGO_BIN_EXE_pathways"))
            .args(["serve", "--addr", &addr])
            .args(extra)
            .env("DATABASE_URL", database_url)
            .env("PATHWAYS_LOG", "info,pathways::auth::password=debug")
            .env_remove("PATHWAYS_TRUSTED_PROXY_HEADER")
            .env_remove("PATHWAYS_SECURE_COOKIES")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pathways serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let server = Server {
            child,
            base: format!("http://{addr}"),
            log,
        };
        let started = Instant::now();
        loop {
            if let Some(reply) = http.get_opt(&server.url("/healthz"), None).await
                && reply.status == StatusCode::OK
            {
                return server;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start:\n{}",
                server.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Argon2 verifications so far, once the log has caught up with the responses.
    async fn verifications(&self) -> usize {
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.log_text().matches(VERIFIED).count()
    }

    fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sign-in form's double-submit token (cookie and field hold the same value).
async fn signin_token(http: &Http, server: &Server) -> String {
    http.get_opt(&server.url("/sign-in"), None)
        .await
        .unwrap()
        .cookie("pathways_signin")
        .expect("sign-in token cookie")
}

/// One sign-in through the form (its token fetched first) on `server`.
async fn attempt(http: &Http, server: &Server, email: &str, password: &str) -> Reply {
    let token = signin_token(http, server).await;
    post_sign_in(http, server.url("/sign-in"), token, email, password, None).await
}

async fn post_sign_in(
    http: &Http,
    url: String,
    token: String,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> Reply {
    let fields = [
        ("csrf_token", &*token),
        ("email", email),
        ("password", password),
    ];
    let cookie = format!("pathways_signin={token}");
    http.post_form(&url, &cookie, &fields, forwarded_for).await
}

/// Sends every `(email, password, X-Forwarded-For)` at once; returns the statuses.
async fn burst(
    http: &Http,
    server: &Server,
    attempts: Vec<(String, String, Option<String>)>,
) -> Vec<StatusCode> {
    let token = signin_token(http, server).await;
    let tasks = attempts
        .into_iter()
        .map(|(email, password, forwarded_for)| {
            let (http, token, url) = (http.clone(), token.clone(), server.url("/sign-in"));
            tokio::spawn(async move {
                let fwd = forwarded_for.as_deref();
                post_sign_in(&http, url, token, &email, &password, fwd)
                    .await
                    .status
            })
        });
    futures_util::future::join_all(tasks.collect::<Vec<_>>())
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

fn tally(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_guesses_reach_the_password_hash_at_most_ten_times() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let http = Http::new();
    let server = Server::start(&app.state.config.database_url, &[], &http).await;
    let attempts = (0..200)
        .map(|n| {
            // One of them is the right password, as in a guess list that holds it.
            let password = if n == 100 {
                PASSWORD.to_owned()
            } else {
                format!("wrong guess number {n}")
            };
            (email.clone(), password, None)
        })
        .collect();
    let statuses = burst(&http, &server, attempts).await;
    let verified = server.verifications().await;
    let throttled = tally(&statuses, StatusCode::TOO_MANY_REQUESTS);
    eprintln!("200 parallel guesses: {verified} verified, {throttled} answered 429");
    assert!(verified <= 10, "{verified} guesses reached argon2");
    assert!(throttled >= 190, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| !s.is_server_error()),
        "{statuses:?}"
    );
    let answered =
        tally(&statuses, StatusCode::UNAUTHORIZED) + tally(&statuses, StatusCode::SEE_OTHER);
    assert_eq!(
        answered, verified,
        "every checked guess was answered, none twice"
    );
    // Every failure is logged, and no log line names the account or a guess.
    let log = server.log_text();
    assert!(log.matches("sign-in failed").count() >= tally(&statuses, StatusCode::UNAUTHORIZED));
    assert!(
        !log.contains(&email) && !log.contains("wrong guess"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_account_from_twenty_forwarded_addresses_is_held_back_as_one() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let http = Http::new();
    let proxy = ["--trusted-proxy-header", "X-Forwarded-For"];
    let server = Server::start(&app.state.config.database_url, &proxy, &http).await;
    let attempts = (0..200)
        .map(|n| {
            let address = format!("198.51.100.{}", n % 20 + 1);
            (email.clone(), format!("wrong guess {n}"), Some(address))
        })
        .collect();
    let statuses = burst(&http, &server, attempts).await;
    let verified = server.verifications().await;
    eprintln!("200 parallel guesses from 20 addresses: {verified} verified");
    assert!(verified <= 10, "{verified} guesses reached argon2");
    assert!(tally(&statuses, StatusCode::TOO_MANY_REQUESTS) >= 190);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn spraying_twenty_accounts_from_one_address_reaches_the_hash_at_most_twenty_times() {
    let app = TestApp::new().await;
    let mut emails = Vec::new();
    for _ in 0..20 {
        emails.push(app.user(Role::Manager, "Leeds City Council").await.1);
    }
    let http = Http::new();
    let server = Server::start(&app.state.config.database_url, &[], &http).await;
    let attempts = (0..100)
        .map(|n| (emails[n % 20].clone(), format!("Spring{n}!"), None))
        .collect();
    let statuses = burst(&http, &server, attempts).await;
    let verified = server.verifications().await;
    eprintln!("100 parallel guesses over 20 accounts from one address: {verified} verified");
    assert!(verified <= 20, "{verified} guesses reached argon2");
    assert!(tally(&statuses, StatusCode::TOO_MANY_REQUESTS) >= 80);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_and_a_wrong_password_each_run_exactly_one_verification() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let unknown_email = "nobody@leeds-city-council.test";
    let http = Http::new();
    let server = Server::start(&app.state.config.database_url, &[], &http).await;
    assert_eq!(server.verifications().await, 0);
    let wrong = attempt(&http, &server, &email, "not the password at all").await;
    assert_eq!(server.verifications().await, 1, "wrong password");
    // No account, yet the dummy hash is verified just the same.
    let unknown = attempt(&http, &server, unknown_email, "not the password at all").await;
    assert_eq!(server.verifications().await, 2, "unknown email");
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    // Identical but for the email typed and the form's one-time token.
    let strip = |body: &str, typed: &str| {
        let body = body.replace(typed, "EMAIL");
        let field = "name=\"csrf_token\" value=\"";
        let start = body.find(field).expect("token field") + field.len();
        let end = start + body[start..].find('"').unwrap();
        format!("{}{}", &body[..start], &body[end..])
    };
    assert_eq!(
        strip(&wrong.body, &email),
        strip(&unknown.body, unknown_email)
    );
}

/// Adds a user through the command line, as an operator would.
fn add_user(database_url: &str, email: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .args(["user", "add", "--email", email, "--name", "Shared Server"])
        .args([
            "--organisation",
            "Leeds City Council",
            "--organisation-kind",
        ])
        .args(["council", "--role", "coordinator", "--password-stdin"])
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_app_servers_share_sessions_sign_out_and_the_throttle() {
    // Several app servers are a PostgreSQL deployment.
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        eprintln!("skipped: two app servers need PostgreSQL (set TEST_DATABASE_URL)");
        return;
    }
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    add_user(&url, "shared@leeds.test");
    add_user(&url, "guessed@leeds.test");
    let http = Http::new();
    let a = Server::start(&url, &[], &http).await;
    let b = Server::start(&url, &[], &http).await;

    // Signed in on A, the session works on B.
    let signed_in = attempt(&http, &a, "shared@leeds.test", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    let session = format!(
        "pathways_session={}",
        signed_in.cookie("pathways_session").unwrap()
    );
    let on_b = http.get_opt(&b.url("/"), Some(&session)).await.unwrap();
    assert_eq!(on_b.status, StatusCode::OK);
    assert!(on_b.body.contains("Shared Server"));

    // Signed out on B, it is gone on A too.
    let csrf = http
        .get_opt(&b.url("/account"), Some(&session))
        .await
        .unwrap()
        .csrf_token();
    let out = http
        .post_form(
            &b.url("/sign-out"),
            &session,
            &[("csrf_token", &csrf)],
            None,
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let on_a = http.get_opt(&a.url("/"), Some(&session)).await.unwrap();
    assert_eq!(on_a.status, StatusCode::SEE_OTHER);
    assert_eq!(on_a.headers.get(header::LOCATION).unwrap(), "/sign-in");

    // Wrong passwords split across both servers count as one: the sixth waits, on either.
    for n in 0..5 {
        let server = if n % 2 == 0 { &a } else { &b };
        let r = attempt(&http, server, "guessed@leeds.test", "wrong one").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    for server in [&a, &b] {
        let r = attempt(&http, server, "guessed@leeds.test", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("Too many attempts to sign in"));
    }
}
