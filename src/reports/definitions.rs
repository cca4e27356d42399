//! The definition of every figure, printed beside it on the page, in the JSON and in
//! `docs/REPORTS.md`. Keyed by the cohort report's CSV column names, then the figures
//! the pages and the JSON show that are not CSV columns.

/// (column, definition), in column order, then the figures that are not columns.
pub const DEFINITIONS: &[(&str, &str)] = &[
    (
        "as_at",
        "The date the report is run as at: everything recorded as happening after it is ignored. Dates are calendar dates in Europe/London.",
    ),
    (
        "referred",
        "Enrolments in the cohort made by the as-at date, any stage. Counts are people, not records.",
    ),
    (
        "started",
        "Enrolments with at least one attended session (present or late) by the as-at date.",
    ),
    (
        "completed",
        "Started, the cohort's last session is on or before the as-at date, and attended at least the programme's completion threshold of the sessions held (registers taken); or stage set to completed by a coordinator.",
    ),
    (
        "withdrawn",
        "Started, then withdrawn (with a reason) by the as-at date.",
    ),
    (
        "interviewed",
        "Enrolments with an interview date on or before the as-at date.",
    ),
    (
        "offered",
        "Enrolments with a job offer date on or before the as-at date.",
    ),
    (
        "employed",
        "Started enrolments with a job attributed to them that began on or after the cohort's start date, within 26 weeks of its last session, and by the as-at date.",
    ),
    (
        "employment_rate",
        "Employed ÷ started, as a percentage with one decimal.",
    ),
    (
        "sustained_13w",
        "Among employed people whose job start + 13 weeks is on or before the as-at date (due), those still in that job at start + 13 weeks (no end date before it).",
    ),
    (
        "due_13w",
        "Employed people whose job start + 13 weeks is on or before the as-at date.",
    ),
    (
        "sustained_26w",
        "As sustained at 13 weeks, at start + 26 weeks.",
    ),
    (
        "due_26w",
        "Employed people whose job start + 26 weeks is on or before the as-at date.",
    ),
    (
        "sustained_52w",
        "As sustained at 13 weeks, at start + 52 weeks.",
    ),
    (
        "due_52w",
        "Employed people whose job start + 52 weeks is on or before the as-at date.",
    ),
    (
        "progressed",
        "Employed people with at least one progression (band increase, role or staff group change, apprenticeship, qualification) by the as-at date.",
    ),
    (
        "moved_to_clinical",
        "Employed people with a progression into a clinical staff group (additional clinical services, or nursing and midwifery) by the as-at date.",
    ),
    (
        "median_days_to_job",
        "Median of (job start − the cohort's last session) in days, employed people only; negative when the job began before the course ended.",
    ),
    (
        "mean_attendance_rate",
        "Attended ÷ held sessions per started enrolment (sessions on or before the as-at date, not cancelled, whose register was taken), averaged over started enrolments, as a percentage with one decimal.",
    ),
    (
        "outstanding_registers",
        "Sessions before the as-at date, not cancelled, whose register has not been taken. They count neither as attended nor as missed, so the figures above can change when they are taken. Not a CSV column.",
    ),
    (
        "outcome_window",
        "A cohort's outcome window closes 26 weeks after its last session, the time a job has to start in to count as employed. Judged as at the report's date: closed once that day is on or before the as-at date, when no later job can count and the employment rate is final; open until then. Not a CSV column.",
    ),
    (
        "TOTAL_CLOSED",
        "The programme report's row over the cohorts whose outcome window has closed as at the date, after the TOTAL row over every cohort. Its counts and rates are worked out from the people of those cohorts; the headline rate and the charts use it, so a cohort still running does not drag them down.",
    ),
];

/// The definition of a column, or an empty string.
pub fn definition(column: &str) -> &'static str {
    DEFINITIONS
        .iter()
        .find(|(c, _)| *c == column)
        .map_or("", |(_, d)| d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn docs_reports_carries_every_definition_word_for_word() {
        let docs = include_str!("../../docs/REPORTS.md");
        for (column, definition) in super::DEFINITIONS {
            assert!(
                docs.contains(&format!("| `{column}` | {definition} |")),
                "docs/REPORTS.md lacks the definition of {column}"
            );
        }
    }
}
