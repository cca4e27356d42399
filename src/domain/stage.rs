//! The stages an enrolment moves through and every rule that belongs to a stage: the
//! stored codes and labels, which stages hold a place in the cohort, which moves a
//! coordinator may make (and why not), and which stages the first attendance starts.
//! Also why a resident withdrew. Both are stored as TEXT with the codes below on SQLite
//! and PostgreSQL alike, and travel in JSON as the same codes.

use super::code_list::code_list;

code_list! {
    /// Where a resident is in a cohort.
    Stage {
        /// Referred to the cohort.
        Applied = "applied", "Referred";
        /// Offered a place.
        Accepted = "accepted", "Accepted";
        /// Attended at least once (or moved on by a coordinator from accepted).
        Started = "started", "Started";
        /// Finished the course.
        Completed = "completed", "Completed";
        /// Left, with a reason.
        Withdrawn = "withdrawn", "Withdrawn";
        /// Never came.
        NotStarted = "not_started", "Did not start";
    }
}

impl Stage {
    /// Whether an enrolment at this stage takes one of the cohort's places (and so is on
    /// its registers): everyone but those who withdrew or never started.
    pub fn holds_place(self) -> bool {
        !matches!(self, Stage::Withdrawn | Stage::NotStarted)
    }

    /// The stages that free a place, for queries that count places.
    pub fn releasing_place() -> Vec<Stage> {
        Stage::ALL
            .into_iter()
            .filter(|s| !s.holds_place())
            .collect()
    }

    /// Whether the first attendance moves an enrolment at this stage to `started`.
    pub fn starts_on_attendance(self) -> bool {
        matches!(self, Stage::Applied | Stage::Accepted)
    }

    /// The stages a coordinator may move an enrolment to from this one.
    pub fn next(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            Applied => &[Accepted, Withdrawn, NotStarted],
            Accepted => &[Applied, Started, Withdrawn, NotStarted],
            Started => &[Completed, Withdrawn],
            Completed => &[Started],
            Withdrawn => &[Applied, Accepted, Started],
            NotStarted => &[Applied, Accepted],
        }
    }

    /// Whether a coordinator may move an enrolment from this stage to `to` (staying put
    /// is always allowed); `Err` says why not, in words for the form.
    pub fn check_transition(self, to: Stage) -> Result<(), String> {
        if self == to || self.next().contains(&to) {
            return Ok(());
        }
        Err(match to {
            Stage::Completed => {
                "A resident cannot complete the course without starting it".to_owned()
            }
            Stage::Started => {
                "A resident starts when their first attendance is recorded, or from accepted"
                    .to_owned()
            }
            _ => format!(
                "A resident cannot move from {} to {}",
                self.label().to_lowercase(),
                to.label().to_lowercase()
            ),
        })
    }
}

code_list! {
    /// Why a resident withdrew, aligned with the ILR withdrawal reasons (reference/domain.md §4).
    WithdrawalReason {
        /// Left for a job.
        FoundEmployment = "found_employment", "Left for a job";
        /// Health, including mental health.
        Health = "health", "Health, including mental health";
        /// Caring responsibilities.
        CaringResponsibilities = "caring_responsibilities", "Caring responsibilities";
        /// Moved away.
        MovedAway = "moved_away", "Moved away";
        /// Financial reasons.
        Financial = "financial", "Financial reasons";
        /// Course not right for them.
        CourseNotSuitable = "course_not_suitable", "Course not right for them";
        /// Lost contact.
        LostContact = "lost_contact", "Lost contact";
        /// Excluded.
        Excluded = "excluded", "Excluded";
        /// Other personal reasons.
        Other = "other", "Other personal reasons";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: &str, to: &str) -> Result<(), String> {
        Stage::parse(from)
            .unwrap()
            .check_transition(Stage::parse(to).unwrap())
    }

    #[test]
    fn completing_needs_starting_and_withdrawal_can_be_undone() {
        assert!(check("applied", "accepted").is_ok());
        assert!(check("started", "completed").is_ok());
        assert_eq!(
            check("applied", "completed").unwrap_err(),
            "A resident cannot complete the course without starting it"
        );
        assert!(check("accepted", "completed").is_err());
        assert!(check("withdrawn", "accepted").is_ok());
        assert!(check("completed", "applied").is_err());
        assert!(check("started", "started").is_ok());
        assert_eq!(
            check("completed", "applied").unwrap_err(),
            "A resident cannot move from completed to referred"
        );
    }

    #[test]
    fn codes_round_trip_and_only_withdrawn_and_not_started_free_a_place() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for r in WithdrawalReason::ALL {
            assert_eq!(WithdrawalReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(
            Stage::releasing_place(),
            [Stage::Withdrawn, Stage::NotStarted]
        );
        assert_eq!(Stage::parse("unknown"), None);
    }
}
