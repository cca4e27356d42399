//! The golden reports in `reports/`: the cohort CSV of every demo cohort, the programme
//! CSV and the pilot's text report, all as at [`as_at`]. The tests regenerate them on
//! both databases and compare them byte for byte (docs/REPORTS.md says how to refresh
//! them after an intended change).

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::reports::export::{REPORT_COLUMNS, report_cells, writer};
use crate::reports::report::{ProgrammeFilter, cohorts_in};
use crate::reports::text::cohort_text;
use crate::reports::{ReportLine, cohort_report, programme_totals};

/// The as-at date of the golden reports: the day the demo stands still.
pub fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
}

/// A name fit for a file: lower case, words joined by hyphens.
fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn csv(lines: &[&ReportLine]) -> AppResult<String> {
    let internal = |e: csv::Error| AppError::Internal(e.into());
    let mut w =
        writer(Vec::new(), &REPORT_COLUMNS, false).map_err(|e| AppError::Internal(e.into()))?;
    for l in lines {
        w.write_record(report_cells(l)).map_err(internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.into()))
}

/// Every golden file as (path under `reports/`, contents).
pub fn files(conn: &mut DbConnection) -> AppResult<Vec<(String, String)>> {
    let as_at = as_at();
    let ids = cohorts_in(conn, &ProgrammeFilter::default())?;
    let mut lines = Vec::new();
    let totals = programme_totals(conn, &ids, as_at, |l| lines.push(l.clone()))?;
    let mut files = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let path = format!("cohorts/{:02}-{}.csv", i + 1, slug(&line.cohort));
        files.push((path, csv(&[line])?));
    }
    let mut all: Vec<&ReportLine> = lines.iter().collect();
    all.extend(totals.lines());
    files.push(("programme.csv".to_owned(), csv(&all)?));
    let pilot = ids.first().copied().ok_or(AppError::NotFound)?;
    let report = cohort_report(conn, pilot, as_at, true)?;
    files.push(("pilot.txt".to_owned(), cohort_text(&report)));
    Ok(files)
}
