//! Who the caller is and what they may do: roles, the role → permission table, the
//! [`CurrentUser`] extractor, passwords, sessions, API tokens and CSRF checks.
//!
//! Access is default-deny: a handler states the permission it needs with
//! [`CurrentUser::require`], and object-level checks (is this cohort in a programme the
//! caller's organisation partners in?) answer 404 for anything the caller may not see.

pub mod accounts;
pub mod csrf;
pub mod password;
pub mod session;
pub mod throttle;
pub mod tokens;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// The four roles of PRODUCT.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Programme staff of the council, charity or college.
    Coordinator,
    /// Employer HR (the hospital trust).
    Hr,
    /// Reads dashboards and reports; no edits.
    Manager,
    /// System owner.
    Admin,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Role; 4] = [Role::Coordinator, Role::Hr, Role::Manager, Role::Admin];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Hr => "hr",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Coordinator => "Coordinator",
            Role::Hr => "HR",
            Role::Manager => "Manager",
            Role::Admin => "Admin",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == code)
    }

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

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum AuthVia {
    /// A browser session cookie.
    Session {
        /// Hash of the session id (the stored key).
        id_hash: String,
        /// The session's CSRF token, put into every form.
        csrf_token: String,
    },
    /// An API bearer token.
    Token {
        /// The token's id.
        token_id: i32,
    },
}

/// The signed-in caller, resolved once per request by `session::authenticate`.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// User id.
    pub id: i32,
    /// Their organisation.
    pub organisation_id: i32,
    /// Their organisation's name.
    pub organisation_name: String,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// True while a temporary password is in force.
    pub must_change_password: bool,
    /// Session or token.
    pub via: AuthVia,
}

impl CurrentUser {
    /// Who is recording a job outcome: HR only at their own organisation.
    pub fn recorder(&self) -> crate::models::employment_input::Recorder {
        crate::models::employment_input::Recorder {
            actor: self.id,
            scope: self.scope(),
            employer_only: self.role == Role::Hr,
        }
    }

    /// Whether the role grants `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.permissions().contains(&permission)
    }

    /// `Ok` when the role grants `permission`, otherwise 403.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.can(permission) {
            Ok(())
        } else {
            tracing::info!(user_id = self.id, ?permission, "permission denied");
            Err(AppError::Forbidden)
        }
    }

    /// Admins see every organisation's objects.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The organisation whose partnerships limit what this user sees; `None` for admins.
    pub fn scope(&self) -> Option<i32> {
        (!self.is_admin()).then_some(self.organisation_id)
    }

    /// The CSRF token forms must carry (empty for token callers, who use no forms).
    pub fn csrf_token(&self) -> &str {
        match &self.via {
            AuthVia::Session { csrf_token, .. } => csrf_token,
            AuthVia::Token { .. } => "",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
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
