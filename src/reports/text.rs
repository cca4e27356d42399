//! The plain-text form of the reports, for the command line: the headline, then each
//! figure with its definition.

use std::fmt::Write;

use super::definitions::definition;
use super::export::{REPORT_COLUMNS, report_cells};
use super::report::{CohortReport, ReportLine};

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

/// A programme report as text: one block per line.
pub fn programme_text(lines: &[ReportLine]) -> String {
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(
            out,
            "{}: {} ({} to {}; as at {})",
            l.programme, l.cohort, l.starts_on, l.ends_on, l.as_at
        );
        let _ = writeln!(out, "  {}", l.headline());
    }
    out
}
