//! CSV and JSON forms of the reports, with the contract's columns (PRODUCT.md "CSV"):
//! RFC 4180, UTF-8, a header row, dates `YYYY-MM-DD`, an optional byte-order mark, and
//! every cell that a spreadsheet could run as a formula written with a leading `'`.

use std::io::Write;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::definitions::DEFINITIONS;
use super::facts::{self, CohortFacts, EnrolmentFacts};
use super::figures::{Outcome, latest_position};
use super::report::{BATCH, CohortReport, ReportLine, outcomes, published};
use crate::db::DbConnection;

/// The cohort and programme report columns, in order.
pub const REPORT_COLUMNS: [&str; 23] = [
    "programme",
    "cohort",
    "starts_on",
    "ends_on",
    "as_at",
    "referred",
    "started",
    "completed",
    "withdrawn",
    "interviewed",
    "offered",
    "employed",
    "employment_rate",
    "sustained_13w",
    "due_13w",
    "sustained_26w",
    "due_26w",
    "sustained_52w",
    "due_52w",
    "progressed",
    "moved_to_clinical",
    "median_days_to_job",
    "mean_attendance_rate",
];

/// The participants export columns, in order.
pub const PARTICIPANT_COLUMNS: [&str; 25] = [
    "participant_id",
    "given_name",
    "family_name",
    "postcode",
    "imd_decile",
    "stage",
    "sessions_attended",
    "sessions_held",
    "attendance_rate",
    "completed",
    "job_start",
    "employer",
    "site",
    "job_title",
    "band",
    "in_post_13w",
    "in_post_26w",
    "in_post_52w",
    "progressions",
    "latest_job_title",
    "latest_band",
    // Added at the end so that readers of the first 21 columns keep working.
    "interviewed_on",
    "offered_on",
    "withdrawn_on",
    "withdrawal_reason",
];

/// The byte-order mark Excel needs to read UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell made safe for spreadsheets: a leading `=`, `+`, `-`, `@`, tab, carriage
/// return, line feed, NUL, `;`, `|` or `%` gets a `'` before it. Numbers we write ourselves never need it (a negative
/// median is written by `days` and left as a number).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '\0' | ';' | '|' | '%') => {
            format!("'{cell}")
        }
        _ => cell.to_owned(),
    }
}

fn rate(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{v:.1}"))
}

/// A median in days: whole, or with one decimal when halfway.
fn days(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    })
}

/// The CSV cells of a report line, in [`REPORT_COLUMNS`] order. Text cells are
/// neutralised; figures are ours and printed as numbers.
pub fn report_cells(l: &ReportLine) -> Vec<String> {
    let f = &l.figures;
    let mut cells = vec![
        neutralise(&l.programme),
        neutralise(&l.cohort),
        l.starts_on.to_string(),
        l.ends_on.to_string(),
        l.as_at.to_string(),
    ];
    for n in f.counts() {
        cells.push(n.to_string());
    }
    cells.push(rate(f.employment_rate));
    for k in 0..3 {
        cells.push(f.sustained[k].to_string());
        cells.push(f.due[k].to_string());
    }
    cells.push(f.progressed.to_string());
    cells.push(f.moved_to_clinical.to_string());
    cells.push(days(f.median_days_to_job));
    cells.push(rate(f.mean_attendance_rate));
    cells
}

/// A CSV writer over `out` that has written the header (and the BOM when asked for).
pub fn writer<W: Write>(mut out: W, header: &[&str], bom: bool) -> std::io::Result<csv::Writer<W>> {
    if bom {
        out.write_all(BOM)?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header)?;
    Ok(w)
}

/// The cohort report's JSON: the CSV columns as keys (numbers as numbers),
/// `outstanding_registers` (not a CSV column), then
/// `definitions` and `breakdowns` (counts of 1–4 as `"<5"` when `publishable`).
pub fn report_json(report: &CohortReport, publishable: bool) -> Value {
    let l = &report.line;
    let f = &l.figures;
    let mut map = Map::new();
    let cells = report_cells(l);
    for (column, cell) in REPORT_COLUMNS.iter().zip(&cells).take(5) {
        map.insert((*column).to_owned(), json!(cell));
    }
    map.insert("programme".into(), json!(l.programme));
    map.insert("cohort".into(), json!(l.cohort));
    for (column, n) in REPORT_COLUMNS[5..12].iter().zip(f.counts()) {
        map.insert((*column).to_owned(), json!(n));
    }
    map.insert("employment_rate".into(), json!(f.employment_rate));
    for (k, weeks) in [13, 26, 52].iter().enumerate() {
        map.insert(format!("sustained_{weeks}w"), json!(f.sustained[k]));
        map.insert(format!("due_{weeks}w"), json!(f.due[k]));
    }
    map.insert("progressed".into(), json!(f.progressed));
    map.insert("moved_to_clinical".into(), json!(f.moved_to_clinical));
    map.insert("median_days_to_job".into(), json!(f.median_days_to_job));
    map.insert("mean_attendance_rate".into(), json!(f.mean_attendance_rate));
    map.insert(
        "outstanding_registers".into(),
        json!(l.outstanding_registers),
    );
    let definitions: Map<String, Value> = DEFINITIONS
        .iter()
        .map(|(k, d)| ((*k).to_owned(), json!(d)))
        .collect();
    map.insert("definitions".into(), Value::Object(definitions));
    let count = |n: i64| -> Value {
        let text = published(n, publishable);
        text.parse::<i64>().map_or(json!(text), |v| json!(v))
    };
    let breakdowns: Map<String, Value> = report
        .breakdowns
        .iter()
        .map(|b| {
            let groups: Vec<Value> = b
                .groups
                .iter()
                .map(|g| {
                    json!({"group": g.label, "referred": count(g.figures.referred),
                        "started": count(g.figures.started), "completed": count(g.figures.completed),
                        "employed": count(g.figures.employed)})
                })
                .collect();
            (b.key.to_owned(), json!(groups))
        })
        .collect();
    map.insert("breakdowns".into(), Value::Object(breakdowns));
    Value::Object(map)
}

/// One participants-export row, in [`PARTICIPANT_COLUMNS`] order.
pub fn participant_cells(c: &CohortFacts, e: &EnrolmentFacts, o: &Outcome) -> Vec<String> {
    let job = o.job.map(|i| &e.jobs[i]);
    let in_post = |k: usize| match o.sustained[k] {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let latest = latest_position(&e.jobs);
    vec![
        e.participant_id.to_string(),
        neutralise(&e.given_name),
        neutralise(&e.family_name),
        neutralise(&e.postcode),
        e.imd_decile.map(|d| d.to_string()).unwrap_or_default(),
        e.stage.as_str().to_owned(),
        e.attended.to_string(),
        c.held.to_string(),
        rate(o.attendance_rate.map(super::figures::round1)),
        if o.completed { "yes" } else { "no" }.to_owned(),
        job.map(|j| j.start_date.to_string()).unwrap_or_default(),
        job.map(|j| neutralise(&j.employer)).unwrap_or_default(),
        job.map(|j| neutralise(&j.site)).unwrap_or_default(),
        job.map(|j| neutralise(&j.job_title)).unwrap_or_default(),
        job.map(|j| j.band.to_string()).unwrap_or_default(),
        in_post(0).to_owned(),
        in_post(1).to_owned(),
        in_post(2).to_owned(),
        o.progressions.to_string(),
        latest
            .as_ref()
            .map(|(t, _)| neutralise(t))
            .unwrap_or_default(),
        latest.map(|(_, b)| b.to_string()).unwrap_or_default(),
        date(e.interviewed_on),
        date(e.offered_on),
        date(e.withdrawn_on),
        e.withdrawal_reason
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
    ]
}

/// A date cell: `YYYY-MM-DD`, or empty when there is none.
fn date(value: Option<NaiveDate>) -> String {
    value.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes the participants export of `cohort_ids` as at `as_at`, reading a batch of
/// cohorts at a time so memory stays flat; `progress` hears each finished batch size.
pub fn write_participants<W: Write>(
    conn: &mut DbConnection,
    cohort_ids: &[i32],
    as_at: NaiveDate,
    w: &mut csv::Writer<W>,
    mut progress: impl FnMut(usize),
) -> crate::error::AppResult<()> {
    for batch in cohort_ids.chunks(BATCH) {
        let facts = facts::load(conn, batch, as_at)?;
        for (c, e, o) in outcomes(&facts, as_at) {
            w.write_record(participant_cells(c, e, &o))
                .map_err(|e| crate::error::AppError::Internal(e.into()))?;
        }
        w.flush()
            .map_err(|e| crate::error::AppError::Internal(e.into()))?;
        progress(batch.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_left_alone() {
        for bad in [
            "=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx", "\nx", "\0=1", ";=1", "|x", "%x",
        ] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        assert_eq!(neutralise("Siobhán"), "Siobhán");
        assert_eq!(neutralise("O'Connor"), "O'Connor");
        assert_eq!(days(Some(-3.0)), "-3");
        assert_eq!(days(Some(12.5)), "12.5");
    }
}
