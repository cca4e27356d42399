//! The fields of the three forms on the employment page, as typed, and what they submit
//! to the actions. Unreadable dates and numbers are reported here, under the field.

use serde::Deserialize;

use crate::actions::employments::{CheckpointInput, EndInput, ProgressionInput};
use crate::error::FieldErrors;
use crate::web::forms::DateBoxes;

fn boxes(day: &str, month: &str, year: &str) -> DateBoxes {
    DateBoxes {
        day: day.into(),
        month: month.into(),
        year: year.into(),
    }
}

/// A band typed in a box: blank is none; anything but a whole number is a problem.
pub(super) fn band_box(value: &str, errors: &mut FieldErrors) -> Option<i32> {
    match value.trim() {
        "" => None,
        b => b
            .parse::<i32>()
            .map_err(|_| errors.add("band", "Band must be a number from 1 to 9"))
            .ok(),
    }
}

/// Fields of the end-the-job form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EndForm {
    pub(super) end_date_day: String,
    pub(super) end_date_month: String,
    pub(super) end_date_year: String,
    pub(super) end_reason: String,
}

/// One of the page's forms: what it submits, the notice after a save, and where its
/// values go when the page is shown again.
pub trait PageForm: Send + 'static {
    /// What the form submits to its action.
    type Input: Send + 'static;
    /// The `?notice=` after a save.
    const NOTICE: &'static str;
    /// The input, or the boxes that could not be read.
    fn input(&self) -> Result<Self::Input, FieldErrors>;
    /// `forms` with this form's values.
    fn into_forms(self, forms: Forms) -> Forms;
}

impl PageForm for EndForm {
    type Input = EndInput;
    const NOTICE: &'static str = "ended";

    /// The end date is required here (a blank form does not reopen the job).
    fn input(&self) -> Result<EndInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = boxes(
            &self.end_date_day,
            &self.end_date_month,
            &self.end_date_year,
        );
        if date.is_blank() {
            errors.add("end_date", "Enter the end date");
        }
        let input = EndInput {
            end_date: date.to_iso("end_date", "End date", &mut errors),
            end_reason: Some(self.end_reason.clone()),
        };
        errors.is_empty().then_some(input).ok_or(errors)
    }

    fn into_forms(self, forms: Forms) -> Forms {
        Forms { end: self, ..forms }
    }
}

/// Fields of the record-a-checkpoint form (on the queue and on its own page), with the
/// end of the job asked for with `left`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CheckpointForm {
    /// In post, left or unable to contact.
    pub status: String,
    /// Date checked: day.
    pub verified_on_day: String,
    /// Date checked: month.
    pub verified_on_month: String,
    /// Date checked: year.
    pub verified_on_year: String,
    /// With left: the last day in the job, day.
    pub end_date_day: String,
    /// With left: month.
    pub end_date_month: String,
    /// With left: year.
    pub end_date_year: String,
    /// With left: why the job ended.
    pub end_reason: String,
}

impl CheckpointForm {
    /// Fills the date-checked boxes.
    pub fn set_date(&mut self, date: DateBoxes) {
        (
            self.verified_on_day,
            self.verified_on_month,
            self.verified_on_year,
        ) = (date.day, date.month, date.year);
    }
}

impl PageForm for CheckpointForm {
    type Input = CheckpointInput;
    const NOTICE: &'static str = "checkpoint";

    fn input(&self) -> Result<CheckpointInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = boxes(
            &self.verified_on_day,
            &self.verified_on_month,
            &self.verified_on_year,
        );
        let end = boxes(
            &self.end_date_day,
            &self.end_date_month,
            &self.end_date_year,
        );
        // The end is read only with `left`: boxes left filled after choosing another
        // outcome are not the user's answer.
        let left = self.status == "left";
        let input = CheckpointInput {
            status: Some(self.status.clone()),
            verified_on: date.to_iso("verified_on", "Date checked", &mut errors),
            end_date: match left && !end.is_blank() {
                true => end.to_iso("end_date", "Last day in the job", &mut errors),
                false => None,
            },
            end_reason: left.then(|| self.end_reason.clone()),
        };
        errors.is_empty().then_some(input).ok_or(errors)
    }

    fn into_forms(self, forms: Forms) -> Forms {
        Forms {
            checkpoint: self,
            ..forms
        }
    }
}

/// Fields of the add-a-progression form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProgressionForm {
    pub(super) kind: String,
    pub(super) effective_on_day: String,
    pub(super) effective_on_month: String,
    pub(super) effective_on_year: String,
    pub(super) job_title: String,
    pub(super) band: String,
    pub(super) staff_group: String,
    pub(super) notes: String,
}

impl PageForm for ProgressionForm {
    type Input = ProgressionInput;
    const NOTICE: &'static str = "progression";

    fn input(&self) -> Result<ProgressionInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = boxes(
            &self.effective_on_day,
            &self.effective_on_month,
            &self.effective_on_year,
        );
        let band = band_box(&self.band, &mut errors);
        let input = ProgressionInput {
            effective_on: date.to_iso("effective_on", "Date", &mut errors),
            kind: Some(self.kind.clone()),
            job_title: Some(self.job_title.clone()),
            band,
            staff_group: Some(self.staff_group.clone()),
            notes: Some(self.notes.clone()),
        };
        errors.is_empty().then_some(input).ok_or(errors)
    }

    fn into_forms(self, forms: Forms) -> Forms {
        Forms {
            progression: self,
            ..forms
        }
    }
}

/// The values of the three forms (kept after an error).
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// End the job.
    pub end: EndForm,
    /// Record a checkpoint.
    pub checkpoint: CheckpointForm,
    /// Add a progression.
    pub progression: ProgressionForm,
}

impl Forms {
    /// Empty forms, with `today` in the date-checked boxes.
    pub fn new(today: chrono::NaiveDate) -> Self {
        let mut forms = Self::default();
        forms.checkpoint.set_date(DateBoxes::of(Some(today)));
        forms
    }
}
