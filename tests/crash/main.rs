//! Crash safety (security plan T-15, T-16): the real `pathways` binary serves mixed writes
//! from several clients and is killed with SIGKILL at a random moment (and, on PostgreSQL,
//! the database server is stopped with `pg_ctl stop -m immediate`). After every crash the
//! database must hold every write that got a 2xx, every multi-row write whole or not at
//! all, one audit row per data row, and (SQLite) pass `integrity_check` and
//! `foreign_key_check`.
//!
//! These tests run only in the SQLite pass of CI (`TEST_DATABASE_URL` unset): the
//! PostgreSQL one makes a throwaway cluster of its own, never the shared server.
//!
//! - `PATHWAYS_CRASH_ROUNDS` (default 25): SQLite rounds.
//! - `PATHWAYS_CRASH_PG_ROUNDS` (default 10): PostgreSQL rounds, alternating an immediate
//!   database stop and an app kill.
//! - `PATHWAYS_CRASH_SEED`: the random seed (printed, so a failing run can be replayed).
//! - `PATHWAYS_REQUIRE_CRASH_PG=1`: fail instead of skipping when the PostgreSQL test
//!   cannot run (not root, or no `initdb`).

mod http;
mod postgres;
mod sqlite;
mod verify;
mod workload;

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_pathways");

/// A small xorshift generator: reproducible from its seed, no dependency.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is remapped).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.bits() % n
    }
}

/// An environment variable as a number, or `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Whether this is CI's PostgreSQL pass (where these tests do not run again).
pub fn postgres_pass() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty())
}

/// A loopback port nobody is listening on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Runs a `pathways` command against `url` with `stdin`, returning its standard output.
pub fn cli(url: &str, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", url)
        .env("PATHWAYS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pathways starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "pathways {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A running `pathways serve`; killed with SIGKILL when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `pathways serve` on a free port over `url`, logging to `log`, and waits
    /// until `/healthz` answers.
    pub fn start(url: &str, log: &Path) -> Server {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = Command::new(BIN)
            .args(["serve", "--addr", &addr.to_string()])
            .env("DATABASE_URL", url)
            .env("PATHWAYS_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("pathways serve starts");
        let mut server = Server { child, addr };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http::send(addr, "GET", "/healthz", None, None)
                && r.status == 200
            {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("pathways serve exited before answering: {status}");
            }
            assert!(Instant::now() < deadline, "pathways serve never answered");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, then reap the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Totals over a run, printed at the end.
#[derive(Debug, Default)]
pub struct Tally {
    /// Rounds run.
    pub rounds: u64,
    /// Crashes caused (app kills plus database stops).
    pub crashes: u64,
    /// Writes attempted.
    pub attempted: u64,
    /// Writes that got a 2xx, each checked after the crash.
    pub acknowledged: u64,
    /// Non-2xx answers with a 5xx status while the server was up (not acknowledged).
    pub server_errors: u64,
}

impl Tally {
    /// Prints the totals with the time taken.
    pub fn report(&self, what: &str, started: Instant) {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "{what}: {} rounds, {} crashes, {} writes attempted, {} acknowledged and all found, \
             0 lost, 0 partial; {} 5xx answers; {secs:.1} s ({:.2} s per round)",
            self.rounds,
            self.crashes,
            self.attempted,
            self.acknowledged,
            self.server_errors,
            secs / self.rounds.max(1) as f64
        );
    }
}

/// One round's traffic: a new intake cohort, then `CLIENTS` writers until `crash` (called
/// after a random 50–1500 ms) kills the server. Returns every attempt, in each client's
/// order, the 5xx count and the intake cohort.
pub fn write_until_crash(
    addr: SocketAddr,
    fixture: &workload::Fixture,
    round: u64,
    rng: &mut Rng,
    crash: impl FnOnce(),
) -> (Vec<workload::Attempt>, u64, i64) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let intake = workload::cohort(
        addr,
        &fixture.token,
        fixture.programme,
        &format!("Intake {round}"),
        1000,
    );
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..workload::CLIENTS)
        .map(|c| {
            let (fixture, stop) = (fixture.clone(), stop.clone());
            let client_rng = Rng::new(rng.bits());
            let tag = round * workload::CLIENTS + c;
            std::thread::spawn(move || {
                workload::client(addr, &fixture, intake, tag, client_rng, stop)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(50 + rng.below(1450)));
    crash();
    stop.store(true, Ordering::Relaxed);
    let (mut attempts, mut errors) = (Vec::new(), 0);
    for w in writers {
        let (log, e) = w.join().expect("writer thread");
        attempts.extend(log);
        errors += e;
    }
    (attempts, errors, intake)
}
