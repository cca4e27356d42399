//! The fixed code lists of a job: its staff group, contract and why it ended. Each is
//! stored as TEXT with the same code on both databases; the code strings live only here.

use super::code_list::code_list;

code_list! {
    /// An NHS staff group.
    StaffGroup {
        /// Estates and facilities.
        EstatesAndFacilities = "estates_and_facilities", "Estates and facilities";
        /// Administrative and clerical.
        AdminAndClerical = "admin_and_clerical", "Administrative and clerical";
        /// Additional clinical services.
        AdditionalClinicalServices = "additional_clinical_services", "Additional clinical services";
        /// Nursing and midwifery.
        NursingAndMidwifery = "nursing_and_midwifery", "Nursing and midwifery";
        /// Any other group.
        Other = "other", "Other";
    }
}

impl StaffGroup {
    /// Staff groups that count as clinical for "moved to a clinical role".
    pub fn is_clinical(self) -> bool {
        matches!(
            self,
            Self::AdditionalClinicalServices | Self::NursingAndMidwifery
        )
    }
}

code_list! {
    /// A contract type.
    Contract {
        /// Permanent.
        Permanent = "permanent", "Permanent";
        /// Fixed term.
        FixedTerm = "fixed_term", "Fixed term";
        /// Bank.
        Bank = "bank", "Bank";
        /// Apprenticeship.
        Apprenticeship = "apprenticeship", "Apprenticeship";
    }
}

code_list! {
    /// Why a job ended.
    EndReason {
        /// Resigned.
        Resigned = "resigned", "Resigned";
        /// Dismissed.
        Dismissed = "dismissed", "Dismissed";
        /// The contract ended.
        EndOfContract = "end_of_contract", "End of contract";
        /// Moved to another employer.
        MovedEmployer = "moved_employer", "Moved to another employer";
        /// Any other reason.
        Other = "other", "Other";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_and_serde_uses_them() {
        for g in StaffGroup::ALL {
            assert_eq!(StaffGroup::parse(g.as_str()), Some(g));
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
        }
        for c in Contract::ALL {
            assert_eq!(Contract::parse(c.as_str()), Some(c));
        }
        for r in EndReason::ALL {
            assert_eq!(EndReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(StaffGroup::parse("nursing"), None);
    }
}
