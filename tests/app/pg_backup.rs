//! T-19 on PostgreSQL: `pg_dump --format=custom` taken while residents are being written
//! restores with `pg_restore` into a fresh database that is consistent (every resident has
//! its audit row), and a dump taken at rest restores with every table's checksum equal to
//! the original's. On SQLite the drill is `backup.rs`.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use pathways::db::Backend;

use crate::common::TestApp;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Sum {
    #[diesel(sql_type = Text)]
    sum: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Each application table's row count and an md5 over its rows in a fixed order.
fn checksums(url: &str) -> Vec<(String, String)> {
    let mut conn = PgConnection::establish(url).unwrap();
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .load(&mut conn)
    .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let sql = format!(
                "SELECT COUNT(*) || ':' || COALESCE(md5(string_agg(x::text, '|' ORDER BY x::text)), '') \
                 AS sum FROM \"{}\" x",
                t.name
            );
            let sum: Sum = diesel::sql_query(sql).get_result(&mut conn).unwrap();
            (t.name, sum.sum)
        })
        .collect()
}

/// Dumps `url` and restores it into a new database next to it; returns the new URL.
fn dump_and_restore(url: &str, dir: &std::path::Path, label: &str) -> String {
    let file = dir.join(format!("{label}.dump"));
    let dump = Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&file)
        .arg(url)
        .output()
        .expect("pg_dump runs");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let (server, name) = url.rsplit_once('/').unwrap();
    let restored = format!("{name}_{label}");
    let mut admin = PgConnection::establish(&format!("{server}/postgres")).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {restored}"))
        .unwrap();
    let restored_url = format!("{server}/{restored}");
    let restore = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&restored_url)
        .arg(&file)
        .output()
        .expect("pg_restore runs");
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    restored_url
}

fn drop_database(url: &str) {
    let (server, name) = url.rsplit_once('/').unwrap();
    if let Ok(mut admin) = PgConnection::establish(&format!("{server}/postgres")) {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

#[tokio::test]
async fn a_pg_dump_under_writes_restores_consistent_and_at_rest_restores_identical() {
    let app = TestApp::new().await;
    if app.state.db.backend() != Backend::Postgres {
        eprintln!("pg_backup: PostgreSQL only (set TEST_DATABASE_URL); SQLite is backup.rs");
        return;
    }
    let url = app.state.config.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writing = crate::backup::writer(&app, stop.clone());
    let dumping = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let (url, path) = (url.clone(), dir.path().to_owned());
        let restored = tokio::task::spawn_blocking(move || dump_and_restore(&url, &path, "live"))
            .await
            .unwrap();
        stop.store(true, Ordering::Relaxed);
        restored
    };
    let (written, live) = tokio::join!(writing, dumping);
    let mut conn = PgConnection::establish(&live).unwrap();
    let count = |conn: &mut PgConnection, sql: &str| {
        diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
    };
    let people = count(&mut conn, "SELECT COUNT(*) AS n FROM participants");
    let created = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'participant' AND action = 'create'",
    );
    drop(conn);
    drop_database(&live);
    assert_eq!(
        people, created,
        "every resident in the copy has its audit row"
    );
    assert!(
        people > 0 && people <= i64::from(written),
        "{people} of {written}"
    );

    // At rest: the restored copy is the original, table by table.
    let (url2, path) = (url.clone(), dir.path().to_owned());
    let rest = tokio::task::spawn_blocking(move || dump_and_restore(&url2, &path, "rest"))
        .await
        .unwrap();
    let (original, copy) = (checksums(&url), checksums(&rest));
    drop_database(&rest);
    assert!(original.len() >= 20, "{} tables", original.len());
    assert_eq!(original, copy);
}
