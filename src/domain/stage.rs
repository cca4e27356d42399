//! The stages an enrolment moves through and every rule that belongs to a stage: the
//! stored codes and labels, which stages hold a place in the cohort, which moves a
//! coordinator may make (and why not), and which stages the first attendance starts.
//! Also why a resident withdrew. Both are stored as TEXT with the codes below on SQLite
//! and PostgreSQL alike, and travel in JSON as the same codes.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};

/// Stores an enum of codes as TEXT on every backend diesel knows (SQLite and PostgreSQL),
/// reading back only the codes `parse` accepts.
macro_rules! text_codes {
    ($name:ident) => {
        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let code = String::from_sql(bytes)?;
                $name::parse(&code)
                    .ok_or_else(|| format!("unknown {} code {code:?}", stringify!($name)).into())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

/// Where a resident is in a cohort.
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
pub enum Stage {
    /// Referred to the cohort.
    Applied,
    /// Offered a place.
    Accepted,
    /// Attended at least once (or moved on by a coordinator from accepted).
    Started,
    /// Finished the course.
    Completed,
    /// Left, with a reason.
    Withdrawn,
    /// Never came.
    NotStarted,
}

text_codes!(Stage);

impl Stage {
    /// Every stage, in the order a person moves through them (and forms list them).
    pub const ALL: [Stage; 6] = [
        Stage::Applied,
        Stage::Accepted,
        Stage::Started,
        Stage::Completed,
        Stage::Withdrawn,
        Stage::NotStarted,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Applied => "applied",
            Stage::Accepted => "accepted",
            Stage::Started => "started",
            Stage::Completed => "completed",
            Stage::Withdrawn => "withdrawn",
            Stage::NotStarted => "not_started",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Applied => "Applied",
            Stage::Accepted => "Accepted",
            Stage::Started => "Started",
            Stage::Completed => "Completed",
            Stage::Withdrawn => "Withdrawn",
            Stage::NotStarted => "Did not start",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == code)
    }

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

/// Why a resident withdrew, aligned with the ILR withdrawal reasons (reference/domain.md §4).
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
pub enum WithdrawalReason {
    /// Left for a job.
    FoundEmployment,
    /// Health, including mental health.
    Health,
    /// Caring responsibilities.
    CaringResponsibilities,
    /// Moved away.
    MovedAway,
    /// Financial reasons.
    Financial,
    /// Course not right for them.
    CourseNotSuitable,
    /// Lost contact.
    LostContact,
    /// Excluded.
    Excluded,
    /// Other personal reasons.
    Other,
}

text_codes!(WithdrawalReason);

impl WithdrawalReason {
    /// Every reason, in the order forms list them.
    pub const ALL: [WithdrawalReason; 9] = [
        WithdrawalReason::FoundEmployment,
        WithdrawalReason::Health,
        WithdrawalReason::CaringResponsibilities,
        WithdrawalReason::MovedAway,
        WithdrawalReason::Financial,
        WithdrawalReason::CourseNotSuitable,
        WithdrawalReason::LostContact,
        WithdrawalReason::Excluded,
        WithdrawalReason::Other,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        use WithdrawalReason::*;
        match self {
            FoundEmployment => "found_employment",
            Health => "health",
            CaringResponsibilities => "caring_responsibilities",
            MovedAway => "moved_away",
            Financial => "financial",
            CourseNotSuitable => "course_not_suitable",
            LostContact => "lost_contact",
            Excluded => "excluded",
            Other => "other",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        use WithdrawalReason::*;
        match self {
            FoundEmployment => "Left for a job",
            Health => "Health, including mental health",
            CaringResponsibilities => "Caring responsibilities",
            MovedAway => "Moved away",
            Financial => "Financial reasons",
            CourseNotSuitable => "Course not right for them",
            LostContact => "Lost contact",
            Excluded => "Excluded",
            Other => "Other personal reasons",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<WithdrawalReason> {
        WithdrawalReason::ALL
            .into_iter()
            .find(|r| r.as_str() == code)
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
            "A resident cannot move from completed to applied"
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
