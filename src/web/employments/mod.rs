//! The employment pages: a job's page with its checkpoints and progression (`show`), the
//! forms on it (`forms`, with their fields in `fields`), and recording a job start from
//! the resident's page (`job_start`). The rules are in `actions::employments`.

pub mod action;
pub mod fields;
pub mod forms;
pub mod job_start;
pub mod queue_filters;
pub mod show;
