//! The write helper under contention (T-17): 8 writers × 250 read-modify-write
//! transactions all commit with no update lost, and a write chosen as a deadlock's victim
//! is run again rather than reported. On both databases.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use pathways::db::{DbConnection, retries_so_far, write_transaction};

use crate::common::TestApp;

diesel::table! {
    /// A counter that exists only in this test's database.
    t17_counter (id) {
        id -> Integer,
        n -> BigInt,
    }
}

/// Reads the counter for update: on PostgreSQL with a row lock, as the models do for
/// every read-modify-write; SQLite's write transaction already excludes other writers.
fn read_counter(conn: &mut DbConnection) -> QueryResult<i64> {
    let query = t17_counter::table.find(1).select(t17_counter::n);
    match conn {
        DbConnection::Postgresql(pg) => query.for_update().first(pg),
        DbConnection::Sqlite(sqlite) => query.first(sqlite),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_times_250_read_modify_writes_all_commit() {
    let app = TestApp::new().await;
    let db = app.state.db.clone();
    db.conn()
        .unwrap()
        .batch_execute(
            "CREATE TABLE t17_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL); \
             INSERT INTO t17_counter (id, n) VALUES (1, 0);",
        )
        .unwrap();
    let started = Instant::now();
    let writers: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::task::spawn_blocking(move || {
                let mut conn = db.conn().unwrap();
                let mut committed = 0;
                for _ in 0..250 {
                    let done = write_transaction(&mut conn, |conn| {
                        let n = read_counter(conn)?;
                        diesel::update(t17_counter::table.find(1))
                            .set(t17_counter::n.eq(n + 1))
                            .execute(conn)
                    });
                    committed += usize::from(done.is_ok());
                }
                committed
            })
        })
        .collect();
    let mut committed = 0;
    for w in writers {
        committed += w.await.unwrap();
    }
    let n: i64 = read_counter(&mut db.conn().unwrap()).unwrap();
    eprintln!(
        "T-17: {committed} of 2000 committed in {} ms, counter {n}",
        started.elapsed().as_millis()
    );
    assert_eq!((committed, n), (2000, 2000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deadlocked_write_is_run_again_rather_than_reported() {
    let app = TestApp::new().await;
    let db = app.state.db.clone();
    db.conn()
        .unwrap()
        .batch_execute(
            "CREATE TABLE t17_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL); \
             INSERT INTO t17_counter (id, n) VALUES (1, 0), (2, 0);",
        )
        .unwrap();
    let postgres = matches!(*db.conn().unwrap(), DbConnection::Postgresql(_));
    // On PostgreSQL each first attempt locks one row, waits until the other holds the
    // other row, then asks for it: a certain deadlock. SQLite's writers take turns, so
    // there the two simply run one after the other.
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let attempts = Arc::new(AtomicU32::new(0));
    let before = retries_so_far();
    let writers: Vec<_> = [(1, 2), (2, 1)]
        .into_iter()
        .map(|(first, second)| {
            let (db, barrier, attempts) = (db.clone(), barrier.clone(), attempts.clone());
            tokio::task::spawn_blocking(move || {
                let mut conn = db.conn().unwrap();
                let mut first_attempt = true;
                write_transaction(&mut conn, |conn| {
                    attempts.fetch_add(1, Ordering::SeqCst);
                    for (i, id) in [first, second].into_iter().enumerate() {
                        diesel::update(t17_counter::table.find(id))
                            .set(t17_counter::n.eq(t17_counter::n + 1))
                            .execute(conn)?;
                        if i == 0 && postgres && std::mem::take(&mut first_attempt) {
                            barrier.wait();
                        }
                    }
                    Ok::<_, diesel::result::Error>(())
                })
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap().expect("both writes commit");
    }
    let counts: Vec<i64> = t17_counter::table
        .select(t17_counter::n)
        .order(t17_counter::id)
        .load(&mut *db.conn().unwrap())
        .unwrap();
    assert_eq!(counts, vec![2, 2]);
    if postgres {
        assert_eq!(attempts.load(Ordering::SeqCst), 3, "one write ran twice");
        assert!(retries_so_far() > before);
    }
}
