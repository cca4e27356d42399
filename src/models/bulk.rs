//! Bulk loading for generated data sets (`pathways demo --national`, the benchmarks):
//! multi-row `INSERT`s of typed values, with explicit ids, in a few thousand statements
//! instead of millions. The app's own writes never come through here; every row still
//! meets the schema's constraints and foreign keys, which check it as it lands.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{organisations, participants, users};

/// Rows per `INSERT` statement: large enough to amortise parsing, small enough for
/// PostgreSQL's limits and SQLite's statement size.
const ROWS_PER_INSERT: usize = 1_000;

/// Tables whose `id` the bulk loader writes itself; PostgreSQL's sequences must then be
/// moved past the highest id, or the app's next insert would collide.
const WITH_IDS: [&str; 13] = [
    "organisations",
    "users",
    "programmes",
    "cohorts",
    "information_sessions",
    "course_sessions",
    "participants",
    "enrolments",
    "enrolment_stage_changes",
    "attendance",
    "employments",
    "checkpoints",
    "progressions",
];

/// One value of a row, written as an SQL literal both databases read the same way.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text (quotes are escaped).
    Text(&'a str),
    /// A date.
    Date(NaiveDate),
    /// A timestamp.
    At(NaiveDateTime),
    /// A boolean.
    Bool(bool),
    /// NULL.
    Null,
}

impl Value<'_> {
    /// A date, or NULL.
    pub fn date_or_null(day: Option<NaiveDate>) -> Value<'static> {
        day.map_or(Value::Null, Value::Date)
    }

    fn write(&self, sql: &mut String) {
        let _ = match self {
            Value::Int(n) => write!(sql, "{n}"),
            Value::Real(x) => write!(sql, "{x:?}"),
            Value::Text(text) => {
                sql.push('\'');
                if text.contains('\'') {
                    sql.push_str(&text.replace('\'', "''"));
                } else {
                    sql.push_str(text);
                }
                sql.push('\'');
                Ok(())
            }
            Value::Date(day) => write!(sql, "'{day}'"),
            Value::At(at) => write!(sql, "'{}'", at.format("%Y-%m-%d %H:%M:%S")),
            Value::Bool(b) => write!(sql, "{}", if *b { "TRUE" } else { "FALSE" }),
            Value::Null => write!(sql, "NULL"),
        };
    }
}

/// Collects rows of one table into multi-row `INSERT` statements and runs each when full.
#[derive(Debug)]
pub struct Inserter {
    table: &'static str,
    columns: &'static str,
    sql: String,
    pending: usize,
    total: u64,
}

impl Inserter {
    /// An inserter into `table`, with `columns` as written in the statement.
    pub fn new(table: &'static str, columns: &'static str) -> Inserter {
        Inserter {
            table,
            columns,
            sql: String::with_capacity(256 * ROWS_PER_INSERT),
            pending: 0,
            total: 0,
        }
    }

    /// Adds one row, in the order of the columns.
    pub fn row(&mut self, conn: &mut DbConnection, values: &[Value<'_>]) -> QueryResult<()> {
        if self.pending == 0 {
            self.sql.clear();
            let _ = write!(
                self.sql,
                "INSERT INTO {} ({}) VALUES ",
                self.table, self.columns
            );
        } else {
            self.sql.push(',');
        }
        self.sql.push('(');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push(',');
            }
            value.write(&mut self.sql);
        }
        self.sql.push(')');
        self.pending += 1;
        self.total += 1;
        if self.pending == ROWS_PER_INSERT {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Adds one row that references rows of `parent`, writing the parent's pending rows
    /// first whenever this one is about to be written, so foreign keys always hold.
    pub fn row_under(
        &mut self,
        parent: &mut Inserter,
        conn: &mut DbConnection,
        values: &[Value<'_>],
    ) -> QueryResult<()> {
        if self.pending + 1 == ROWS_PER_INSERT {
            parent.flush(conn)?;
        }
        self.row(conn, values)
    }

    /// Writes the pending rows.
    pub fn flush(&mut self, conn: &mut DbConnection) -> QueryResult<()> {
        if self.pending > 0 {
            conn.batch_execute(&self.sql)?;
            self.pending = 0;
        }
        Ok(())
    }

    /// Writes the pending rows and records how many rows the table received.
    pub fn finish(mut self, conn: &mut DbConnection, counts: &mut Counts) -> QueryResult<()> {
        self.flush(conn)?;
        counts.push((self.table, self.total));
        Ok(())
    }
}

/// Rows loaded per table.
pub type Counts = Vec<(&'static str, u64)>;

/// True when the database holds no organisation, user or resident (a bulk load writes
/// its own ids, so it needs all three empty).
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    let organisation = organisations::table
        .select(organisations::id)
        .first::<i32>(conn)
        .optional()?;
    let user = users::table
        .select(users::id)
        .first::<i32>(conn)
        .optional()?;
    let resident = participants::table
        .select(participants::id)
        .first::<i32>(conn)
        .optional()?;
    Ok(organisation.is_none() && user.is_none() && resident.is_none())
}

/// After a bulk load: moves PostgreSQL's id sequences past the ids written (SQLite picks
/// the next id from the table itself).
pub fn after_load(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgresql(_) = conn {
        let mut sql = String::new();
        for table in WITH_IDS {
            let _ = write!(
                sql,
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false);"
            );
        }
        conn.batch_execute(&sql)?;
    }
    Ok(())
}

/// Settles the database after a bulk load, outside any transaction: PostgreSQL's planner
/// statistics brought up to date (what autovacuum would do shortly on its own), SQLite's
/// write-ahead log folded into the database file.
pub fn settle(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgresql(_) => conn.batch_execute("VACUUM ANALYZE;"),
        DbConnection::Sqlite(_) => conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);"),
    }
}
