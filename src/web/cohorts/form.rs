//! The cohort form's fields, and turning them into the action's input.

use serde::Deserialize;

use crate::actions::cohorts::CohortInput;
use crate::actions::pickers::Choices;
use crate::error::FieldErrors;
use crate::models::{Cohort, Programme};
use crate::web::forms::DateBoxes;
use crate::web::picker::Picker;

/// Fields of the cohort form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CohortForm {
    pub(super) programme_id: String,
    pub(super) name: String,
    pub(super) starts_on_day: String,
    pub(super) starts_on_month: String,
    pub(super) starts_on_year: String,
    pub(super) weeks: String,
    pub(super) capacity: String,
    pub(super) venue: String,
    pub(super) status: String,
    /// The programme picker's search, kept through a refused submission.
    pub(super) programme_q: String,
}

impl CohortForm {
    /// A new cohort's form: six weeks, 25 places.
    pub fn blank() -> Self {
        Self {
            weeks: "6".into(),
            capacity: "25".into(),
            ..Self::default()
        }
    }

    /// The form with the programme picker's search.
    pub fn searching(self, programme_q: String) -> Self {
        Self {
            programme_q,
            ..self
        }
    }

    /// The form filled with a cohort.
    pub fn of(cohort: &Cohort) -> Self {
        let boxes = DateBoxes::of(Some(cohort.starts_on));
        Self {
            programme_id: cohort.programme_id.to_string(),
            name: cohort.name.clone(),
            starts_on_day: boxes.day,
            starts_on_month: boxes.month,
            starts_on_year: boxes.year,
            weeks: cohort.weeks.to_string(),
            capacity: cohort.capacity.to_string(),
            venue: cohort.venue.clone(),
            status: cohort.status.as_str().to_owned(),
            programme_q: String::new(),
        }
    }

    /// The input for the action, and the problems only the form can see.
    pub fn input(&self, creating: bool) -> (CohortInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let boxes = DateBoxes {
            day: self.starts_on_day.clone(),
            month: self.starts_on_month.clone(),
            year: self.starts_on_year.clone(),
        };
        let starts_on = boxes.to_iso("starts_on", "Start date", &mut errors);
        if boxes.is_blank() {
            errors.add("starts_on", "Enter the start date");
        }
        let weeks = number(&self.weeks, "weeks", "Weeks", &mut errors);
        let capacity = number(&self.capacity, "capacity", "Capacity", &mut errors);
        let input = CohortInput {
            programme_id: self.programme_id.trim().parse().ok(),
            name: Some(self.name.clone()),
            starts_on,
            weeks,
            capacity,
            venue: Some(self.venue.clone()),
            status: (!creating).then(|| self.status.clone()),
        };
        (input, errors)
    }
}

/// The programme picker of a new cohort's form: the actor's programmes, newest first, or
/// those matching the search, with the one chosen kept selected.
pub fn programme_picker(choices: Choices<Programme>, form: &CohortForm) -> Picker {
    Picker::new(
        ("programme_id", "programme_q"),
        ("Programme", "Choose a programme", "programmes"),
        choices,
        |p: &Programme| (p.id, p.name.clone()),
    )
    .searching("/cohorts/new", &form.programme_q, &[])
    .selecting(&form.programme_id)
}

/// A whole number from a box, `None` when blank; anything else is a problem.
fn number(value: &str, field: &str, what: &str, errors: &mut FieldErrors) -> Option<i32> {
    match value.trim() {
        "" => None,
        v => v
            .parse::<i32>()
            .map_err(|_| errors.add(field, format!("{what} must be a whole number")))
            .ok(),
    }
}
