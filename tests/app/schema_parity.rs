//! Both migration trees build the same schema: same tables, columns, types and
//! nullability, and (in `constraints`) the same indexes, keys, checks and triggers. Each
//! backend is compared with one golden description, so the SQLite run and the PostgreSQL
//! run together prove the two trees agree.

mod constraints;

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use pathways::db::DbConnection;

use crate::common::TestApp;

const GOLDEN: &str = include_str!("../golden/schema.txt");

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct SqliteTable {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    column_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

fn normalise(sql_type: &str) -> &'static str {
    match sql_type.to_lowercase().as_str() {
        "integer" => "integer",
        "text" => "text",
        "date" => "date",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "boolean" => "boolean",
        "double precision" => "double",
        other => panic!("unexpected column type {other}"),
    }
}

fn describe(conn: &mut DbConnection) -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    match conn {
        DbConnection::Postgresql(c) => {
            let columns: Vec<PgColumn> = diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                 data_type::text AS data_type, is_nullable::text AS is_nullable \
                 FROM information_schema.columns WHERE table_schema = 'public' \
                 AND table_name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap();
            for col in columns {
                let null = if col.is_nullable == "YES" {
                    "null"
                } else {
                    "not null"
                };
                lines.insert(format!(
                    "{}.{} {} {null}",
                    col.table_name,
                    col.column_name,
                    normalise(&col.data_type)
                ));
            }
        }
        DbConnection::Sqlite(c) => {
            let tables: Vec<SqliteTable> = diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap();
            for table in tables {
                let columns: Vec<SqliteColumn> =
                    diesel::sql_query(format!(
                    "SELECT name, type AS column_type, \"notnull\" AS not_null, pk FROM pragma_table_info('{}')",
                    table.name
                ))
                .load(c)
                .unwrap();
                for col in columns {
                    // SQLite does not mark primary-key columns NOT NULL unless told; both trees do.
                    let null = if col.not_null == 1 || col.pk > 0 {
                        "not null"
                    } else {
                        "null"
                    };
                    lines.insert(format!(
                        "{}.{} {} {null}",
                        table.name,
                        col.name,
                        normalise(&col.column_type)
                    ));
                }
            }
        }
    }
    lines
}

/// Compares `actual` with the golden file `name` (rewritten instead under `UPDATE_GOLDEN`).
fn matches_golden(actual: &BTreeSet<String>, name: &str, golden: &str) {
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        let text: Vec<&str> = actual.iter().map(String::as_str).collect();
        let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, text.join("\n") + "\n").unwrap();
        return;
    }
    let expected: BTreeSet<String> = golden
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let missing: Vec<_> = expected.difference(actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nunexpected {extra:#?}"
    );
}

#[tokio::test]
async fn the_migrated_schema_matches_the_golden_description() {
    let app = TestApp::new().await;
    let actual = app.state.db.run(|conn| Ok(describe(conn))).await.unwrap();
    matches_golden(&actual, "schema.txt", GOLDEN);
}

#[tokio::test]
async fn indexes_keys_checks_and_triggers_match_the_golden_description() {
    let app = TestApp::new().await;
    let actual = app
        .state
        .db
        .run(|conn| Ok(constraints::describe(conn)))
        .await
        .unwrap();
    matches_golden(
        &actual,
        "schema_constraints.txt",
        include_str!("../golden/schema_constraints.txt"),
    );
}

#[test]
fn both_trees_have_the_same_migration_folders() {
    let list = |backend: &str| -> Vec<String> {
        let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = list("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("postgres"));
}

#[tokio::test]
async fn the_audit_trail_refuses_updates_and_deletes() {
    let app = TestApp::new().await;
    app.organisation("Leeds City Council").await;
    let refused = app
        .state
        .db
        .run(|conn| {
            let update = diesel::sql_query("UPDATE audit_events SET entity = 'x'").execute(conn);
            let delete = diesel::sql_query("DELETE FROM audit_events").execute(conn);
            Ok((update.is_err(), delete.is_err()))
        })
        .await
        .unwrap();
    assert_eq!(refused, (true, true));
    assert_eq!(app.audit_count().await, 1);
}
