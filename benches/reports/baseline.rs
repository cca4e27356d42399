//! The baseline: the report's core aggregates written once as plain SQL over every cohort
//! (no batching, no Rust afterwards), run in-process through diesel's `sql_query` and as
//! a whole process through the database's own shell (`sqlite3` or `psql`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text};
use pathways::db::DbConnection;

/// One baseline query: a name and its SQL with the as-at date written in.
pub struct Query {
    /// Short name for the table.
    pub name: &'static str,
    /// The SQL.
    pub sql: String,
}

/// The queries, as at `d`: the same facts `reports::facts::load` reads, for all cohorts.
pub fn queries(d: NaiveDate) -> Vec<Query> {
    vec![
        Query {
            name: "held sessions per cohort",
            sql: format!(
                "SELECT cohort_id, SUM(CASE WHEN held_on <= '{d}' THEN 1 ELSE 0 END) AS held, \
                 MAX(held_on) AS last_session FROM course_sessions WHERE NOT cancelled GROUP BY cohort_id"
            ),
        },
        Query {
            name: "attended per enrolment",
            sql: format!(
                "SELECT a.enrolment_id, COUNT(*) AS attended FROM attendance a \
                 JOIN course_sessions s ON s.id = a.course_session_id \
                 WHERE NOT s.cancelled AND s.held_on <= '{d}' AND a.status IN ('present', 'late') \
                 GROUP BY a.enrolment_id"
            ),
        },
        Query {
            name: "latest stage per enrolment",
            sql: format!(
                "SELECT enrolment_id, to_stage FROM (SELECT enrolment_id, to_stage, ROW_NUMBER() OVER \
                 (PARTITION BY enrolment_id ORDER BY changed_on DESC, id DESC) AS n \
                 FROM enrolment_stage_changes WHERE changed_on <= '{d}') latest WHERE n = 1"
            ),
        },
        Query {
            name: "people (enrolment, person, area, equality)",
            sql: "SELECT e.id, e.cohort_id, p.given_name, p.family_name, p.postcode, p.date_of_birth, \
                  l.neighbourhood, l.imd_decile, q.ethnic_group, q.sex, q.disability \
                  FROM enrolments e JOIN participants p ON p.id = e.participant_id \
                  LEFT JOIN deprivation_lookup l ON l.postcode = p.postcode \
                  LEFT JOIN equality_monitoring q ON q.participant_id = p.id \
                  ORDER BY e.cohort_id, e.id"
                .to_owned(),
        },
        Query {
            name: "jobs with in-post checkpoints",
            sql: format!(
                "SELECT j.id, j.enrolment_id, j.start_date, j.end_date, o.name AS employer, \
                 COUNT(c.id) AS in_post FROM employments j \
                 JOIN organisations o ON o.id = j.employer_organisation_id \
                 LEFT JOIN checkpoints c ON c.employment_id = j.id AND c.status = 'in_post' \
                 AND c.verified_on <= '{d}' \
                 WHERE j.start_date <= '{d}' \
                 GROUP BY j.id, j.enrolment_id, j.start_date, j.end_date, o.name"
            ),
        },
        Query {
            name: "progressions",
            sql: format!(
                "SELECT employment_id, job_title, band, staff_group FROM progressions \
                 WHERE effective_on <= '{d}' ORDER BY effective_on, id"
            ),
        },
    ]
}

#[derive(QueryableByName)]
#[allow(dead_code, reason = "rows are loaded to be timed, never read")]
struct Held {
    #[diesel(sql_type = Integer)]
    cohort_id: i32,
    #[diesel(sql_type = BigInt)]
    held: i64,
    #[diesel(sql_type = Date)]
    last_session: NaiveDate,
}

#[derive(QueryableByName)]
#[allow(dead_code, reason = "rows are loaded to be timed, never read")]
struct Attended {
    #[diesel(sql_type = Integer)]
    enrolment_id: i32,
    #[diesel(sql_type = BigInt)]
    attended: i64,
}

#[derive(QueryableByName)]
#[allow(dead_code, reason = "rows are loaded to be timed, never read")]
struct Stage {
    #[diesel(sql_type = Integer)]
    enrolment_id: i32,
    #[diesel(sql_type = Text)]
    to_stage: String,
}

#[derive(QueryableByName)]
#[allow(dead_code, reason = "rows are loaded to be timed, never read")]
struct Person {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    cohort_id: i32,
    #[diesel(sql_type = Text)]
    given_name: String,
    #[diesel(sql_type = Text)]
    family_name: String,
    #[diesel(sql_type = Text)]
    postcode: String,
    #[diesel(sql_type = Date)]
    date_of_birth: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    neighbourhood: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    imd_decile: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    ethnic_group: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    sex: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    disability: Option<String>,
}

#[derive(QueryableByName)]
#[allow(dead_code, reason = "rows are loaded to be timed, never read")]
struct JobRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    enrolment_id: i32,
    #[diesel(sql_type = Date)]
    start_date: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    end_date: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    employer: String,
    #[diesel(sql_type = BigInt)]
    in_post: i64,
}

#[derive(QueryableByName)]
#[allow(dead_code, reason = "rows are loaded to be timed, never read")]
struct Step {
    #[diesel(sql_type = Integer)]
    employment_id: i32,
    #[diesel(sql_type = Nullable<Text>)]
    job_title: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    band: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    staff_group: Option<String>,
}

/// Loads every row of `sql` into `T`s on the connection's own backend; returns the count.
macro_rules! load_all {
    ($conn:expr, $t:ty, $sql:expr) => {
        match $conn {
            DbConnection::Sqlite(c) => sql_query($sql).load::<$t>(c).map(|rows| rows.len()),
            DbConnection::Postgresql(c) => sql_query($sql).load::<$t>(c).map(|rows| rows.len()),
        }
    };
}

/// Runs query `index` of [`queries`] in-process, loading every row; returns the row count.
pub fn run_in_process(conn: &mut DbConnection, index: usize, sql: &str) -> QueryResult<usize> {
    match index {
        0 => load_all!(conn, Held, sql),
        1 => load_all!(conn, Attended, sql),
        2 => load_all!(conn, Stage, sql),
        3 => load_all!(conn, Person, sql),
        4 => load_all!(conn, JobRow, sql),
        _ => load_all!(conn, Step, sql),
    }
}

/// How the shell is invoked for this database, if it is installed.
pub enum Shell<'a> {
    /// `sqlite3 FILE`.
    Sqlite(&'a Path),
    /// `psql URL`.
    Postgres(&'a str),
}

impl Shell<'_> {
    /// The shell's name.
    pub fn program(&self) -> &'static str {
        match self {
            Shell::Sqlite(_) => "sqlite3",
            Shell::Postgres(_) => "psql",
        }
    }

    /// Whether the shell is installed.
    pub fn available(&self) -> bool {
        Command::new(self.program())
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Runs the script in a new shell process, output discarded; the whole process is timed.
    pub fn run(&self, script: &Path) -> anyhow::Result<Duration> {
        let mut command = Command::new(self.program());
        match self {
            Shell::Sqlite(db) => {
                command.arg(db).stdin(std::fs::File::open(script)?);
            }
            Shell::Postgres(url) => {
                // Unaligned, rows only: the cheapest output psql has.
                command
                    .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f"])
                    .arg(script)
                    .arg(url);
            }
        }
        let started = Instant::now();
        let output = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()?;
        let took = started.elapsed();
        if !output.status.success() || !output.stderr.is_empty() {
            anyhow::bail!(
                "{} failed: {}",
                self.program(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(took)
    }
}
