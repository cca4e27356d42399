//! Pages at national scale, over HTTP: loads the national data set (`BENCH_SCALE`,
//! default 1.0) into a fresh SQLite database, and into a fresh PostgreSQL database when
//! `BENCH_DATABASE_URL` names a server, serves the real router on a local port, signs in
//! through the real sign-in form as every account (and carries an API token for the API
//! lists), then times every page of [`PAGES`] for every account: a warm-up, then
//! `BENCH_RUNS` requests (default 40), each read whole. Prints a Markdown table with the
//! size, median and p95 beside `/healthz` timed in the same run, against the goals
//! (≤ 300 KB; p95 ≤ 50 ms on SQLite, ≤ 100 ms on PostgreSQL).
//!
//! `cargo bench --bench pages`; `BENCH_ONLY=cohorts,report` times only the pages whose
//! label contains one of those words. See docs/BENCHMARKS.md.

// In folders of their own, so cargo does not take them for benches.
#[path = "pages/client.rs"]
mod client;
#[path = "shared/scratch.rs"]
mod scratch;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use pathways::auth::accounts;
use pathways::clock::SystemClock;
use pathways::config::Config;
use pathways::db::{Db, run_migrations};
use pathways::demo::national::{self, ACCOUNTS, Sample, Shape};
use pathways::{AppState, build_router};

use client::Browser;
use scratch::Scratch;

/// A page to time. In `path`, `{programme}`, `{cohort}`, `{session}` and `{participant}`
/// stand for the ids of [`Shape::sample`], which every account may see.
struct Page {
    label: &'static str,
    path: &'static str,
}

const fn page(label: &'static str, path: &'static str) -> Page {
    Page { label, path }
}

/// Every page timed, for every account; add new lists and filters here.
const PAGES: &[Page] = &[
    page("dashboard", "/"),
    page("cohorts", "/cohorts"),
    page("cohorts running", "/cohorts?status=running"),
    page("a cohort", "/cohorts/{cohort}"),
    page("a register", "/sessions/{session}/register"),
    page("residents", "/participants"),
    page("residents \"Smith\"", "/participants?q=Smith"),
    page("a resident", "/participants/{participant}"),
    page("checkpoints", "/checkpoints"),
    page("reports", "/reports"),
    page("report of a programme", "/reports?programme_id={programme}"),
    page("a cohort report", "/cohorts/{cohort}/report"),
    page("programmes", "/programmes"),
    page("a programme", "/programmes/{programme}"),
    page("admin users", "/admin/users"),
    page("API cohorts", "/api/v1/cohorts"),
    page("API residents", "/api/v1/participants"),
    page("API programmes", "/api/v1/programmes"),
    page(
        "cohorts of a programme",
        "/cohorts?programme_id={programme}",
    ),
    page(
        "cohorts by name and year",
        "/cohorts?programme=careers+001&year=2024",
    ),
    page("checkpoints at a site", "/checkpoints?site=hospital+0"),
    page("checkpoints overdue", "/checkpoints?overdue=1"),
    page(
        "checkpoints at a recorded site",
        "/checkpoints?at_site=Hospital+01",
    ),
    page(
        "checkpoints, job 1's 13-week form",
        "/checkpoints?record=1-13",
    ),
    page(
        "a cohort report as at, in boxes",
        "/cohorts/{cohort}/report?as_at_day=1&as_at_month=6&as_at_year=2025",
    ),
    page(
        "a resident, cohort search",
        "/participants/{participant}?cohort_q=2026",
    ),
    page(
        "a resident, session search",
        "/participants/{participant}?session_q=hub",
    ),
    page("new cohort form", "/cohorts/new"),
    page(
        "new cohort, programme search",
        "/cohorts/new?programme_q=careers",
    ),
    page("admin organisations", "/admin/organisations"),
    page("API checkpoints", "/api/v1/checkpoints"),
    page(
        "API a cohort's sessions",
        "/api/v1/cohorts/{cohort}/sessions",
    ),
    page(
        "API a cohort's roster",
        "/api/v1/cohorts/{cohort}/enrolments",
    ),
    page(
        "API information sessions",
        "/api/v1/programmes/{programme}/information-sessions",
    ),
    page("API a register", "/api/v1/sessions/{session}/attendance"),
    page("registers today", "/registers/today"),
    page("registers outstanding", "/registers/outstanding"),
    page("API registers outstanding", "/api/v1/registers/outstanding"),
    page("residents folded \"o brien\"", "/participants?q=o+brien"),
    page("residents folded \"zoe\"", "/participants?q=zoe"),
    page("residents by postcode key", "/participants?q=ls96aa"),
    page("closure days", "/programmes/{programme}/closures"),
    page("add a resident form", "/cohorts/{cohort}/residents/new"),
    page(
        "regenerate schedule page",
        "/cohorts/{cohort}/schedule/regenerate",
    ),
];

/// The trivial page every figure is set beside.
const TRIVIAL: &str = "/healthz";
/// Requests before timing starts.
const WARM_UP: usize = 3;
/// Time spent on one page at most, so a slow page ends with fewer runs (counted in `n`).
const BUDGET: Duration = Duration::from_secs(20);
/// The size goal, in bytes.
const MAX_BYTES: usize = 300 * 1024;

/// What the run was asked to do.
struct Settings {
    scale: f64,
    runs: usize,
    only: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let scale: f64 = std::env::var("BENCH_SCALE").map_or(Ok(1.0), |v| {
        v.parse().context("BENCH_SCALE must be a number, e.g. 0.1")
    })?;
    anyhow::ensure!(scale > 0.0, "BENCH_SCALE must be above 0");
    let runs: usize = std::env::var("BENCH_RUNS").map_or(Ok(40), |v| {
        v.parse().context("BENCH_RUNS must be a whole number")
    })?;
    anyhow::ensure!(runs > 0, "BENCH_RUNS must be above 0");
    let only = std::env::var("BENCH_ONLY")
        .map(|v| v.split(',').map(|w| w.trim().to_lowercase()).collect())
        .unwrap_or_default();
    let settings = Settings { scale, runs, only };
    let shape = Shape::at(scale);
    println!(
        "Pathways page benchmark: scale {scale} = {} cohorts, {} programmes, {} enrolments; \
         {runs} timed requests per page after {WARM_UP} warm-up, over HTTP/1.1 on 127.0.0.1",
        shape.cohorts,
        shape.programmes,
        shape.cohorts * national::PER_COHORT,
    );
    println!("{} cores", std::thread::available_parallelism()?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("pages.db").display());
        run_backend("SQLite", &url, &settings, 50).await?;
        if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
            let scratch = Scratch::create(&server, "pathways_pages")?;
            let result = run_backend("PostgreSQL", &scratch.url, &settings, 100).await;
            scratch.drop_database()?;
            result?;
        }
        Ok(())
    })
}

/// Loads, serves and times every page on one database.
async fn run_backend(
    label: &str,
    url: &str,
    settings: &Settings,
    goal_ms: u64,
) -> anyhow::Result<()> {
    println!("\n## {label}\n");
    let db = Db::connect(url)?;
    let migrate = db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = migrate.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
        run_migrations(&mut conn)
    })
    .await??;
    let config = Config {
        database_url: url.to_owned(),
        secure_cookies: false,
        trusted_proxy_header: None,
    };
    let state = AppState::new(db, config, Arc::new(SystemClock));
    let shape = Shape::at(settings.scale);
    let bar = pathways::progress::bar(shape.steps(), "Loading the national data");
    let ticks = bar.clone();
    let started = Instant::now();
    let logins = national::load_demo(&state, settings.scale, move |pass| {
        ticks.set_message(pass);
        ticks.inc(1);
    })
    .await?;
    bar.finish_and_clear();
    println!(
        "loaded in {:.1} s (and settled: checkpoint or VACUUM ANALYZE)\n",
        started.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    // The peer's address feeds the sign-in throttle, as in `pathways serve`.
    let app = build_router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let anonymous = Browser::anonymous(&base);
    let sample = shape.sample();
    let goal = Duration::from_millis(goal_ms);
    let mut missed = Vec::new();
    println!("| account | page | status | size | n | median | p95 | p95 ÷ {TRIVIAL} | goals |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---|");
    for (account, login) in ACCOUNTS.iter().zip(&logins) {
        let who = account.email.split('@').next().unwrap_or(account.role);
        let web = anonymous.sign_in(&login.email, &login.password).await?;
        let token = accounts::create_api_token(&state, account.id as i32, "benchmark")
            .await
            .map_err(|e| anyhow::anyhow!("cannot mint an API token: {e}"))?;
        let api = anonymous.with_token(token);
        let trivial = time(&anonymous, TRIVIAL, settings.runs).await?;
        println!("{}", row(who, "trivial", &trivial, None, goal));
        for page in PAGES.iter().filter(|p| wanted(p, &settings.only)) {
            let path = fill(page.path, &sample);
            let client = if path.starts_with("/api/") {
                &api
            } else {
                &web
            };
            let timing = time(client, &path, settings.runs).await?;
            let line = row(who, page.label, &timing, Some(&trivial), goal);
            if timing.missed(goal) {
                missed.push(line.clone());
            }
            println!("{line}");
        }
    }
    server.abort();
    if missed.is_empty() {
        println!("\nEvery page met the goals on {label}.");
    } else {
        println!("\n{} page(s) missed a goal on {label}:", missed.len());
        for line in missed {
            println!("{line}");
        }
    }
    Ok(())
}

fn wanted(page: &Page, only: &[String]) -> bool {
    only.is_empty()
        || only
            .iter()
            .any(|w| page.label.to_lowercase().contains(w.as_str()))
}

fn fill(path: &str, sample: &Sample) -> String {
    path.replace("{programme}", &sample.programme.to_string())
        .replace("{cohort}", &sample.cohort.to_string())
        .replace("{session}", &sample.session.to_string())
        .replace("{participant}", &sample.participant.to_string())
}

/// One page's figures: its status, and timings only when it answered 200.
struct Timing {
    path: String,
    status: u16,
    bytes: usize,
    runs: Vec<Duration>,
}

impl Timing {
    fn median(&self) -> Duration {
        self.runs[self.runs.len() / 2]
    }

    /// Nearest-rank 95th percentile.
    fn p95(&self) -> Duration {
        let rank = (self.runs.len() * 95).div_ceil(100).max(1);
        self.runs[rank - 1]
    }

    fn missed(&self, goal: Duration) -> bool {
        !self.runs.is_empty() && (self.bytes > MAX_BYTES || self.p95() > goal)
    }
}

/// Fetches `path` [`WARM_UP`] times, then up to `runs` times within [`BUDGET`].
async fn time(client: &Browser, path: &str, runs: usize) -> anyhow::Result<Timing> {
    let first = client.fetch(path).await?;
    let mut timing = Timing {
        path: path.to_owned(),
        status: first.status.as_u16(),
        bytes: first.bytes,
        runs: Vec::with_capacity(runs),
    };
    if first.status != axum::http::StatusCode::OK {
        return Ok(timing);
    }
    for _ in 1..WARM_UP {
        client.fetch(path).await?;
    }
    let started = Instant::now();
    while timing.runs.len() < runs && (timing.runs.is_empty() || started.elapsed() < BUDGET) {
        let fetched = client.fetch(path).await?;
        anyhow::ensure!(
            fetched.status == first.status,
            "{path} answered {} after {}",
            fetched.status,
            first.status
        );
        timing.bytes = fetched.bytes;
        timing.runs.push(fetched.took);
    }
    timing.runs.sort();
    Ok(timing)
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 {
        format!("{:.0} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// One line of the table.
fn row(who: &str, label: &str, t: &Timing, trivial: Option<&Timing>, goal: Duration) -> String {
    let page = format!("{label} `{}`", t.path);
    if t.runs.is_empty() {
        let what = match t.status {
            403 => "forbidden to this account",
            404 => "not found for this account",
            303 => "redirected",
            _ => "not timed",
        };
        return format!("| {who} | {page} | {} | | | | | | {what} |", t.status);
    }
    let ratio = trivial
        .filter(|tr| !tr.runs.is_empty())
        .map(|tr| {
            let ratio = t.p95().as_secs_f64() / tr.p95().as_secs_f64();
            if ratio < 10.0 {
                format!("{ratio:.1}×")
            } else {
                format!("{ratio:.0}×")
            }
        })
        .unwrap_or_default();
    let mut goals = Vec::new();
    if t.bytes > MAX_BYTES {
        goals.push("✗ size");
    }
    if t.p95() > goal {
        goals.push("✗ p95");
    }
    let goals = if goals.is_empty() {
        "✓".to_owned()
    } else {
        goals.join(", ")
    };
    format!(
        "| {who} | {page} | {} | {} | {} | {} | {} | {ratio} | {goals} |",
        t.status,
        size(t.bytes),
        t.runs.len(),
        ms(t.median()),
        ms(t.p95())
    )
}
