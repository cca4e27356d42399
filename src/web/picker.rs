//! A picker: a select offering the relevant few (see `actions::pickers`) and, beside it, a
//! search for the rest. The search is a plain GET form on the same page (`?cohort_q=…`)
//! that shows the page again with the matches in the select, so it works without
//! JavaScript; it keeps the page's other searches and filters, never a CSRF token (the
//! select's own form still posts the chosen id). Rendered by `partials/picker.html`.

use serde::Deserialize;

use crate::actions::pickers::{CHOICES, Choices};

/// The searches a page's pickers read from its query string (blank when absent).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Searches {
    /// The cohort picker's search.
    pub cohort_q: String,
    /// The information session picker's search.
    pub session_q: String,
    /// The programme picker's search.
    pub programme_q: String,
}

/// One picker, as its partial renders it.
#[derive(Debug, Clone)]
pub struct Picker {
    /// The select's name and id, as the form posts it (`cohort_id`).
    pub field: &'static str,
    /// The select's label.
    pub label: &'static str,
    /// The first, empty option ("Choose a cohort").
    pub placeholder: &'static str,
    /// What the rows are, in the plural ("cohorts"), for the search's label and answers.
    pub noun: &'static str,
    /// The search's query parameter and input id (`cohort_q`).
    pub param: &'static str,
    /// Where the search goes: the page itself, with a fragment to come back to.
    pub action: String,
    /// The search as typed.
    pub search: String,
    /// Id and text of each option.
    pub options: Vec<(i32, String)>,
    /// The option to show selected.
    pub selected: Option<i32>,
    /// Whether more rows matched than are offered.
    pub more: bool,
    /// Other query parameters the search keeps (the page's other searches and filters).
    pub keep: Vec<(&'static str, String)>,
}

impl Picker {
    /// A picker posting `field`, searching with `param`, offering `choices` as `option`
    /// words them.
    pub fn new<T>(
        (field, param): (&'static str, &'static str),
        (label, placeholder, noun): (&'static str, &'static str, &'static str),
        choices: Choices<T>,
        option: impl Fn(&T) -> (i32, String),
    ) -> Self {
        Picker {
            field,
            label,
            placeholder,
            noun,
            param,
            action: String::new(),
            search: String::new(),
            options: choices.items.iter().map(option).collect(),
            selected: None,
            more: choices.more,
            keep: Vec::new(),
        }
    }

    /// The picker with its search going to `action`, showing `search` as typed and keeping
    /// `keep` (blank values are left out).
    pub fn searching(
        mut self,
        action: impl Into<String>,
        search: &str,
        keep: &[(&'static str, &str)],
    ) -> Self {
        self.action = action.into();
        self.search = search.trim().to_owned();
        self.keep = keep
            .iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(name, value)| (*name, value.trim().to_owned()))
            .collect();
        self
    }

    /// The picker with the option `id` selected (when it is a number).
    pub fn selecting(mut self, id: &str) -> Self {
        self.selected = id.trim().parse().ok();
        self
    }

    /// Whether option `id` is the selected one.
    pub fn is_selected(&self, id: &i32) -> bool {
        self.selected == Some(*id)
    }

    /// Whether the options are what a search found.
    pub fn searched(&self) -> bool {
        !self.search.is_empty()
    }

    /// The most options offered at once.
    pub fn limit(&self) -> i64 {
        CHOICES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_filled_parameters_and_selects_by_id() {
        let choices = Choices {
            items: vec![3, 5],
            more: true,
        };
        let picker = Picker::new(
            ("cohort_id", "cohort_q"),
            ("Cohort", "Choose a cohort", "cohorts"),
            choices,
            |n| (*n, format!("Cohort {n}")),
        )
        .searching(
            "/participants/1#enrolments",
            " spring ",
            &[("session_q", " "), ("x", "y")],
        )
        .selecting("5");
        assert_eq!(picker.search, "spring");
        assert_eq!(picker.keep, vec![("x", "y".to_owned())]);
        assert!(picker.is_selected(&5) && !picker.is_selected(&3));
        assert_eq!(picker.options[0], (3, "Cohort 3".to_owned()));
        assert!(picker.more && picker.searched());
    }
}
