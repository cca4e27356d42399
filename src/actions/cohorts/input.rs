//! What a cohort form or the API submits, and its one validation: each field parsed into
//! its typed value, every problem collected at once.

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::domain::CohortStatus;
use crate::error::FieldErrors;
use crate::models::{CohortChanges, NewCohort};
use crate::validate::{self, Lines};

/// Weeks of a course when the form leaves it out.
const DEFAULT_WEEKS: i32 = 6;
/// Places when the form leaves it out.
const DEFAULT_CAPACITY: i32 = 25;

/// A cohort as submitted; on update, absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortInput {
    /// The programme (required when creating; cannot change).
    pub programme_id: Option<i32>,
    /// Name, unique within the programme.
    #[schema(schema_with = crate::openapi::text_100)]
    pub name: Option<String>,
    /// First day, `YYYY-MM-DD`.
    #[schema(schema_with = crate::openapi::date)]
    pub starts_on: Option<String>,
    /// Weeks (1–52, default 6).
    #[schema(minimum = 1, maximum = 52)]
    pub weeks: Option<i32>,
    /// Places (1–1000, default 25).
    #[schema(minimum = 1, maximum = 1000)]
    pub capacity: Option<i32>,
    /// Venue.
    #[schema(max_length = 200)]
    pub venue: Option<String>,
    /// `planned`, `recruiting`, `running`, `finished` or `cancelled` (default `planned`).
    #[schema(schema_with = crate::openapi::cohort_status)]
    pub status: Option<String>,
}

impl CohortInput {
    /// The fields given, parsed, in the order the form shows them; problems go to
    /// `errors`. Absent fields stay `None`; when `creating`, name and start date are
    /// required.
    fn fields(&self, creating: bool, errors: &mut FieldErrors) -> CohortChanges {
        let name = match &self.name {
            None if creating => {
                errors.add("name", "Enter a name for the cohort");
                None
            }
            None => None,
            Some(n) => validate::required_text(n, "a name for the cohort", 100)
                .map_err(|m| errors.add("name", m))
                .ok(),
        };
        let starts_on = match &self.starts_on {
            None if creating => {
                errors.add("starts_on", "Enter the start date");
                None
            }
            None => None,
            Some(d) => validate::date(d).or_else(|| {
                errors.add(
                    "starts_on",
                    "Start date must be a real date, like 2026-01-05",
                );
                None
            }),
        };
        if self.weeks.is_some_and(|w| !(1..=52).contains(&w)) {
            errors.add("weeks", "Weeks must be between 1 and 52");
        }
        if self.capacity.is_some_and(|c| !(1..=1000).contains(&c)) {
            errors.add("capacity", "Capacity must be between 1 and 1000");
        }
        let venue = self.venue.as_deref().and_then(|v| {
            validate::text(v, "the venue", 200, Lines::One)
                .map_err(|m| errors.add("venue", m))
                .ok()
        });
        let status = self.status.as_deref().and_then(|s| {
            CohortStatus::parse(s).or_else(|| {
                errors.add("status", "Select a status");
                None
            })
        });
        CohortChanges {
            name,
            starts_on,
            weeks: self.weeks,
            capacity: self.capacity,
            venue,
            status,
            updated_at: None,
        }
    }

    /// A new cohort created at `now`: programme, name and start date required; weeks,
    /// capacity and status defaulted. The programme is still to be checked visible.
    pub fn to_new(&self, now: NaiveDateTime) -> Result<NewCohort, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.programme_id.is_none() {
            errors.add("programme_id", "Select a programme");
        }
        let c = self.fields(true, &mut errors);
        match (self.programme_id, c.name, c.starts_on) {
            (Some(programme_id), Some(name), Some(starts_on)) if errors.is_empty() => {
                Ok(NewCohort {
                    programme_id,
                    name,
                    starts_on,
                    weeks: c.weeks.unwrap_or(DEFAULT_WEEKS),
                    capacity: c.capacity.unwrap_or(DEFAULT_CAPACITY),
                    venue: c.venue.unwrap_or_default(),
                    status: c.status.unwrap_or(CohortStatus::Planned),
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => Err(errors),
        }
    }

    /// Changes to a cohort of `programme_id`: only the fields given; the programme cannot
    /// change.
    pub fn to_changes(&self, programme_id: i32) -> Result<CohortChanges, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.programme_id.is_some_and(|p| p != programme_id) {
            errors.add("programme_id", "A cohort cannot move to another programme");
        }
        let changes = self.fields(false, &mut errors);
        if errors.is_empty() {
            Ok(changes)
        } else {
            Err(errors)
        }
    }

    /// Every problem with the input, writing nothing (for forms that found problems of
    /// their own and still show every field's).
    pub fn problems(&self, creating: bool) -> FieldErrors {
        if creating {
            return self
                .to_new(NaiveDateTime::default())
                .err()
                .unwrap_or_default();
        }
        let mut errors = FieldErrors::new();
        self.fields(false, &mut errors);
        errors
    }
}
