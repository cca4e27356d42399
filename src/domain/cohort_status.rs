//! The statuses a cohort moves through, and the rules that hang on them: which cohorts
//! count as open (shown on the dashboard and a resident's page) and which take enrolments.

use diesel::deserialize::FromSqlRow;
use diesel::expression::AsExpression;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};

use super::text_code::stored_as_text;

/// A cohort's status, stored as its code.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    AsExpression,
    FromSqlRow,
    utoipa::ToSchema,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum CohortStatus {
    /// Dates set, not yet recruiting.
    Planned,
    /// Taking applications.
    Recruiting,
    /// The course has begun.
    Running,
    /// The course is over.
    Finished,
    /// It will not run.
    Cancelled,
}

stored_as_text!(CohortStatus);

impl CohortStatus {
    /// Every status, in the order forms list them.
    pub const ALL: [CohortStatus; 5] = [
        CohortStatus::Planned,
        CohortStatus::Recruiting,
        CohortStatus::Running,
        CohortStatus::Finished,
        CohortStatus::Cancelled,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            CohortStatus::Planned => "planned",
            CohortStatus::Recruiting => "recruiting",
            CohortStatus::Running => "running",
            CohortStatus::Finished => "finished",
            CohortStatus::Cancelled => "cancelled",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            CohortStatus::Planned => "Planned",
            CohortStatus::Recruiting => "Recruiting",
            CohortStatus::Running => "Running",
            CohortStatus::Finished => "Finished",
            CohortStatus::Cancelled => "Cancelled",
        }
    }

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
