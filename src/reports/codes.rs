//! The codes that CSV files, the JSON API and the demo's fixture files carry (machines
//! read them, so they never change), each with the label the pages show for it. Read from
//! the domain's code lists themselves, and `docs/REPORTS.md` holds exactly
//! [`markdown`]'s text (a test checks it), so the documented labels cannot drift from the
//! ones people see.

use std::fmt::Write;

use crate::domain::checkpoint::{CheckpointOutcome, CheckpointStatus};
use crate::domain::employment::{Contract, EndReason, StaffGroup};
use crate::domain::progression::ProgressionKind;
use crate::domain::resident::{BenefitStatus, EmploymentStatus, LawfulBasis};
use crate::domain::{CohortStatus, Mark, Role, Stage, WithdrawalReason};

/// One code list as documented: its heading, where its codes appear, and its
/// (code, label) pairs in the order forms offer them.
pub struct CodeList {
    /// Heading, e.g. "Stage".
    pub name: &'static str,
    /// The columns and fields that carry it.
    pub found_in: &'static str,
    /// (code, label) pairs.
    pub codes: Vec<(&'static str, &'static str)>,
}

fn list(
    name: &'static str,
    found_in: &'static str,
    codes: &[(&'static str, &'static str)],
) -> CodeList {
    CodeList {
        name,
        found_in,
        codes: codes.to_vec(),
    }
}

/// Every code list, in the order `docs/REPORTS.md` lists them.
pub fn code_lists() -> Vec<CodeList> {
    let statuses = [
        CheckpointStatus::NotYetDue,
        CheckpointStatus::Due,
        CheckpointStatus::Overdue,
    ]
    .into_iter()
    .chain(CheckpointOutcome::ALL.map(CheckpointStatus::Recorded))
    .map(|s| (s.as_str(), s.label()))
    .collect::<Vec<_>>();
    vec![
        list(
            "Stage",
            "`stage` in `participants.csv`; enrolments in the API",
            Stage::OPTIONS,
        ),
        list(
            "Withdrawal reason",
            "`withdrawal_reason` in `participants.csv`; enrolments in the API",
            WithdrawalReason::OPTIONS,
        ),
        list(
            "Staff group",
            "jobs and progressions in the API; `employments.csv` and `progressions.csv` of the demo",
            StaffGroup::OPTIONS,
        ),
        list(
            "Contract",
            "jobs in the API; `employments.csv` of the demo",
            Contract::OPTIONS,
        ),
        list(
            "Why a job ended",
            "jobs in the API; `employments.csv` of the demo",
            EndReason::OPTIONS,
        ),
        list(
            "Checkpoint status",
            "checkpoints in the API (a recorded outcome, or where an unrecorded one stands)",
            &statuses,
        ),
        list(
            "Progression kind",
            "progressions in the API; `progressions.csv` of the demo",
            ProgressionKind::OPTIONS,
        ),
        list("Attendance mark", "registers in the API", Mark::OPTIONS),
        list(
            "Cohort status",
            "cohorts in the API; `cohorts.csv` of the demo",
            CohortStatus::OPTIONS,
        ),
        list(
            "Employment status",
            "residents in the API",
            EmploymentStatus::OPTIONS,
        ),
        list("Benefits", "residents in the API", BenefitStatus::OPTIONS),
        list("Lawful basis", "residents in the API", LawfulBasis::OPTIONS),
        list(
            "Role",
            "users in the API; `users.csv` of the demo",
            Role::OPTIONS,
        ),
    ]
}

/// The "Codes and their labels" tables exactly as `docs/REPORTS.md` holds them.
pub fn markdown() -> String {
    let mut out = String::new();
    for l in code_lists() {
        let _ = writeln!(out, "### {}\n\nWhere: {}.\n", l.name, l.found_in);
        let _ = writeln!(out, "| code | label |\n|---|---|");
        for (code, label) in &l.codes {
            let _ = writeln!(out, "| `{code}` | {label} |");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    const START: &str = "<!-- codes: start -->\n";
    const END: &str = "<!-- codes: end -->";

    /// `docs/REPORTS.md` lists every code with its label as the code lists have them;
    /// `PATHWAYS_BLESS=1` rewrites the section from the code lists.
    #[test]
    fn docs_reports_lists_every_code_with_its_label() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/REPORTS.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let (before, rest) = docs.split_once(START).expect("the codes section's start");
        let (section, after) = rest.split_once(END).expect("the codes section's end");
        let expected = format!("\n{}", super::markdown());
        if std::env::var("PATHWAYS_BLESS").is_ok_and(|v| v == "1") {
            std::fs::write(path, format!("{before}{START}{expected}{END}{after}")).unwrap();
            return;
        }
        assert_eq!(
            section, expected,
            "docs/REPORTS.md's codes differ from the code lists; PATHWAYS_BLESS=1 rewrites them"
        );
    }
}
