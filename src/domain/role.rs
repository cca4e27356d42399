//! The four roles of PRODUCT.md and the one role → permission table every check reads.

use serde::Serialize;

use super::code_list::code_list;

code_list! {
    /// The four roles of PRODUCT.md, stored in `users.role` as their code.
    Role {
        /// Programme staff of the council, charity or college.
        Coordinator = "coordinator", "Coordinator";
        /// Employer HR (the hospital trust).
        Hr = "hr", "HR";
        /// Reads dashboards and reports; no edits.
        Manager = "manager", "Manager";
        /// System owner.
        Admin = "admin", "Admin";
    }
}

impl Role {
    /// What this role may do: the one table every check reads.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Coordinator => &[
                ViewProgrammes,
                ManageCohorts,
                ViewParticipants,
                EditParticipants,
                ViewEqualityData,
                TakeAttendance,
                ManageEnrolments,
                RecordEmployments,
                ViewReports,
                ExportData,
                ImportParticipants,
                SubjectAccess,
            ],
            Role::Hr => &[
                ViewProgrammes,
                ViewParticipants,
                RecordEmployments,
                ViewReports,
            ],
            Role::Manager => &[ViewProgrammes, ViewParticipants, ViewReports, ExportData],
            Role::Admin => Permission::ALL,
        }
    }
}

/// Things a role may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See programmes (of partner organisations).
    ViewProgrammes,
    /// Create and change programmes.
    ManageProgrammes,
    /// Create and change organisations.
    ManageOrganisations,
    /// Create users, change roles, disable accounts.
    ManageUsers,
    /// Create and change cohorts and their schedules.
    ManageCohorts,
    /// See residents on rosters.
    ViewParticipants,
    /// Create and change residents.
    EditParticipants,
    /// See equality monitoring at person level.
    ViewEqualityData,
    /// Take attendance registers.
    TakeAttendance,
    /// Enrol, move stages, withdraw, record interviews and offers.
    ManageEnrolments,
    /// Record job starts, ends, checkpoints and progressions.
    RecordEmployments,
    /// Read cohort and programme reports.
    ViewReports,
    /// Download CSV exports.
    ExportData,
    /// Import residents from CSV.
    ImportParticipants,
    /// Download everything held about a resident (subject access).
    SubjectAccess,
    /// Anonymise a resident (erasure); admins only.
    EraseParticipants,
}

impl Permission {
    /// Every permission (what an admin holds).
    pub const ALL: &'static [Permission] = &[
        Permission::ViewProgrammes,
        Permission::ManageProgrammes,
        Permission::ManageOrganisations,
        Permission::ManageUsers,
        Permission::ManageCohorts,
        Permission::ViewParticipants,
        Permission::EditParticipants,
        Permission::ViewEqualityData,
        Permission::TakeAttendance,
        Permission::ManageEnrolments,
        Permission::RecordEmployments,
        Permission::ViewReports,
        Permission::ExportData,
        Permission::ImportParticipants,
        Permission::SubjectAccess,
        Permission::EraseParticipants,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_and_managers_never_edit_or_see_equality_data() {
        for role in Role::ALL {
            let p = role.permissions();
            assert_eq!(p.contains(&Permission::ManageUsers), role == Role::Admin);
            assert_eq!(
                p.contains(&Permission::ManageOrganisations),
                role == Role::Admin
            );
            assert_eq!(
                p.contains(&Permission::ViewEqualityData),
                matches!(role, Role::Admin | Role::Coordinator)
            );
            assert_eq!(
                p.contains(&Permission::SubjectAccess),
                matches!(role, Role::Admin | Role::Coordinator)
            );
            assert_eq!(
                p.contains(&Permission::EraseParticipants),
                role == Role::Admin
            );
        }
        let manager = Role::Manager.permissions();
        assert!(!manager.contains(&Permission::EditParticipants));
        assert!(!manager.contains(&Permission::TakeAttendance));
        assert!(!manager.contains(&Permission::RecordEmployments));
        assert_eq!(Role::parse("hr"), Some(Role::Hr));
        assert_eq!(Role::parse("root"), None);
    }
}
