//! The person doing something, as every action sees them: who, in which role, limited to
//! which organisation's partnerships, and the date and instant the action happens at.
//!
//! Built once per request by the web and API extractor (`crate::extract`), and by the
//! command line for `--as`, so no handler reads the clock or the scope itself.

use chrono::{NaiveDate, NaiveDateTime};

use super::role::{Permission, Role};
use crate::error::{AppError, AppResult};

/// Who is acting, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The user's id (what audit rows name).
    pub user_id: i32,
    /// Their role.
    pub role: Role,
    /// Their organisation.
    pub organisation_id: i32,
    /// Today in Europe/London, the date every rule uses.
    pub today: NaiveDate,
    /// The instant, UTC, as stored.
    pub now: NaiveDateTime,
}

impl Actor {
    /// Whether the role grants `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.permissions().contains(&permission)
    }

    /// `Ok` when the role grants `permission`, otherwise 403.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.can(permission) {
            Ok(())
        } else {
            tracing::info!(user_id = self.user_id, ?permission, "permission denied");
            Err(AppError::Forbidden)
        }
    }

    /// Admins see every organisation's objects.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The organisation whose partnerships limit what this actor sees; `None` for admins.
    pub fn scope(&self) -> Option<i32> {
        (!self.is_admin()).then_some(self.organisation_id)
    }

    /// HR record jobs only at their own organisation (as employer).
    pub fn employer_only(&self) -> bool {
        self.role == Role::Hr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: 7,
            role,
            organisation_id: 3,
            today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            now: NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        }
    }

    #[test]
    fn admins_are_unscoped_and_hr_records_only_as_employer() {
        assert_eq!(actor(Role::Admin).scope(), None);
        assert_eq!(actor(Role::Coordinator).scope(), Some(3));
        assert!(actor(Role::Hr).employer_only());
        assert!(!actor(Role::Coordinator).employer_only());
        assert!(
            actor(Role::Manager)
                .require(Permission::RecordEmployments)
                .is_err()
        );
        assert!(
            actor(Role::Hr)
                .require(Permission::RecordEmployments)
                .is_ok()
        );
    }
}
