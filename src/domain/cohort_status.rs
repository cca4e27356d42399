//! The statuses a cohort moves through, and the rules that hang on them: which cohorts
//! count as open (shown on the dashboard and a resident's page) and which take enrolments.

use super::code_list::code_list;

code_list! {
    /// A cohort's status, stored as its code.
    CohortStatus {
        /// Dates set, not yet recruiting.
        Planned = "planned", "Planned";
        /// Taking applications.
        Recruiting = "recruiting", "Recruiting";
        /// The course has begun.
        Running = "running", "Running";
        /// The course is over.
        Finished = "finished", "Finished";
        /// It will not run.
        Cancelled = "cancelled", "Cancelled";
    }
}

impl CohortStatus {
    /// Not yet over and not cancelled: the cohorts the dashboard and a resident's page list.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CohortStatus::Planned | CohortStatus::Recruiting | CohortStatus::Running
        )
    }

    /// Whether people can still be enrolled (or imported) into the cohort.
    pub fn accepts_enrolments(self) -> bool {
        !matches!(self, CohortStatus::Finished | CohortStatus::Cancelled)
    }

    /// The extra class of the status tag in lists: green while running, grey once over.
    pub fn tag_class(self) -> &'static str {
        match self {
            CohortStatus::Running => " tag--green",
            CohortStatus::Finished | CohortStatus::Cancelled => " tag--grey",
            CohortStatus::Planned | CohortStatus::Recruiting => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_only_live_cohorts_take_enrolments() {
        for status in CohortStatus::ALL {
            assert_eq!(CohortStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.as_str())
            );
        }
        assert_eq!(CohortStatus::parse("open"), None);
        assert!(CohortStatus::Recruiting.accepts_enrolments());
        assert!(!CohortStatus::Finished.accepts_enrolments());
        assert!(CohortStatus::Running.is_open());
        assert!(!CohortStatus::Cancelled.is_open());
    }
}
