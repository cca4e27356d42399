//! Attendance marks on a register, and which of them count as attended.

use super::code_list::code_list;

code_list! {
    /// One person's mark for one session, stored as its code.
    Mark {
        /// There on time.
        Present = "present", "Present";
        /// There, late.
        Late = "late", "Late";
        /// Away with a reason accepted.
        AuthorisedAbsence = "authorised_absence", "Authorised absence";
        /// Away without one.
        UnauthorisedAbsence = "unauthorised_absence", "Unauthorised absence";
    }
}

impl Mark {
    /// The marks that count as attended.
    pub const ATTENDED: [Mark; 2] = [Mark::Present, Mark::Late];

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
