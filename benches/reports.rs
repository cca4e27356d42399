//! Reports at national scale: loads deterministic synthetic data (6,000 cohorts, 240,000
//! enrolments, 7.2 million attendance rows at `BENCH_SCALE=1.0`) into a fresh SQLite
//! database, and into a fresh PostgreSQL database when `BENCH_DATABASE_URL` names a
//! server, then times the programme report, the cohort report, the participants export
//! (with peak memory) and a plain-SQL baseline of the same aggregates.
//!
//! `cargo bench --bench reports`; see docs/BENCHMARKS.md.

// In folders of their own, so cargo does not take them for benches.
#[path = "reports/baseline.rs"]
mod baseline;
#[path = "shared/scratch.rs"]
mod scratch;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::Text;
use pathways::db::{Db, DbConnection, DbManager, run_migrations, write_transaction};
use pathways::demo::national as synth;
use pathways::reports::export::{PARTICIPANT_COLUMNS, write_participants, writer};
use pathways::reports::report::{ProgrammeFilter, cohort_report, cohorts_in, programme_report};

use baseline::Shell;
use scratch::Scratch;

/// Timed runs after the warm-up.
const RUNS: usize = 3;
/// Cohorts the cohort-report measurement averages over.
const SAMPLE: usize = 50;

fn main() -> anyhow::Result<()> {
    let scale: f64 = match std::env::var("BENCH_SCALE") {
        Ok(v) => v
            .parse()
            .context("BENCH_SCALE must be a number, e.g. 0.01")?,
        Err(_) => 1.0,
    };
    anyhow::ensure!(scale > 0.0, "BENCH_SCALE must be above 0");
    let shape = synth::Shape::at(scale);
    println!(
        "Pathways report benchmark: scale {scale} = {} cohorts, {} programmes, {} enrolments, as at {}",
        shape.cohorts,
        shape.programmes,
        shape.cohorts * synth::PER_COHORT,
        synth::as_at()
    );
    println!("{} cores", std::thread::available_parallelism()?);
    // BENCH_KEEP=1 keeps both databases afterwards, to look at query plans by hand.
    let keep = std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1");
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bench.db");
    run_backend(
        "SQLite",
        &format!("sqlite://{}", file.display()),
        Target::Sqlite(&file),
        &shape,
    )?;
    if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
        let scratch = Scratch::create(&server, "pathways_bench")?;
        let url = scratch.url.clone();
        let result = run_backend("PostgreSQL", &url, Target::Postgres(&url), &shape);
        if keep {
            println!("\nkept PostgreSQL database {url}");
        } else {
            scratch.drop_database()?;
        }
        result?;
    }
    if keep {
        println!("kept SQLite database {}", file.display());
        let _kept = dir.keep();
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Target<'a> {
    Sqlite(&'a Path),
    Postgres(&'a str),
}

/// Best and median of [`RUNS`] timed runs after one warm-up.
#[derive(Clone, Copy)]
struct Timing {
    best: Duration,
    median: Duration,
}

fn measure(mut f: impl FnMut() -> anyhow::Result<Duration>) -> anyhow::Result<Timing> {
    f()?;
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        runs.push(f()?);
    }
    runs.sort();
    Ok(Timing {
        best: runs[0],
        median: runs[RUNS / 2],
    })
}

fn timed(f: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let started = Instant::now();
    f()?;
    Ok(started.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A line of `/proc/self/status` in kB (`VmRSS`, `VmHWM`).
fn status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets the peak RSS to the current RSS (Linux `clear_refs` 5); false when refused.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or_else(
        || "n/a".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

/// A sink that counts the bytes and lines written to it.
#[derive(Default)]
struct Counter {
    bytes: u64,
    lines: u64,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len() as u64;
        self.lines += buf.iter().filter(|b| **b == b'\n').count() as u64;
        std::io::sink().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Exports the participants of `ids` into a counting sink; returns (rows, bytes).
fn export(conn: &mut DbConnection, ids: &[i32]) -> anyhow::Result<(u64, u64)> {
    let mut w = writer(Counter::default(), &PARTICIPANT_COLUMNS, false)?;
    write_participants(conn, ids, synth::as_at(), &mut w, |_| {})
        .map_err(|e| anyhow::anyhow!("export failed: {e}"))?;
    w.flush()?;
    let sink = w.get_ref();
    // No cell holds a line break, so rows = lines − the header.
    Ok((sink.lines.saturating_sub(1), sink.bytes))
}

fn run_backend(
    label: &str,
    url: &str,
    target: Target<'_>,
    shape: &synth::Shape,
) -> anyhow::Result<()> {
    println!("\n## {label}\n");
    let db = Db::connect(url)?;
    let mut pooled = db.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
    let conn: &mut DbConnection = &mut pooled;
    run_migrations(conn)?;

    let started = Instant::now();
    // Nobody signs in here: the accounts get a hash no password matches.
    let hashes = vec!["unusable".to_owned(); synth::ACCOUNTS.len()];
    let counts = write_transaction(conn, |c| synth::load(c, shape, &hashes, &mut |_| {}))?;
    let loaded = started.elapsed();
    let started = Instant::now();
    let size = match target {
        Target::Sqlite(file) => {
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
            if std::env::var("BENCH_ANALYZE").is_ok_and(|v| v == "1") {
                conn.batch_execute("ANALYZE;")?;
                println!("(ran ANALYZE after loading: BENCH_ANALYZE=1)");
            }
            std::fs::metadata(file)?.len()
        }
        Target::Postgres(_) => {
            // What autovacuum would do on its own shortly after a bulk load.
            conn.batch_execute("VACUUM ANALYZE;")?;
            #[derive(QueryableByName)]
            struct Size {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                size: i64,
            }
            let size: Size = match conn {
                DbConnection::Postgresql(c) => {
                    sql_query("SELECT pg_database_size(current_database()) AS size")
                        .get_result(c)?
                }
                DbConnection::Sqlite(_) => unreachable!("PostgreSQL target"),
            };
            size.size as u64
        }
    };
    let settled = started.elapsed();
    println!("| table | rows |\n|---|---:|");
    for (table, rows) in &counts {
        println!("| {table} | {rows} |");
    }
    println!(
        "\nloaded in {:.1} s (+ {:.1} s checkpoint/vacuum); database size {:.1} MiB",
        loaded.as_secs_f64(),
        settled.as_secs_f64(),
        size as f64 / (1024.0 * 1024.0)
    );

    let as_at = synth::as_at();
    let mut results: Vec<(String, Timing)> = Vec::new();

    // (a) The programme report over every cohort.
    let mut total = None;
    let programme = measure(|| {
        timed(|| {
            let ids = cohorts_in(conn, &ProgrammeFilter::default())?;
            total = Some(programme_report(conn, &ids, as_at, |_| {})?);
            Ok(())
        })
    })?;
    results.push(("(a) programme report, all cohorts".into(), programme));
    if let Some(t) = &total {
        let f = &t.figures;
        println!(
            "programme TOTAL: referred {}, started {}, completed {}, withdrawn {}, employed {}, sustained 52w {}/{} due, progressed {}",
            f.referred,
            f.started,
            f.completed,
            f.withdrawn,
            f.employed,
            f.sustained[2],
            f.due[2],
            f.progressed
        );
    }

    // (b) One cohort's report (with equality breakdowns), averaged over 50 cohorts.
    let ids = cohorts_in(conn, &ProgrammeFilter::default())?;
    let sample: Vec<i32> = (0..SAMPLE.min(ids.len()))
        .map(|i| ids[i * ids.len() / SAMPLE.min(ids.len())])
        .collect();
    let cohort = measure(|| {
        let took = timed(|| {
            for id in &sample {
                cohort_report(conn, *id, as_at, true)?;
            }
            Ok(())
        })?;
        Ok(took / sample.len() as u32)
    })?;
    results.push((
        format!("(b) cohort report, mean of {} cohorts", sample.len()),
        cohort,
    ));

    // (c) The participants export of every cohort into a sink, with peak memory.
    let rss_before = status_kb("VmRSS");
    let hwm_before = status_kb("VmHWM");
    let resettable = reset_peak();
    let one_batch = &ids[..ids.len().min(pathways::reports::report::BATCH)];
    export(conn, one_batch)?;
    let hwm_one_batch = status_kb("VmHWM");
    let mut exported = (0, 0);
    let export_timing = measure(|| {
        timed(|| {
            exported = export(conn, &ids)?;
            Ok(())
        })
    })?;
    let hwm_after = status_kb("VmHWM");
    results.push(("(c) participants export, all cohorts".into(), export_timing));

    // (d) The plain-SQL baseline, in-process through diesel's sql_query.
    let queries = baseline::queries(as_at);
    let mut in_process = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let mut rows = 0;
        let t = measure(|| {
            timed(|| {
                rows = baseline::run_in_process(conn, i, &q.sql)?;
                Ok(())
            })
        })?;
        in_process.push((q.name, rows, t));
    }
    let all_in_process = measure(|| {
        timed(|| {
            for (i, q) in queries.iter().enumerate() {
                baseline::run_in_process(conn, i, &q.sql)?;
            }
            Ok(())
        })
    })?;
    results.push((
        "(d) baseline SQL in-process (diesel sql_query), all queries".into(),
        all_in_process,
    ));

    // (d) The same SQL through the database's own shell, one process per run.
    let shell = match target {
        Target::Sqlite(file) => Shell::Sqlite(file),
        Target::Postgres(url) => Shell::Postgres(url),
    };
    let mut in_shell = Vec::new();
    if shell.available() {
        let dir = tempfile::tempdir()?;
        let all = dir.path().join("all.sql");
        let mut script = String::new();
        for (i, q) in queries.iter().enumerate() {
            let path = dir.path().join(format!("q{i}.sql"));
            std::fs::write(&path, format!("{};\n", q.sql))?;
            in_shell.push((q.name, measure(|| shell.run(&path))?));
            script.push_str(&q.sql);
            script.push_str(";\n");
        }
        std::fs::write(&all, script)?;
        let t = measure(|| shell.run(&all))?;
        results.push((
            format!(
                "(d) baseline SQL in `{}` (whole process), all queries",
                shell.program()
            ),
            t,
        ));
    } else {
        println!(
            "{} is not installed: skipping the shell baseline (apt-get install -y {})",
            shell.program(),
            if shell.program() == "sqlite3" {
                "sqlite3"
            } else {
                "postgresql-client"
            }
        );
    }

    println!("\n| {label} measurement | best | median |\n|---|---:|---:|");
    for (name, t) in &results {
        println!("| {name} | {} | {} |", ms(t.best), ms(t.median));
    }
    println!(
        "\n| baseline query ({label}) | rows | in-process best | in-process median | {} best | {} median |\n|---|---:|---:|---:|---:|---:|",
        shell.program(),
        shell.program()
    );
    for (i, (name, rows, t)) in in_process.iter().enumerate() {
        let (sb, sm) = in_shell
            .get(i)
            .map_or(("n/a".to_owned(), "n/a".to_owned()), |(_, s)| {
                (ms(s.best), ms(s.median))
            });
        println!(
            "| {name} | {rows} | {} | {} | {sb} | {sm} |",
            ms(t.best),
            ms(t.median)
        );
    }
    let ratio = programme.best.as_secs_f64() / all_in_process.best.as_secs_f64();
    println!(
        "\nprogramme report ÷ in-process baseline (best): {ratio:.2}×{}",
        results
            .iter()
            .find(|(n, _)| n.contains("whole process"))
            .map(|(_, t)| format!(
                "; ÷ {} baseline: {:.2}×",
                shell.program(),
                programme.best.as_secs_f64() / t.best.as_secs_f64()
            ))
            .unwrap_or_default()
    );
    println!(
        "export: {} rows, {:.1} MiB of CSV per run; RSS before {}, peak before {}; peak after one batch ({} cohorts) {}, after all {} cohorts {}{}",
        exported.0,
        exported.1 as f64 / (1024.0 * 1024.0),
        mib(rss_before),
        mib(hwm_before),
        one_batch.len(),
        mib(hwm_one_batch),
        ids.len(),
        mib(hwm_after),
        if resettable {
            " (peak reset to current RSS before the export)"
        } else {
            " (peak could not be reset: includes loading)"
        }
    );

    if let Target::Sqlite(_) = target {
        explain_facts(url, &ids[..ids.len().min(pathways::reports::report::BATCH)])?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// Prints SQLite's query plan for every statement `facts::load` runs for one batch,
/// captured from the connection as it runs them.
fn explain_facts(url: &str, batch: &[i32]) -> anyhow::Result<()> {
    let mut conn = DbManager::from_url(url)?.open()?;
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&seen);
    if let DbConnection::Sqlite(c) = &mut conn {
        c.set_instrumentation(move |event: diesel::connection::InstrumentationEvent<'_>| {
            if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = event {
                let text = query.to_string();
                let sql = text.split(" -- binds:").next().unwrap_or_default();
                if let Ok(mut seen) = sink.lock() {
                    seen.push(sql.to_owned());
                }
            }
        });
    }
    pathways::reports::facts::load(&mut conn, batch, synth::as_at())?;
    let statements = seen.lock().map(|s| s.clone()).unwrap_or_default();
    println!(
        "\n### SQLite query plans of facts::load (one batch of {} cohorts)",
        batch.len()
    );
    let DbConnection::Sqlite(c) = &mut conn else {
        return Ok(());
    };
    for sql in statements {
        let short: String = sql.chars().take(160).collect();
        println!("\n{short}…");
        // Unbound parameters read as NULL, which does not change the plan's shape.
        let steps: Vec<PlanStep> = sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(c)?;
        for step in steps {
            println!("    {}", step.detail);
        }
    }
    Ok(())
}
