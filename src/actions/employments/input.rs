//! What forms, the API and the demo submit for a job: its start, its end, a checkpoint
//! outcome and a progression step. Every field is optional here so a missing one is
//! reported with the others; the actions turn these into checked values.

use serde::{Deserialize, Serialize};

/// A job start as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmploymentInput {
    /// The person.
    pub participant_id: Option<i32>,
    /// Their enrolment the job is attributed to.
    pub enrolment_id: Option<i32>,
    /// The employer (a partner of the enrolment's programme).
    pub employer_organisation_id: Option<i32>,
    /// Site, e.g. St James's University Hospital.
    #[schema(schema_with = crate::openapi::text_150)]
    pub site: Option<String>,
    /// Job title.
    #[schema(schema_with = crate::openapi::text_150)]
    pub job_title: Option<String>,
    /// Staff group code.
    #[schema(schema_with = crate::openapi::staff_group)]
    pub staff_group: Option<String>,
    /// Agenda for Change band 1–9 (band 1 only for starts before 1 December 2018).
    #[schema(minimum = 1, maximum = 9)]
    pub band: Option<i32>,
    /// Hours per week, 1–48.
    #[schema(minimum = 1, maximum = 48)]
    pub hours_per_week: Option<f64>,
    /// `permanent`, `fixed_term`, `bank` or `apprenticeship`.
    #[schema(schema_with = crate::openapi::contract)]
    pub contract: Option<String>,
    /// First day, `YYYY-MM-DD`, on or after the cohort's start.
    #[schema(schema_with = crate::openapi::date)]
    pub start_date: Option<String>,
}

/// The end of a job as submitted (both null to reopen it).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndInput {
    /// Last day, `YYYY-MM-DD`, not before the start.
    #[schema(schema_with = crate::openapi::date)]
    pub end_date: Option<String>,
    /// `resigned`, `dismissed`, `end_of_contract`, `moved_employer` or `other`.
    #[schema(schema_with = crate::openapi::end_reason)]
    pub end_reason: Option<String>,
}

/// A checkpoint outcome as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckpointInput {
    /// `in_post`, `left` or `unable_to_contact`.
    #[schema(schema_with = crate::openapi::checkpoint_outcome)]
    pub status: Option<String>,
    /// The day it was checked, `YYYY-MM-DD`: on or after the due date, not in the future.
    #[schema(schema_with = crate::openapi::date)]
    pub verified_on: Option<String>,
    /// With `left`, when the job has no end yet: its last day, `YYYY-MM-DD`, not before
    /// its start and not in the future. The job is ended in the same transaction.
    #[schema(schema_with = crate::openapi::date)]
    pub end_date: Option<String>,
    /// With `left`, when the job has no end yet: `resigned`, `dismissed`,
    /// `end_of_contract`, `moved_employer` or `other`.
    #[schema(schema_with = crate::openapi::end_reason)]
    pub end_reason: Option<String>,
}

/// A progression as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressionInput {
    /// When it took effect, `YYYY-MM-DD`.
    #[schema(schema_with = crate::openapi::date)]
    pub effective_on: Option<String>,
    /// `band_increase`, `role_change`, `staff_group_change`, `apprenticeship_start` or `qualification`.
    #[schema(schema_with = crate::openapi::progression_kind)]
    pub kind: Option<String>,
    /// New job title.
    #[schema(max_length = 150)]
    pub job_title: Option<String>,
    /// New band (a band increase must raise it).
    #[schema(minimum = 1, maximum = 9)]
    pub band: Option<i32>,
    /// New staff group (a staff group change must change it).
    #[schema(schema_with = crate::openapi::staff_group)]
    pub staff_group: Option<String>,
    /// Notes (up to 500 characters).
    #[schema(max_length = 500)]
    pub notes: Option<String>,
}
