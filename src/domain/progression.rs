//! The kinds of progression step, stored as TEXT under the same codes on both databases;
//! the code strings live only here.

use super::code_list::code_list;

code_list! {
    /// A kind of career step on a job.
    ProgressionKind {
        /// The band went up (it must rise).
        BandIncrease = "band_increase", "Band increase";
        /// A new role.
        RoleChange = "role_change", "Role change";
        /// A move to another staff group (it must change).
        StaffGroupChange = "staff_group_change", "Staff group change";
        /// An apprenticeship began.
        ApprenticeshipStart = "apprenticeship_start", "Apprenticeship started";
        /// A qualification was gained.
        Qualification = "qualification", "Qualification gained";
    }
}
