//! Real `pathways serve` processes over one database, driven through real HTTP with many
//! connections at once: bursts of parallel sign-in guesses (the server's own debug log
//! counts every argon2 verification, one line each, so the count belongs to this test
//! alone), and two app servers sharing sessions, sign-out and the throttle on PostgreSQL.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use pathways::auth::Role;

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
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
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
            if let Some(reply) = http.try_get(&server.url("/healthz"), None).await
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
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(VERIFIED))
            .count()
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

/// An HTTP/1 client that opens as many connections as there are requests in flight.
#[derive(Clone)]
struct Http(Client<HttpConnector, Full<Bytes>>);

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next()?.split_once('='))
            .find(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v.to_owned())
    }

    fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).expect("a form") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}

impl Http {
    fn new() -> Http {
        Http(Client::builder(TokioExecutor::new()).build_http())
    }

    async fn try_send(&self, req: Request<Full<Bytes>>) -> Option<Reply> {
        let response = self.0.request(req).await.ok()?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.ok()?.to_bytes();
        Some(Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    async fn try_get(&self, url: &str, cookie: Option<&str>) -> Option<Reply> {
        let mut req = Request::get(url);
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        self.try_send(req.body(Full::default()).unwrap()).await
    }

    async fn get(&self, url: &str, cookie: Option<&str>) -> Reply {
        self.try_get(url, cookie).await.expect("the server answers")
    }

    async fn post_form(
        &self,
        url: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        forwarded_for: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(url)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(address) = forwarded_for {
            req = req.header("x-forwarded-for", address);
        }
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = req.body(Full::new(Bytes::from(body))).unwrap();
        self.try_send(req).await.expect("the server answers")
    }
}

/// The sign-in form's double-submit token (cookie and field hold the same value).
async fn signin_token(http: &Http, server: &Server) -> String {
    http.get(&server.url("/sign-in"), None)
        .await
        .cookie("pathways_signin")
        .expect("sign-in token cookie")
}

async fn attempt(
    http: &Http,
    server: &Server,
    token: &str,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> Reply {
    let fields = [
        ("csrf_token", token),
        ("email", email),
        ("password", password),
    ];
    let cookie = format!("pathways_signin={token}");
    http.post_form(&server.url("/sign-in"), &cookie, &fields, forwarded_for)
        .await
}

/// Sends every `(email, password, X-Forwarded-For)` at once; returns the statuses.
async fn burst(
    http: &Http,
    server: &Server,
    attempts: Vec<(String, String, Option<String>)>,
) -> Vec<StatusCode> {
    let token = signin_token(http, server).await;
    let mut tasks = Vec::new();
    for (email, password, forwarded_for) in attempts {
        let (http, token, url) = (http.clone(), token.clone(), server.url("/sign-in"));
        tasks.push(tokio::spawn(async move {
            let fields = [
                ("csrf_token", token.as_str()),
                ("email", email.as_str()),
                ("password", password.as_str()),
            ];
            let cookie = format!("pathways_signin={token}");
            http.post_form(&url, &cookie, &fields, forwarded_for.as_deref())
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
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
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // Several app servers are a PostgreSQL deployment.
    } else {
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
    let token = signin_token(&http, &a).await;
    let signed_in = attempt(&http, &a, &token, "shared@leeds.test", PASSWORD, None).await;
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
    let on_b = http.get(&b.url("/"), Some(&session)).await;
    assert_eq!(on_b.status, StatusCode::OK);
    assert!(on_b.body.contains("Welcome, Shared Server"));

    // Signed out on B, it is gone on A too.
    let csrf = http
        .get(&b.url("/account"), Some(&session))
        .await
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
    let on_a = http.get(&a.url("/"), Some(&session)).await;
    assert_eq!(on_a.status, StatusCode::SEE_OTHER);
    assert_eq!(on_a.headers.get(header::LOCATION).unwrap(), "/sign-in");

    // Wrong passwords split across both servers count as one: the sixth waits, on either.
    for n in 0..5 {
        let server = if n % 2 == 0 { &a } else { &b };
        let token = signin_token(&http, server).await;
        let r = attempt(
            &http,
            server,
            &token,
            "guessed@leeds.test",
            "wrong one",
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    for server in [&a, &b] {
        let token = signin_token(&http, server).await;
        let r = attempt(&http, server, &token, "guessed@leeds.test", PASSWORD, None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("Too many attempts to sign in"));
    }
}
