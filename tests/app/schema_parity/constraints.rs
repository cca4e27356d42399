//! The parts of a schema where the two dialects really differ in how they are written:
//! indexes (name, table, columns, unique), primary keys, foreign keys (from → to, on
//! delete), CHECK constraints (which table and columns; the allowed codes of an `IN`
//! list) and triggers (name, table, timing, event). Each backend is described in one
//! dialect-free text and compared with one golden file, so the SQLite run and the
//! PostgreSQL run together prove the two migration trees agree.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Nullable, Text};
use diesel::{PgConnection, SqliteConnection};
use pathways::db::DbConnection;

/// Describes the constraints of the migrated schema, one line each.
pub fn describe(conn: &mut DbConnection) -> BTreeSet<String> {
    match conn {
        DbConnection::Postgresql(c) => postgres(c),
        DbConnection::Sqlite(c) => sqlite(c),
    }
}

#[derive(QueryableByName)]
struct PgIndex {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Bool)]
    is_primary: bool,
    #[diesel(sql_type = Bool)]
    from_constraint: bool,
    #[diesel(sql_type = Bool)]
    partial: bool,
    #[diesel(sql_type = Text)]
    columns: String,
}

#[derive(QueryableByName)]
struct PgForeignKey {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    to_table: String,
    #[diesel(sql_type = Text)]
    to_column: String,
    #[diesel(sql_type = Text)]
    delete_rule: String,
}

#[derive(QueryableByName)]
struct PgCheck {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    columns: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

#[derive(QueryableByName)]
struct PgTrigger {
    #[diesel(sql_type = Text)]
    trigger_name: String,
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    timing: String,
    #[diesel(sql_type = Text)]
    event: String,
}

const PG_INDEXES: &str = "SELECT t.relname::text AS table_name, i.relname::text AS index_name, \
    ix.indisunique AS is_unique, ix.indisprimary AS is_primary, \
    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) AS from_constraint, \
    ix.indpred IS NOT NULL AS partial, \
    COALESCE((SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
        FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), '') AS columns \
    FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
    JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
    WHERE n.nspname = 'public' AND t.relname <> '__diesel_schema_migrations'";

const PG_FOREIGN_KEYS: &str = "SELECT t.relname::text AS table_name, a.attname::text AS column_name, \
    ft.relname::text AS to_table, fa.attname::text AS to_column, \
    CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' \
        WHEN 'r' THEN 'restrict' ELSE 'no action' END AS delete_rule \
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class ft ON ft.oid = c.confrelid \
    JOIN pg_namespace n ON n.oid = t.relnamespace \
    CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(attnum, fattnum) \
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
    JOIN pg_attribute fa ON fa.attrelid = ft.oid AND fa.attnum = k.fattnum \
    WHERE c.contype = 'f' AND n.nspname = 'public'";

const PG_CHECKS: &str = "SELECT t.relname::text AS table_name, \
    (SELECT string_agg(a.attname::text, ',' ORDER BY a.attname) FROM pg_attribute a \
        WHERE a.attrelid = t.oid AND a.attnum = ANY (c.conkey)) AS columns, \
    pg_get_constraintdef(c.oid) AS definition \
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
    WHERE c.contype = 'c' AND n.nspname = 'public'";

const PG_TRIGGERS: &str = "SELECT trigger_name::text AS trigger_name, \
    event_object_table::text AS table_name, action_timing::text AS timing, \
    event_manipulation::text AS event FROM information_schema.triggers \
    WHERE trigger_schema = 'public'";

fn postgres(c: &mut PgConnection) -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    for i in diesel::sql_query(PG_INDEXES).load::<PgIndex>(c).unwrap() {
        lines.insert(if i.is_primary {
            primary_key(&i.table_name, &i.columns)
        } else if i.from_constraint {
            unique(&i.table_name, &i.columns)
        } else {
            index(
                &i.index_name,
                &i.table_name,
                &i.columns,
                i.is_unique,
                i.partial,
            )
        });
    }
    for f in diesel::sql_query(PG_FOREIGN_KEYS)
        .load::<PgForeignKey>(c)
        .unwrap()
    {
        lines.insert(foreign_key(
            &f.table_name,
            &f.column_name,
            &f.to_table,
            &f.to_column,
            &f.delete_rule,
        ));
    }
    for k in diesel::sql_query(PG_CHECKS).load::<PgCheck>(c).unwrap() {
        lines.insert(check(&k.table_name, &k.columns, &k.definition));
    }
    for t in diesel::sql_query(PG_TRIGGERS).load::<PgTrigger>(c).unwrap() {
        lines.insert(trigger(&t.trigger_name, &t.table_name, &t.timing, &t.event));
    }
    lines
}

#[derive(QueryableByName)]
struct SqliteObject {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    tbl_name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

#[derive(QueryableByName)]
struct SqliteIndex {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    is_unique: i32,
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = Integer)]
    partial: i32,
}

#[derive(QueryableByName)]
struct SqliteName {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteForeignKey {
    #[diesel(sql_type = Text)]
    to_table: String,
    #[diesel(sql_type = Text)]
    from_column: String,
    #[diesel(sql_type = Nullable<Text>)]
    to_column: Option<String>,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

fn names(c: &mut SqliteConnection, sql: String) -> Vec<String> {
    let rows: Vec<SqliteName> = diesel::sql_query(sql).load(c).unwrap();
    rows.into_iter().map(|r| r.name).collect()
}

fn sqlite(c: &mut SqliteConnection) -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    let tables: Vec<SqliteObject> = diesel::sql_query(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
    )
    .load(c)
    .unwrap();
    for t in &tables {
        let table = &t.name;
        let pk = names(
            c,
            format!("SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"),
        );
        lines.insert(primary_key(table, &pk.join(",")));
        let indexes: Vec<SqliteIndex> = diesel::sql_query(format!(
            "SELECT name, \"unique\" AS is_unique, origin, partial FROM pragma_index_list('{table}')"
        ))
        .load(c)
        .unwrap();
        for i in indexes {
            let columns = names(
                c,
                format!(
                    "SELECT name FROM pragma_index_info('{}') ORDER BY seqno",
                    i.name
                ),
            )
            .join(",");
            match i.origin.as_str() {
                "pk" => {}
                "u" => {
                    lines.insert(unique(table, &columns));
                }
                _ => {
                    lines.insert(index(
                        &i.name,
                        table,
                        &columns,
                        i.is_unique == 1,
                        i.partial == 1,
                    ));
                }
            }
        }
        let keys: Vec<SqliteForeignKey> = diesel::sql_query(format!(
            "SELECT \"table\" AS to_table, \"from\" AS from_column, \"to\" AS to_column, on_delete \
             FROM pragma_foreign_key_list('{table}')"
        ))
        .load(c)
        .unwrap();
        for k in keys {
            // `REFERENCES t` without a column names t's primary key.
            let to = k.to_column.unwrap_or_else(|| {
                names(
                    c,
                    format!(
                        "SELECT name FROM pragma_table_info('{}') WHERE pk > 0",
                        k.to_table
                    ),
                )
                .join(",")
            });
            lines.insert(foreign_key(
                table,
                &k.from_column,
                &k.to_table,
                &to,
                &k.on_delete,
            ));
        }
        let columns = names(c, format!("SELECT name FROM pragma_table_info('{table}')"));
        for (cols, definition) in sqlite_checks(&t.sql, &columns) {
            lines.insert(check(table, &cols, &definition));
        }
    }
    let triggers: Vec<SqliteObject> =
        diesel::sql_query("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            .load(c)
            .unwrap();
    for t in triggers {
        let words: Vec<String> = t.sql.split_whitespace().map(str::to_uppercase).collect();
        let at = words
            .iter()
            .position(|w| ["BEFORE", "AFTER", "INSTEAD"].contains(&w.as_str()))
            .expect("a trigger names its timing");
        let (timing, event) = if words[at] == "INSTEAD" {
            ("INSTEAD OF", &words[at + 2])
        } else {
            (words[at].as_str(), &words[at + 1])
        };
        lines.insert(trigger(&t.name, &t.tbl_name, timing, event));
    }
    lines
}

/// The CHECK constraints in a SQLite `CREATE TABLE`: for each, the table's columns it
/// names (sorted, comma-separated) and its text.
fn sqlite_checks(create: &str, columns: &[String]) -> Vec<(String, String)> {
    let upper = create.to_uppercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at;
        let word = |i: Option<char>| i.is_some_and(|c| c.is_alphanumeric() || c == '_');
        // Only the keyword, not a name such as `checkpoint_id`.
        if word(upper[..start].chars().next_back()) || word(upper[start + 5..].chars().next()) {
            from = start + 5;
            continue;
        }
        let open = start + upper[start..].find('(').expect("CHECK (");
        let mut depth = 0;
        let mut close = open;
        for (i, ch) in create[open..].char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                close = open + i;
                break;
            }
        }
        let expression = &create[open..=close];
        let mut named: Vec<&str> = columns
            .iter()
            .map(String::as_str)
            .filter(|c| words_of(expression).any(|w| w == *c))
            .collect();
        named.sort_unstable();
        found.push((named.join(","), expression.to_owned()));
        from = close;
    }
    found
}

fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

fn primary_key(table: &str, columns: &str) -> String {
    format!("primary key {table} ({columns})")
}

fn unique(table: &str, columns: &str) -> String {
    format!("unique {table} ({columns})")
}

fn index(name: &str, table: &str, columns: &str, unique: bool, partial: bool) -> String {
    let unique = if unique { " unique" } else { "" };
    let partial = if partial { " partial" } else { "" };
    format!("index {name} on {table} ({columns}){unique}{partial}")
}

fn foreign_key(
    table: &str,
    column: &str,
    to_table: &str,
    to_column: &str,
    on_delete: &str,
) -> String {
    format!(
        "foreign key {table}.{column} -> {to_table}.{to_column} on delete {}",
        on_delete.to_lowercase()
    )
}

/// A check as "check TABLE (COLUMNS)", followed by its allowed values when it is an `IN`
/// list (SQLite keeps `x IN ('a', 'b')`, PostgreSQL shows `x = ANY (ARRAY['a'::text, …])`).
fn check(table: &str, columns: &str, definition: &str) -> String {
    let upper = definition.to_uppercase();
    let list = if upper.contains(" IN (") || upper.contains("= ANY (ARRAY[") {
        let values: Vec<&str> = if definition.contains('\'') {
            definition.split('\'').skip(1).step_by(2).collect()
        } else {
            let inner = &definition[definition.rfind(['(', '[']).unwrap() + 1..];
            inner
                .split(|c: char| !c.is_ascii_digit())
                .filter(|w| !w.is_empty())
                .collect()
        };
        format!(" in ({})", values.join(", "))
    } else {
        String::new()
    };
    format!("check {table} ({columns}){list}")
}

fn trigger(name: &str, table: &str, timing: &str, event: &str) -> String {
    format!(
        "trigger {name} on {table} {} {}",
        timing.to_lowercase(),
        event.to_lowercase()
    )
}

#[test]
fn both_dialects_checks_read_the_same() {
    let sqlite = check("cohorts", "status", "(status IN ('planned', 'recruiting'))");
    let postgres = check(
        "cohorts",
        "status",
        "CHECK ((status = ANY (ARRAY['planned'::text, 'recruiting'::text])))",
    );
    assert_eq!(sqlite, "check cohorts (status) in (planned, recruiting)");
    assert_eq!(sqlite, postgres);
    let weeks = check("checkpoints", "weeks", "(weeks IN (13, 26, 52))");
    assert_eq!(
        weeks,
        check(
            "checkpoints",
            "weeks",
            "CHECK ((weeks = ANY (ARRAY[13, 26, 52])))"
        )
    );
    assert_eq!(weeks, "check checkpoints (weeks) in (13, 26, 52)");
    let columns = ["checkpoint_id".to_owned(), "weeks".to_owned()];
    let found = sqlite_checks(
        "CREATE TABLE t (checkpoint_id INTEGER REFERENCES checkpoints (id), weeks INTEGER CHECK (weeks > 0))",
        &columns,
    );
    assert_eq!(found, [("weeks".to_owned(), "(weeks > 0)".to_owned())]);
}
