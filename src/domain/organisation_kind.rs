//! The kinds of partner organisation, stored as TEXT under the same codes on both
//! databases; the code strings live only here.

use super::code_list::code_list;

code_list! {
    /// The kinds of organisation a programme brings together.
    OrganisationKind {
        /// Local authority.
        Council = "council", "Council";
        /// NHS hospital trust.
        NhsTrust = "nhs_trust", "NHS trust";
        /// Further education college.
        College = "college", "College";
        /// Local charity.
        Charity = "charity", "Charity";
        /// Any other employer.
        Employer = "employer", "Employer";
        /// Anything else.
        Other = "other", "Other";
    }
}
