//! The reporting commands: `pathways report cohort|programme` and
//! `pathways export participants`, writing to standard output or a file.

use std::io::Write;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};

use crate::actions::reports;
use crate::domain::{Actor, Role};
use crate::error::AppError;
use crate::reports::ReportLine;
use crate::reports::export::{
    PARTICIPANT_COLUMNS, REPORT_COLUMNS, report_cells, report_json, write_participants, writer,
};
use crate::reports::report::{ProgrammeFilter, cohorts_in};
use crate::reports::text::{cohort_text, programme_text};
use crate::state::AppState;

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Headline and figures with their definitions.
    Text,
    /// The contract's CSV columns.
    Csv,
    /// The API's JSON.
    Json,
}

/// `pathways report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// One cohort's figures.
    Cohort {
        /// Cohort id.
        id: i32,
        /// text, csv or json.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Report as at this date (YYYY-MM-DD); default today in Europe/London.
        #[arg(long)]
        as_at: Option<NaiveDate>,
    },
    /// One line per cohort of a programme (or of every programme), then the total over
    /// them all (TOTAL) and over those whose outcome window has closed (TOTAL_CLOSED).
    Programme {
        /// Programme id; all programmes when left out.
        id: Option<i32>,
        /// text, csv or json.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Cohorts starting on or after this date.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Cohorts starting on or before this date.
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Report as at this date; default today.
        #[arg(long)]
        as_at: Option<NaiveDate>,
    },
}

/// `pathways export …`
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One row per enrolment, with attendance and job outcomes.
    Participants {
        /// Only this cohort (default: every cohort).
        #[arg(long)]
        cohort: Option<i32>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// As at this date; default today.
        #[arg(long)]
        as_at: Option<NaiveDate>,
        /// Start with a byte-order mark, for Excel.
        #[arg(long)]
        bom: bool,
    },
}

/// Turns "not found" into a message naming what was missing; other errors pass.
fn not_found(message: String) -> impl FnOnce(AppError) -> anyhow::Error {
    move |e| match e {
        AppError::NotFound => anyhow::anyhow!(message),
        e => e.into(),
    }
}

/// The command line's actor for reading reports. Whoever runs it holds the database
/// itself, so it reads as an administrator would (every organisation, equality breakdowns
/// included); the report actions write nothing, so the id names nobody.
fn operator(state: &AppState) -> Actor {
    Actor {
        user_id: 0,
        role: Role::Admin,
        organisation_id: 0,
        today: state.clock.today(),
        now: state.clock.now(),
    }
}

/// Runs a `report` command.
pub async fn report(state: &AppState, command: ReportCommand) -> anyhow::Result<()> {
    let actor = operator(state);
    let text = match command {
        ReportCommand::Cohort { id, format, as_at } => {
            cohort(state, actor, id, as_at, format).await?
        }
        ReportCommand::Programme {
            id,
            format,
            from,
            to,
            as_at,
        } => {
            let filter = ProgrammeFilter {
                programme_id: id,
                from,
                to,
                scope: None,
            };
            programme(state, actor, filter, as_at, format).await?
        }
    };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(())
}

/// `report cohort`: one cohort's figures in `format`.
async fn cohort(
    state: &AppState,
    actor: Actor,
    id: i32,
    as_at: Option<NaiveDate>,
    format: Format,
) -> anyhow::Result<String> {
    let report = state
        .db
        .run(move |conn| reports::cohort_report(conn, &actor, id, as_at))
        .await
        .map_err(not_found(format!("there is no cohort {id}")))?;
    Ok(match format {
        Format::Text => cohort_text(&report),
        Format::Json => format!("{:#}\n", report_json(&report, false)),
        Format::Csv => csv_text(&[report.line])?,
    })
}

/// `report programme`: a line per cohort of the filter, then the total, in `format`.
async fn programme(
    state: &AppState,
    actor: Actor,
    filter: ProgrammeFilter,
    as_at: Option<NaiveDate>,
    format: Format,
) -> anyhow::Result<String> {
    let (id, as_at) = (filter.programme_id, as_at.unwrap_or(actor.today));
    let lines = state
        .db
        .run(move |conn| reports::programme_report(conn, &actor, filter, as_at))
        .await
        .map_err(not_found(format!(
            "there is no programme {}",
            id.unwrap_or_default()
        )))?
        .lines_and_total();
    programme_output(format, &lines)
}

/// A programme report's lines (the total last) in `format`.
fn programme_output(format: Format, lines: &[ReportLine]) -> anyhow::Result<String> {
    Ok(match format {
        Format::Text => programme_text(lines),
        Format::Csv => csv_text(lines)?,
        Format::Json => {
            let rows: Vec<serde_json::Value> = lines.iter().map(programme_row_json).collect();
            format!("{:#}\n", serde_json::json!({ "items": rows }))
        }
    })
}

/// A programme report line as JSON: the CSV columns as keys (cells as the CSV has
/// them), and on a cohort's line when its outcome window closes and whether it has.
fn programme_row_json(l: &ReportLine) -> serde_json::Value {
    let mut row: serde_json::Map<_, _> = REPORT_COLUMNS
        .iter()
        .zip(report_cells(l))
        .map(|(k, v)| ((*k).to_owned(), serde_json::json!(v)))
        .collect();
    if l.cohort_id.is_some() {
        row.insert(
            "window_closes_on".into(),
            serde_json::json!(l.window_closes_on().to_string()),
        );
        row.insert("window_closed".into(), serde_json::json!(l.closed()));
    }
    row.into()
}

fn csv_text(lines: &[ReportLine]) -> anyhow::Result<String> {
    let mut w = writer(Vec::new(), &REPORT_COLUMNS, false)?;
    for l in lines {
        w.write_record(report_cells(l))?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}

/// Runs an `export` command, streaming rows a batch of cohorts at a time.
pub async fn export(state: &AppState, command: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Participants {
        cohort,
        out,
        as_at,
        bom,
    } = command;
    let as_at = as_at.unwrap_or(state.clock.today());
    let sink: Box<dyn Write + Send> = match &out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    state
        .db
        .run(move |conn| {
            // One snapshot, so every batch of cohorts comes from the same moment.
            crate::db::read_snapshot(conn, |conn| export_all(conn, cohort, as_at, bom, sink))
        })
        .await
        .map_err(not_found(format!(
            "there is no cohort {}",
            cohort.unwrap_or_default()
        )))
}

/// The participants export of `cohort` (or every cohort) into `sink`.
fn export_all(
    conn: &mut crate::db::DbConnection,
    cohort: Option<i32>,
    as_at: NaiveDate,
    bom: bool,
    sink: Box<dyn Write + Send>,
) -> crate::error::AppResult<()> {
    let ids = match cohort {
        Some(id) => vec![crate::models::Cohort::find(conn, id)?.id],
        None => cohorts_in(conn, &ProgrammeFilter::default())?,
    };
    let bar = crate::progress::bar(ids.len() as u64, "Exporting cohorts");
    let mut w =
        writer(sink, &PARTICIPANT_COLUMNS, bom).map_err(|e| AppError::Internal(e.into()))?;
    write_participants(conn, &ids, as_at, &mut w, |n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    Ok(())
}
