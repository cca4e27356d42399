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

    /// The title for `<title>`, which cannot hold markup: bidirectional controls typed
    /// into a name are dropped, and a title with right-to-left text is isolated (U+2068 …
    /// U+2069) so it cannot reorder the " – Pathways" after it.
    pub fn head_title(&self) -> String {
        let title: String = self
            .title
            .chars()
            .filter(|c| !is_bidi_control(*c))
            .collect();
        if title.len() != self.title.len() || title.chars().any(is_right_to_left) {
            format!("\u{2068}{title}\u{2069}")
        } else {
            title
        }
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

/// The explicit bidirectional formatting characters: marks, embeddings, overrides and
/// isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
/// presentation forms, and the historic scripts above U+10800).
fn is_right_to_left(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}' | '\u{10800}'..='\u{10fff}' | '\u{1e800}'..='\u{1efff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_titles_cannot_reorder_what_follows() {
        assert_eq!(Layout::anonymous("Residents").head_title(), "Residents");
        assert_eq!(
            Layout::anonymous("Amina\u{202e}Khan").head_title(),
            "\u{2068}AminaKhan\u{2069}"
        );
        assert_eq!(
            Layout::anonymous("أمينة خان").head_title(),
            "\u{2068}أمينة خان\u{2069}"
        );
    }
}
