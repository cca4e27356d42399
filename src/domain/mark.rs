//! Attendance marks on a register, and which of them count as attended.

use diesel::deserialize::FromSqlRow;
use diesel::expression::AsExpression;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};

use super::text_code::stored_as_text;

/// One person's mark for one session, stored as its code.
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
pub enum Mark {
    /// There on time.
    Present,
    /// There, late.
    Late,
    /// Away with a reason accepted.
    AuthorisedAbsence,
    /// Away without one.
    UnauthorisedAbsence,
}

stored_as_text!(Mark);

impl Mark {
    /// The four marks, in the order the register shows them.
    pub const ALL: [Mark; 4] = [
        Mark::Present,
        Mark::Late,
        Mark::AuthorisedAbsence,
        Mark::UnauthorisedAbsence,
    ];

    /// The marks that count as attended.
    pub const ATTENDED: [Mark; 2] = [Mark::Present, Mark::Late];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Late => "late",
            Mark::AuthorisedAbsence => "authorised_absence",
            Mark::UnauthorisedAbsence => "unauthorised_absence",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Mark::Present => "Present",
            Mark::Late => "Late",
            Mark::AuthorisedAbsence => "Authorised absence",
            Mark::UnauthorisedAbsence => "Unauthorised absence",
        }
    }

    /// Whether the mark counts as attended (present or late); absences of either kind
    /// make up runs of absence.
    pub fn is_attended(self) -> bool {
        Mark::ATTENDED.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_lateness_counts_as_attended() {
        for mark in Mark::ALL {
            assert_eq!(Mark::parse(mark.as_str()), Some(mark));
            assert_eq!(
                serde_json::to_value(mark).unwrap(),
                serde_json::json!(mark.as_str())
            );
        }
        assert!(Mark::Late.is_attended());
        assert!(!Mark::AuthorisedAbsence.is_attended());
        assert_eq!(Mark::parse("absent"), None);
    }
}
