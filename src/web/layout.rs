//! What every page's frame needs: the title, the signed-in user and the navigation for
//! their role.

use crate::auth::{CurrentUser, Permission};

/// The top-level sections of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Home.
    Dashboard,
    /// Programmes.
    Programmes,
    /// Cohorts, their schedules and registers.
    Cohorts,
    /// Residents.
    Residents,
    /// Cohort and programme reports.
    Reports,
    /// The checkpoints work queue.
    Checkpoints,
    /// Admin pages.
    Admin,
    /// The user's own account.
    Account,
    /// Pages outside the navigation (sign in, errors).
    None,
}

/// One navigation link.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Target.
    pub href: &'static str,
    /// Text.
    pub label: &'static str,
    /// Whether it is the current section.
    pub current: bool,
}

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Page title, before " – Pathways".
    pub title: String,
    /// True when the page shows form errors (the title then starts "Error: ").
    pub has_errors: bool,
    /// The signed-in user.
    pub user: Option<CurrentUser>,
    /// The current section.
    pub section: Section,
}

impl Layout {
    /// A page for a signed-in user.
    pub fn new(title: impl Into<String>, user: &CurrentUser, section: Section) -> Self {
        Self {
            title: title.into(),
            has_errors: false,
            user: Some(user.clone()),
            section,
        }
    }

    /// A page for someone not signed in.
    pub fn anonymous(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            has_errors: false,
            user: None,
            section: Section::None,
        }
    }

    /// Marks the page as showing form errors.
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }

    /// The CSRF token for this page's forms.
    pub fn csrf_token(&self) -> &str {
        self.user.as_ref().map_or("", CurrentUser::csrf_token)
    }

    /// The navigation for the user's role: only sections they can use.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let mut items = vec![(Section::Dashboard, "/", "Dashboard")];
        if user.can(Permission::ViewProgrammes) {
            items.push((Section::Cohorts, "/cohorts", "Cohorts"));
        }
        if user.can(Permission::ViewParticipants) {
            items.push((Section::Residents, "/participants", "Residents"));
        }
        if user.can(Permission::RecordEmployments) {
            items.push((Section::Checkpoints, "/checkpoints", "Checkpoints due"));
        }
        if user.can(Permission::ViewProgrammes) {
            items.push((Section::Programmes, "/programmes", "Programmes"));
        }
        if user.can(Permission::ViewReports) {
            items.push((Section::Reports, "/reports", "Reports"));
        }
        if user.can(Permission::ManageUsers) {
            items.push((Section::Admin, "/admin/users", "Admin"));
        }
        items.push((Section::Account, "/account", "Your account"));
        items
            .into_iter()
            .map(|(section, href, label)| NavItem {
                href,
                label,
                current: section == self.section,
            })
            .collect()
    }
}
