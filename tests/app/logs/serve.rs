//! The log of a real `pathways serve` whose standard error is a pipe, as under systemd or
//! a container runtime: plain lines with no colour codes by default, one JSON object per
//! line with `PATHWAYS_LOG_FORMAT=json`, and an unknown format refused at start-up with one
//! line. Each server runs over its own SQLite file (the log does not depend on the
//! backend).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `pathways serve` with its standard error collected; killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts a server with `format` as `PATHWAYS_LOG_FORMAT` (unset when `None`) and waits
    /// until it answers.
    fn start(format: Option<&str>) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = free.local_addr().unwrap().to_string();
        drop(free);
        let mut command = Command::new(env!("CARGO_BIN_EXE_pathways"));
        command
            .args(["serve", "--addr", &addr])
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("log.db").display()),
            )
            .env_remove("PATHWAYS_LOG")
            .env_remove("PATHWAYS_LOG_FORMAT")
            .env_remove("PATHWAYS_TRUSTED_PROXY_HEADER")
            .env_remove("PATHWAYS_SECURE_COOKIES")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(format) = format {
            command.env("PATHWAYS_LOG_FORMAT", format);
        }
        let mut child = command.spawn().expect("pathways serve starts");
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
            addr,
            log,
            _dir: dir,
        };
        let started = Instant::now();
        while get(&server.addr, "/healthz").is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start:\n{}",
                server.text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// Sends the requests whose lines the tests look for, then waits for their lines.
    fn exercise(&self) -> Vec<String> {
        for path in [
            "/participants/4242?q=Ottoline",
            "/no-such-page/Ottoline.Brackenbury?email=ottoline%40example.org",
            "/sign-in",
        ] {
            assert!(get(&self.addr, path).is_some(), "{path} answered");
        }
        let started = Instant::now();
        loop {
            let lines = self.log.lock().unwrap().clone();
            if lines
                .iter()
                .filter(|l| l.contains("pathways::request"))
                .count()
                >= 4
            {
                return lines;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no request lines:\n{}",
                lines.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET `path` over a fresh HTTP/1.1 connection; the status line, or `None` when nothing
/// answers.
fn get(addr: &str, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: pathways.test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.lines().next().map(str::to_owned)
}

/// Nothing the caller typed in a path or query reaches the log.
fn assert_no_personal_data(log: &str) {
    for secret in [
        "Ottoline",
        "Brackenbury",
        "ottoline",
        "/participants/4242",
        "example.org",
    ] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
}

#[test]
fn text_lines_through_a_pipe_carry_no_colour_codes_and_name_route_status_and_time() {
    let server = Server::start(None);
    let lines = server.exercise();
    let log = lines.join("\n");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escape codes in piped output:\n{log}"
    );
    assert_no_personal_data(&log);
    let request = |route: &str, status: u16| {
        lines
            .iter()
            .find(|l| {
                l.contains("pathways::request")
                    && l.contains(&format!(" route={route} "))
                    && l.contains(&format!(" status={status} "))
            })
            .unwrap_or_else(|| panic!("no line for {route} {status}:\n{log}"))
            .clone()
    };
    // Not signed in: the resident's page sends the browser to sign in.
    let resident = request("/participants/{id}", 303);
    assert!(resident.contains(" INFO "), "{resident}");
    assert!(resident.contains(" method=GET "), "{resident}");
    assert!(resident.contains(" latency_ms="), "{resident}");
    request("-", 404);
    request("/sign-in", 200);
    request("/healthz", 200);
}

#[test]
fn json_lines_parse_and_carry_the_request_fields_at_the_top_level() {
    let server = Server::start(Some("json"));
    let lines = server.exercise();
    let log = lines.join("\n");
    assert_no_personal_data(&log);
    let events: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: not JSON: {l}")))
        .collect();
    let request = |route: &str| {
        events
            .iter()
            .find(|e| e["target"] == "pathways::request" && e["route"] == route)
            .unwrap_or_else(|| panic!("no JSON line for {route}:\n{log}"))
    };
    let resident = request("/participants/{id}");
    assert_eq!(resident["level"], "INFO", "{resident}");
    assert_eq!(resident["method"], "GET", "{resident}");
    assert_eq!(resident["status"], 303, "{resident}");
    assert!(
        resident["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{resident}"
    );
    assert!(resident["timestamp"].is_string(), "{resident}");
    assert_eq!(request("-")["status"], 404);
    assert_eq!(request("/sign-in")["status"], 200);
}

#[test]
fn an_unknown_log_format_is_refused_at_start_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("log.db").display()),
        )
        .env("PATHWAYS_LOG_FORMAT", "xml")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "pathways: PATHWAYS_LOG_FORMAT must be \"text\" or \"json\", not \"xml\""
    );
}
