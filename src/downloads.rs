//! Streamed CSV downloads. Each one reads a single snapshot of the database
//! ([`read_snapshot`]) on one pooled connection and sends rows as they are written, so:
//!
//! - at most [`ExportLimits::running`] run at once in this process, leaving the rest of
//!   the pool to pages and the API; one more waits [`ExportLimits::queue_wait`], then gets
//!   503 with `Retry-After`;
//! - a client that reads nothing for [`ExportLimits::stall`] is cut off, and no export
//!   runs longer than [`ExportLimits::total`]; either way its connection returns to the pool;
//! - a failure part-way aborts the transfer (the chunked body never ends cleanly), so the
//!   client sees an incomplete download rather than a short file with a 200, and the
//!   cause is logged.

use std::cell::Cell;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::runtime::Handle;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tracing::Instrument;

use crate::db::{Backend, Db, DbConnection, read_snapshot};
use crate::error::{AppError, AppResult};
use crate::reports::export::writer;

/// Seconds a download refused for want of a turn is told to wait before trying again.
const RETRY_AFTER_SECS: u64 = 5;

/// How many downloads run at once and how long they may take.
#[derive(Debug, Clone, Copy)]
pub struct ExportLimits {
    /// Downloads streaming at once in this process.
    pub running: usize,
    /// How long a download beyond `running` waits for a turn before its 503.
    pub queue_wait: Duration,
    /// How long one chunk may wait for the client to read before the transfer is cut.
    pub stall: Duration,
    /// The longest one download may take in all.
    pub total: Duration,
}

impl ExportLimits {
    /// The limits for the pool `Db::connect` opens on `backend`.
    pub fn for_backend(backend: Backend) -> Self {
        // Each download holds one connection for its whole run (its snapshot). The pool
        // has 8 connections on SQLite and 16 on PostgreSQL, so 2 and 4 downloads leave 6
        // and 12 for sign-in, pages, the API and `/healthz`, more than those hold at once, so a
        // burst of downloads never turns other requests into 503s. SQLite gets fewer
        // because every reader shares one file and a long reader holds back checkpoints
        // of the write-ahead log.
        let running = match backend {
            Backend::Sqlite => 2,
            Backend::Postgres => 4,
        };
        Self {
            running,
            queue_wait: Duration::from_secs(2),
            stall: Duration::from_secs(30),
            total: Duration::from_secs(600),
        }
    }
}

/// The download turns of this process; cheap to clone. This limits a resource of this
/// process (its pool), not anything about users, so each app server keeps its own.
#[derive(Clone)]
pub struct Exports {
    limits: ExportLimits,
    turns: Arc<Semaphore>,
}

/// The right to run one download, given back when its export ends; carries the limits it
/// runs under.
pub struct Turn {
    _permit: OwnedSemaphorePermit,
    limits: ExportLimits,
}

impl Turn {
    /// The limits this download runs under.
    pub fn limits(&self) -> ExportLimits {
        self.limits
    }
}

impl Exports {
    /// Turns for `limits.running` downloads at once.
    pub fn new(limits: ExportLimits) -> Self {
        Self {
            limits,
            turns: Arc::new(Semaphore::new(limits.running)),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> ExportLimits {
        self.limits
    }

    /// Turns free right now.
    pub fn free_turns(&self) -> usize {
        self.turns.available_permits()
    }

    /// A turn, after waiting at most `queue_wait` for one; otherwise the response to send:
    /// 503 in the usual error shape, with `Retry-After`.
    pub async fn turn(&self) -> Result<Turn, Response> {
        let wait = tokio::time::timeout(self.limits.queue_wait, self.turns.clone().acquire_owned());
        if let Ok(Ok(permit)) = wait.await {
            return Ok(Turn {
                _permit: permit,
                limits: self.limits,
            });
        }
        tracing::warn!(
            running = self.limits.running,
            "CSV download refused: every download turn is in use"
        );
        let mut response = AppError::Unavailable.into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        Err(response)
    }
}

/// What travels from the database thread to the response body.
enum Piece {
    Data(Bytes),
    End,
    Failed(AppError),
}

/// Why a download was cut off by its client's behaviour rather than by a fault.
#[derive(Debug, Clone, Copy)]
enum Stop {
    ClientGone,
    Stalled,
    TooLong,
}

impl Stop {
    fn error(self) -> std::io::Error {
        std::io::Error::other(match self {
            Stop::ClientGone => "the client went away",
            Stop::Stalled => "the client stopped reading",
            Stop::TooLong => "the download ran out of time",
        })
    }
}

/// The database thread's end of the channel.
#[derive(Clone)]
struct Outlet {
    tx: mpsc::Sender<Piece>,
    handle: Handle,
    stall: Duration,
    deadline: Instant,
}

impl Outlet {
    /// Sends `piece`, waiting at most the stall time, and never past the deadline, for
    /// the client to make room.
    fn send(&self, piece: Piece) -> Result<(), Stop> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Stop::TooLong);
        }
        let wait = self.stall.min(left);
        match self
            .handle
            .block_on(tokio::time::timeout(wait, self.tx.reserve()))
        {
            Ok(Ok(permit)) => {
                permit.send(piece);
                Ok(())
            }
            Ok(Err(_)) => Err(Stop::ClientGone),
            Err(_) if wait < self.stall => Err(Stop::TooLong),
            Err(_) => Err(Stop::Stalled),
        }
    }
}

/// An `io::Write` that sends what it has gathered to the client at every flush (a batch
/// of rows), and fails once the client has gone, stalled or run out of time.
pub struct ChunkSender {
    buffer: Vec<u8>,
    outlet: Outlet,
    stopped: Option<Stop>,
    // Set from outside through `csv::Writer::get_ref`, which is all the writer offers.
    closed: Cell<bool>,
}

impl Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stopped {
            return Err(stop.error());
        }
        if self.closed.get() {
            // The export failed: rows still buffered must not follow its error.
            self.buffer.clear();
            return Ok(());
        }
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        self.outlet.send(Piece::Data(chunk)).map_err(|stop| {
            self.stopped = Some(stop);
            stop.error()
        })
    }
}

/// How the database side of a download ended.
enum Ended {
    Done,
    Stopped(Stop),
    Failed(AppError),
}

/// The database side: the header, then `produce` inside one snapshot, then the end mark.
fn export<F>(
    conn: &mut DbConnection,
    outlet: Outlet,
    header_row: &'static [&'static str],
    bom: bool,
    produce: F,
) -> Ended
where
    F: FnOnce(&mut DbConnection, &mut csv::Writer<ChunkSender>) -> AppResult<()>,
{
    let sink = ChunkSender {
        buffer: Vec::new(),
        outlet: outlet.clone(),
        stopped: None,
        closed: Cell::new(false),
    };
    let io = |e: std::io::Error| AppError::Internal(e.into());
    let mut w = match writer(sink, header_row, bom) {
        Ok(w) => w,
        Err(e) => return Ended::Failed(io(e)),
    };
    let result = read_snapshot(conn, |conn| {
        produce(conn, &mut w)?;
        w.flush().map_err(io)
    });
    let sink = w.get_ref();
    sink.closed.set(true);
    if let Some(stop) = sink.stopped {
        return Ended::Stopped(stop);
    }
    drop(w);
    match result {
        Ok(()) => match outlet.send(Piece::End) {
            Ok(()) => Ended::Done,
            Err(stop) => Ended::Stopped(stop),
        },
        Err(e) => Ended::Failed(e),
    }
}

/// The body's last item when a download stops short: an error, so the server aborts
/// the chunked transfer instead of ending it cleanly.
fn aborted() -> std::io::Result<Bytes> {
    Err(std::io::Error::other("the CSV download did not finish"))
}

/// What went wrong, for the log: the whole chain of an internal error, since its
/// display is only the sentence shown to people.
fn cause(e: &AppError) -> String {
    match e {
        AppError::Internal(inner) => format!("{inner:#}"),
        other => other.to_string(),
    }
}

/// Streams a CSV download holding `turn`: the header row (after a byte-order mark when
/// `bom`), then whatever `produce` writes, read on a database thread inside one snapshot.
/// Waits for the first chunk, so a download that fails before it answers with the usual
/// error; after that a failure aborts the transfer.
pub async fn csv<F>(
    db: &Db,
    turn: Turn,
    filename: String,
    bom: bool,
    header_row: &'static [&'static str],
    produce: F,
) -> AppResult<Response>
where
    F: FnOnce(&mut DbConnection, &mut csv::Writer<ChunkSender>) -> AppResult<()> + Send + 'static,
{
    let limits = turn.limits();
    // One chunk waiting and one being written: memory per download stays small, and a
    // client that stops reading holds the export up within a chunk.
    let (tx, mut rx) = mpsc::channel::<Piece>(1);
    let outlet = Outlet {
        tx: tx.clone(),
        handle: Handle::current(),
        stall: limits.stall,
        deadline: Instant::now() + limits.total,
    };
    let db = db.clone();
    let task = async move {
        let ended = db
            .run(move |conn| Ok(export(conn, outlet, header_row, bom, produce)))
            .await
            .unwrap_or_else(Ended::Failed);
        // The connection is back in the pool; let the next download start.
        drop(turn);
        report_end(ended, limits, &tx).await;
    };
    tokio::spawn(task.instrument(tracing::Span::current()));

    let (first, rx) = match rx.recv().await {
        Some(Piece::Data(bytes)) => (bytes, Some(rx)),
        Some(Piece::End) => (Bytes::new(), None),
        Some(Piece::Failed(e)) => return Err(e),
        None => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the CSV download ended before its first row"
            )));
        }
    };
    Ok(streamed(filename, first, rx))
}

/// Logs how a download ended; a failure is sent to the body (which aborts the transfer
/// and logs it), or logged here when the body cannot be told.
async fn report_end(ended: Ended, limits: ExportLimits, tx: &mpsc::Sender<Piece>) {
    match ended {
        Ended::Done => tracing::debug!("CSV download sent"),
        Ended::Stopped(Stop::ClientGone) => {
            tracing::info!("CSV download ended early: the client closed the connection");
        }
        Ended::Stopped(Stop::Stalled) => tracing::info!(
            stall_secs = limits.stall.as_secs_f64(),
            "CSV download cut off: client stalled"
        ),
        Ended::Stopped(Stop::TooLong) => tracing::warn!(
            total_secs = limits.total.as_secs_f64(),
            "CSV download cut off: it ran past its time limit"
        ),
        Ended::Failed(e) => match tokio::time::timeout(limits.stall, tx.reserve()).await {
            Ok(Ok(permit)) => permit.send(Piece::Failed(e)),
            _ => tracing::error!(error = %cause(&e), "CSV download failed part-way"),
        },
    }
}

/// The response: CSV headers, then the first chunk and whatever follows it on `rx`
/// (none when the download ended with its first chunk).
fn streamed(filename: String, first: Bytes, rx: Option<mpsc::Receiver<Piece>>) -> Response {
    let rest = futures_util::stream::unfold(rx, |rx| async move {
        let mut rx = rx?;
        match rx.recv().await {
            Some(Piece::Data(bytes)) => Some((Ok(bytes), Some(rx))),
            Some(Piece::End) => None,
            Some(Piece::Failed(e)) => {
                tracing::error!(error = %cause(&e), "CSV download aborted part-way");
                Some((aborted(), None))
            }
            // Cut off (stalled, out of time); the export has logged why.
            None => Some((aborted(), None)),
        }
    });
    let body = futures_util::stream::once(async move { Ok(first) }).chain(rest);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}
