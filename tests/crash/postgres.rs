//! T-16: the same traffic against a throwaway PostgreSQL cluster of the test's own
//! (`initdb` as the `postgres` user into a temp dir, its own port and socket directory),
//! alternating `pg_ctl stop -m immediate` of the database and `kill -9` of the app. The
//! shared server on port 5432 is never touched.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pathways::db::Db;

use crate::workload::{admin_token, fixture};
use crate::{Rng, Server, Tally, cli, env_number, free_port, postgres_pass, verify};

/// A PostgreSQL cluster in a temp dir; stopped and removed when dropped, pass or fail.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl Cluster {
    /// `initdb` and start, or why that cannot happen here.
    fn create() -> Result<Cluster, String> {
        let euid = std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid());
        if euid != 0 {
            return Err("the test does not run as root (initdb must run as postgres)".into());
        }
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|_| "no /usr/lib/postgresql".to_owned())?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max()
            .ok_or("initdb not found under /usr/lib/postgresql/*/bin")?;
        let id = |flag: &str| -> Result<u32, String> {
            let out = Command::new("id")
                .args([flag, "postgres"])
                .output()
                .map_err(|e| e.to_string())?;
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .map_err(|_| "no postgres user".to_owned())
        };
        let (uid, gid) = (id("-u")?, id("-g")?);
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).map_err(|e| e.to_string())?;
        let cluster = Cluster {
            dir,
            bin,
            port: free_port(),
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "-E", "UTF8"],
        )?;
        cluster.start();
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Runs a PostgreSQL program as the `postgres` user.
    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(program))
            .args(args)
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log").display().to_string();
        let data = self.data();
        self.run(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-w", "-t", "120", "start",
            ],
        )
        .unwrap_or_else(|e| panic!("{e}\n{}", tail(Path::new(&log))));
    }

    /// The crash: no shutdown checkpoint, recovery from the WAL at the next start.
    fn stop_immediately(&self) -> Result<(), String> {
        let data = self.data();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"])
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.stop_immediately();
    }
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[test]
fn postgres_keeps_every_acknowledged_write_through_immediate_stops_and_kill_9() {
    if postgres_pass() {
        eprintln!("skipped: the crash tests run in the SQLite pass only");
        return;
    }
    let cluster = match Cluster::create() {
        Ok(c) => c,
        Err(why) if std::env::var("PATHWAYS_REQUIRE_CRASH_PG").as_deref() == Ok("1") => {
            panic!("PATHWAYS_REQUIRE_CRASH_PG=1 but the PostgreSQL crash test cannot run: {why}")
        }
        Err(why) => {
            eprintln!("skipped: PostgreSQL crash test: {why}");
            return;
        }
    };
    let rounds = env_number("PATHWAYS_CRASH_PG_ROUNDS", 10);
    let seed = env_number("PATHWAYS_CRASH_SEED", 0x7e57_c4a5);
    eprintln!(
        "PostgreSQL crash test: {rounds} rounds on port {}, PATHWAYS_CRASH_SEED={seed}",
        cluster.port
    );
    let mut rng = Rng::new(seed);
    let url = cluster.url();
    let log = cluster.dir.path().join("server.log");
    cli(&url, &["migrate"], "");
    let token = admin_token(&url);
    let fixture = fixture(Server::start(&url, &log).addr, token);
    let (started, mut tally) = (Instant::now(), Tally::default());
    let (mut registers, mut database_stops, mut errors_while_down) = (HashMap::new(), 0, 0);
    for round in 1..=rounds {
        let mut server = Server::start(&url, &log);
        let stop_database = round % 2 == 1;
        let (attempts, errors, intake) =
            crate::write_until_crash(server.addr, &fixture, round, &mut rng, || {
                if stop_database {
                    cluster
                        .stop_immediately()
                        .expect("pg_ctl stop -m immediate");
                }
                server.kill();
            });
        if stop_database {
            database_stops += 1;
            errors_while_down += errors;
            cluster.start();
        }
        let db = Db::connect_single(&url).unwrap();
        let mut conn = db.conn().unwrap();
        let acked = verify::after_crash(
            &mut conn,
            round,
            &fixture,
            intake,
            &attempts,
            &mut registers,
        );
        tally.rounds += 1;
        tally.crashes += 1;
        tally.attempted += attempts.len() as u64;
        tally.acknowledged += acked;
        tally.server_errors += errors;
    }
    assert!(
        tally.acknowledged > rounds,
        "too few writes were acknowledged to prove anything: {tally:?}"
    );
    eprintln!(
        "{database_stops} immediate database stops, {} app kills; {errors_while_down} of the 5xx \
         answers came in rounds where the database was stopped",
        rounds - database_stops
    );
    tally.report("PostgreSQL crash", started);
}
