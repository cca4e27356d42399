//! The plain-text form of the reports, for the command line: the headline, then each
//! figure with its definition.

use std::fmt::Write;

use super::definitions::definition;
use super::export::{REPORT_COLUMNS, report_cells};
use super::report::{CohortReport, ReportLine, TOTAL, TOTAL_CLOSED};

/// A cohort report as text.
pub fn cohort_text(report: &CohortReport) -> String {
    let l = &report.line;
    let mut out = String::new();
    let _ = writeln!(out, "Cohort report: {}", l.cohort);
    let _ = writeln!(out, "Programme: {}", l.programme);
    let _ = writeln!(
        out,
        "Course: {} to {}; as at {}",
        l.starts_on, l.ends_on, l.as_at
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", l.headline());
    let _ = writeln!(out);
    figures(&mut out, l);
    for b in &report.breakdowns {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "By {} (referred / started / employed)",
            b.title.to_lowercase()
        );
        for g in &b.groups {
            let f = &g.figures;
            let _ = writeln!(
                out,
                "  {:<44} {:>4} {:>4} {:>4}",
                g.label, f.referred, f.started, f.employed
            );
        }
    }
    out
}

fn figures(out: &mut String, l: &ReportLine) {
    let cells = report_cells(l);
    for (column, cell) in REPORT_COLUMNS.iter().zip(&cells).skip(5) {
        let shown = if cell.is_empty() { "-" } else { cell };
        let _ = writeln!(out, "{column:<22} {shown:>7}  {}", definition(column));
    }
    let column = "outstanding_registers";
    let n = l.outstanding_registers;
    let _ = writeln!(out, "{column:<22} {n:>7}  {}", definition(column));
}

/// A programme report as text: one block per line (the totals last); an open cohort
/// says until when its outcome window runs, and each total says what it covers.
pub fn programme_text(lines: &[ReportLine]) -> String {
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(
            out,
            "{}: {} ({} to {}; as at {})",
            l.programme, l.cohort, l.starts_on, l.ends_on, l.as_at
        );
        let _ = writeln!(out, "  {}", l.headline());
        let _ = writeln!(out, "  {}", window_text(l));
    }
    out
}

/// What a line's outcome window says: open until when, closed, or which cohorts a total
/// covers.
pub fn window_text(l: &ReportLine) -> String {
    match l.cohort.as_str() {
        TOTAL => "Every cohort above, open or closed.".to_owned(),
        TOTAL_CLOSED => format!(
            "The cohorts whose outcome window had closed by {}: the headline rate.",
            l.as_at
        ),
        _ if l.closed() => format!("Outcome window closed on {}.", l.window_closes_on()),
        _ => format!(
            "Outcome window open until {}: the rate can still rise.",
            l.window_closes_on()
        ),
    }
}
