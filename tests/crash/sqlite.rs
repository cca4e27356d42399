//! T-15: `kill -9` of the server during mixed writes on a SQLite file, round after round.

use std::collections::HashMap;
use std::time::Instant;

use diesel::prelude::*;
use diesel::sql_types::Text;
use pathways::db::{Db, DbConnection};

use crate::workload::{admin_token, fixture};
use crate::{Rng, Server, Tally, cli, env_number, postgres_pass, verify, write_until_crash};

#[derive(QueryableByName)]
struct Integrity {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct ForeignKeyProblem {
    #[diesel(sql_type = Text)]
    table: String,
}

/// `PRAGMA integrity_check` says ok and `PRAGMA foreign_key_check` finds nothing.
fn file_is_sound(conn: &mut DbConnection, round: u64) {
    let DbConnection::Sqlite(conn) = conn else {
        panic!("a SQLite connection")
    };
    let integrity: Vec<Integrity> = diesel::sql_query("PRAGMA integrity_check")
        .load(conn)
        .unwrap();
    let lines: Vec<&str> = integrity
        .iter()
        .map(|r| r.integrity_check.as_str())
        .collect();
    assert_eq!(lines, ["ok"], "round {round}: integrity_check");
    let problems: Vec<ForeignKeyProblem> = diesel::sql_query("PRAGMA foreign_key_check")
        .load(conn)
        .unwrap();
    let tables: Vec<&str> = problems.iter().map(|p| p.table.as_str()).collect();
    assert!(
        tables.is_empty(),
        "round {round}: foreign_key_check: {tables:?}"
    );
}

#[test]
fn sqlite_keeps_every_acknowledged_write_through_kill_9() {
    if postgres_pass() {
        eprintln!("skipped: the crash tests run in the SQLite pass only");
        return;
    }
    let rounds = env_number("PATHWAYS_CRASH_ROUNDS", 25);
    let seed = env_number("PATHWAYS_CRASH_SEED", 0x7e57_c4a5);
    eprintln!("SQLite crash test: {rounds} rounds, PATHWAYS_CRASH_SEED={seed}");
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    let log = dir.path().join("server.log");
    cli(&url, &["migrate"], "");
    let token = admin_token(&url);
    let fixture = fixture(Server::start(&url, &log).addr, token);
    let (started, mut tally) = (Instant::now(), Tally::default());
    let mut registers = HashMap::new();
    for round in 1..=rounds {
        let mut server = Server::start(&url, &log);
        let (attempts, errors, intake) =
            write_until_crash(server.addr, &fixture, round, &mut rng, || server.kill());
        let db = Db::connect_single(&url).unwrap();
        let mut conn = db.conn().unwrap();
        file_is_sound(&mut conn, round);
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
    tally.report("SQLite kill -9", started);
}
