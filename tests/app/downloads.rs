//! Streamed CSV downloads (`pathways::downloads`): a failure part-way aborts the transfer,
//! a download reads one snapshot however many writes land meanwhile, and stalled clients
//! never starve other requests (a real TCP server, clients that never read). On both
//! databases.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{create_cohort, enrol_as};
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use pathways::actions::cohorts::CohortInput;
use pathways::auth::Role;
use pathways::db::write_transaction;
use pathways::downloads::{ExportLimits, Exports};
use pathways::models::{Cohort, Participant};
use pathways::{AppError, AppState, build_router};
use tower::ServiceExt;

use crate::common::{Delivery, TestApp};

const ORG: &str = "Leeds City Council";

/// The delivery's programme with 200 more cohorts after it, so the programme CSV reads
/// two batches of cohorts (200 a batch) and sends 201 rows; and an admin's API token and id.
pub(crate) async fn two_batches(app: &TestApp) -> (Delivery, Vec<i32>, String, i32) {
    let d = app.delivery(ORG).await;
    let (admin, _) = app.user(Role::Admin, ORG).await;
    let (programme, now) = (d.programme, app.state.clock.now());
    let extra = app
        .state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let first = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
                (0..200)
                    .map(|k| {
                        let input = CohortInput {
                            programme_id: Some(programme),
                            name: Some(format!("Extra {k:03}")),
                            starts_on: Some((first + chrono::Days::new(k)).to_string()),
                            ..CohortInput::default()
                        };
                        Ok::<_, AppError>(create_cohort(conn, admin, input, now)?.id)
                    })
                    .collect()
            })
        })
        .await
        .unwrap();
    let token = app.token_client(admin).await.bearer.unwrap();
    (d, extra, token, admin)
}

pub(crate) fn get(path: &str, token: &str) -> Request<Body> {
    Request::builder()
        .uri(path)
        .header(header::HOST, "pathways.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// The next piece of a body: `Some(Ok)` data, `Some(Err)` an aborted transfer, `None` its end.
pub(crate) async fn next_chunk(body: &mut Body) -> Option<Result<Bytes, axum::Error>> {
    loop {
        match body.frame().await? {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    return Some(Ok(data));
                }
            }
            Err(e) => return Some(Err(e)),
        }
    }
}

/// The whole body, or the error that cut it short.
pub(crate) async fn read_all(body: &mut Body, mut text: String) -> Result<String, axum::Error> {
    while let Some(chunk) = next_chunk(body).await {
        text.push_str(std::str::from_utf8(&chunk?).unwrap());
    }
    Ok(text)
}

/// Waits up to 20 s for `done`.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(20), "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Log lines written while it lives (this thread only: the test's runtime and its tasks).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn take(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
    }
}

#[tokio::test]
async fn a_failure_part_way_aborts_the_transfer_and_logs_its_cause() {
    // The process-wide subscriber keeps every application callsite enabled, so the
    // thread-local one below hears them even when another test's thread reached them first.
    crate::logs::capture();
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let app = TestApp::new().await;
    let running = app.state.exports.limits().running;
    let turn = app.state.exports.turn().await.ok().unwrap();
    // A batch goes out, then reading the next one fails.
    let response = pathways::downloads::csv(
        &app.state.db,
        turn,
        "t.csv".into(),
        false,
        &["n"],
        |_, w| {
            w.write_record(["1"]).unwrap();
            w.flush().unwrap();
            Err(AppError::Internal(anyhow::anyhow!(
                "the second batch failed"
            )))
        },
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let first = next_chunk(&mut body).await.unwrap().unwrap();
    assert_eq!(first, "n\r\n1\r\n");
    assert!(
        matches!(next_chunk(&mut body).await, Some(Err(_))),
        "the body must end in an error, not a clean end the client takes for a whole file"
    );
    let log = logs.take();
    assert!(
        log.lines()
            .any(|l| l.contains("ERROR") && l.contains("the second batch failed")),
        "the cause is logged: {log}"
    );

    // Failing before the first row is the usual error response.
    let turn = app.state.exports.turn().await.ok().unwrap();
    let early = pathways::downloads::csv(
        &app.state.db,
        turn,
        "t.csv".into(),
        false,
        &["n"],
        |_, _| Err(AppError::Internal(anyhow::anyhow!("no rows at all"))),
    )
    .await;
    assert!(matches!(early, Err(AppError::Internal(_))));

    // A client that goes away mid-download is no error, just a note.
    let turn = app.state.exports.turn().await.ok().unwrap();
    let response = pathways::downloads::csv(
        &app.state.db,
        turn,
        "t.csv".into(),
        false,
        &["n"],
        |_, w| {
            for n in 0..1000 {
                w.write_record([n.to_string()])
                    .map_err(|e| AppError::Internal(e.into()))?;
                w.flush().map_err(|e| AppError::Internal(e.into()))?;
            }
            Ok(())
        },
    )
    .await
    .unwrap();
    let mut body = response.into_body();
    next_chunk(&mut body).await.unwrap().unwrap();
    drop(body);
    // Every download gave back its turn and its connection.
    let state = app.state.clone();
    eventually("turns and connections come back", || {
        state.exports.free_turns() == running && state.db.connections_in_use() == 0
    })
    .await;
    let log = logs.take();
    assert!(
        log.lines()
            .any(|l| l.contains("INFO") && l.contains("the client closed the connection")),
        "{log}"
    );
    assert!(!log.contains("ERROR"), "{log}");
}

#[tokio::test]
async fn a_download_reads_one_snapshot_while_writes_land() {
    let app = TestApp::new().await;
    let (d, extra, token, admin) = two_batches(&app).await;
    let path = format!("/api/v1/reports/programme.csv?programme_id={}", d.programme);
    let whole = |router: axum::Router, token: String, path: String| async move {
        let response = router.oneshot(get(&path, &token)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        read_all(&mut response.into_body(), String::new())
            .await
            .unwrap()
    };
    let before = whole(app.router.clone(), token.clone(), path.clone()).await;
    assert_eq!(
        before.lines().count(),
        1 + 201 + 2,
        "header, cohorts, TOTAL, TOTAL_CLOSED"
    );

    // Start a download and read only its first chunk (the header and the first cohort):
    // the export has read the first batch and waits for this client.
    let response = app
        .router
        .clone()
        .oneshot(get(&path, &token))
        .await
        .unwrap();
    let mut body = response.into_body();
    let first = next_chunk(&mut body).await.unwrap().unwrap();
    let mut streamed = String::from_utf8(first.to_vec()).unwrap();
    assert!(streamed.contains("Autumn 2026"), "{streamed}");

    // Meanwhile the resident is enrolled in the last cohort, which is in the second batch,
    // and more writes keep landing while the rest is read.
    let (last, participant, now) = (*extra.last().unwrap(), d.participant, app.state.clock.now());
    let today = app.state.clock.today();
    app.state
        .db
        .run(move |conn| {
            let cohort = Cohort::find(conn, last)?;
            let person = Participant::find(conn, participant)?;
            enrol_as(conn, admin, cohort.id, person.id, (today, now)).map(drop)
        })
        .await
        .unwrap();
    let writer_db = app.state.db.clone();
    let more = tokio::spawn(async move {
        for &id in extra.iter().take(20) {
            writer_db
                .run(move |conn| {
                    let cohort = Cohort::find(conn, id)?;
                    let person = Participant::find(conn, participant)?;
                    enrol_as(conn, admin, cohort.id, person.id, (today, now)).map(drop)
                })
                .await
                .unwrap();
        }
    });
    let streamed = read_all(&mut body, std::mem::take(&mut streamed))
        .await
        .unwrap();
    more.await.unwrap();
    let changed: Vec<(&str, &str)> = streamed
        .lines()
        .zip(before.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert!(
        changed.is_empty() && streamed.len() == before.len(),
        "the download shows the moment it started, not a mix of before and after: {changed:?}"
    );
    let after = whole(app.router.clone(), token, path).await;
    assert_ne!(after, before, "later downloads see the writes");

    // The TOTAL row adds up the rows above it, in every download.
    for text in [&streamed, &after] {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let (closed, rows) = rows.split_last().unwrap();
        assert_eq!(&closed[1], "TOTAL_CLOSED");
        let (total, cohorts) = rows.split_last().unwrap();
        assert_eq!(&total[1], "TOTAL");
        for column in 5..12 {
            let sum: i64 = cohorts
                .iter()
                .map(|r| r[column].parse::<i64>().unwrap())
                .sum();
            assert_eq!(
                sum,
                total[column].parse::<i64>().unwrap(),
                "column {column}"
            );
        }
    }
}

/// Sends a GET over a new connection whose receive buffer is tiny, and reads nothing.
async fn stalled_client(addr: SocketAddr, path: &str, token: &str) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    let stream = socket.connect(addr).await.unwrap().into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: pathways.test\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    (&stream).write_all(request.as_bytes()).unwrap();
    stream
}

/// A GET that reads the whole response: (status, head, body).
async fn fetch(addr: SocketAddr, path: &str, token: &str) -> (u16, String, String) {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: pathways.test\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("the response arrives");
        raw
    })
    .await
    .unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head[9..12].parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_downloads_are_bounded_and_cut_off_and_never_starve_other_requests() {
    let app = TestApp::new().await;
    let (d, _, token, _) = two_batches(&app).await;
    let limits = ExportLimits {
        running: 2,
        queue_wait: Duration::from_millis(300),
        stall: Duration::from_secs(1),
        total: Duration::from_secs(60),
    };
    let state = AppState {
        exports: Exports::new(limits),
        ..app.state.clone()
    };
    // Small socket buffers, so a client that reads nothing soon holds the server up.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(4096).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(64).unwrap();
    let addr = listener.local_addr().unwrap();
    let router = build_router(state.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let path = format!("/api/v1/reports/programme.csv?programme_id={}", d.programme);
    let mut stalled = Vec::new();
    for _ in 0..limits.running {
        stalled.push(stalled_client(addr, &path, &token).await);
    }
    eventually("the stalled downloads take every turn", || {
        state.exports.free_turns() == 0
    })
    .await;

    // One more download waits its short while, then is told to come back.
    let started = Instant::now();
    let (status, head, body) = fetch(addr, &path, &token).await;
    assert_eq!(status, 503, "{head}");
    assert!(head.to_lowercase().contains("retry-after: 5"), "{head}");
    assert!(body.contains("\"code\":\"unavailable\""), "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Everything else still answers at once: connections are left for it.
    for path in ["/healthz", "/api/v1/me"] {
        let started = Instant::now();
        let (status, head, _) = fetch(addr, path, &token).await;
        assert_eq!(status, 200, "{path}: {head}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{path} was slow"
        );
    }

    // The stalled ones are cut off after the stall time; turns and connections come back.
    eventually("stalled downloads are cut off", || {
        state.exports.free_turns() == limits.running && state.db.connections_in_use() == 0
    })
    .await;
    let (status, _, body) = fetch(addr, &path, &token).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("TOTAL"),
        "a download after them runs to its end"
    );
    drop(stalled);
    server.abort();
}
