//! Helpers shared by the web forms: three-box dates, and turning field errors from the
//! model layer into the ids the form shows.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::error::FieldErrors;
use crate::validate;

/// A date typed in day, month and year boxes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DateBoxes {
    /// Day box.
    pub day: String,
    /// Month box.
    pub month: String,
    /// Year box.
    pub year: String,
}

impl DateBoxes {
    /// The boxes showing `date`.
    pub fn of(date: Option<NaiveDate>) -> Self {
        date.map_or_else(Self::default, |d| Self {
            day: d.day().to_string(),
            month: d.month().to_string(),
            year: d.year().to_string(),
        })
    }

    /// True when all three boxes are empty.
    pub fn is_blank(&self) -> bool {
        self.day.trim().is_empty() && self.month.trim().is_empty() && self.year.trim().is_empty()
    }

    /// The date as `YYYY-MM-DD` for the model layer; a problem is added to `errors` under
    /// `field`. Blank boxes give `None` (the model decides whether that is allowed).
    pub fn to_iso(&self, field: &str, what: &str, errors: &mut FieldErrors) -> Option<String> {
        if self.is_blank() {
            return None;
        }
        match validate::date_parts(&self.day, &self.month, &self.year, what) {
            Ok(d) => Some(d.to_string()),
            Err(message) => {
                errors.add(field, message);
                None
            }
        }
    }
}

/// Merges model-layer field errors into the form's, keeping the form's first.
pub fn merge(mut form: FieldErrors, model: FieldErrors) -> FieldErrors {
    for (field, message) in model.iter() {
        form.add(field, message.clone());
    }
    form
}

/// The status of a form page: 200, or 422 when it shows problems.
pub fn status_for(errors: &FieldErrors) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}
