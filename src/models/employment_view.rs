//! A job as pages and the API show it: the employment with its checkpoints (and their
//! status today), its progressions, and the band and staff group it has reached. Built for
//! many jobs at once in two queries.

use serde::Serialize;

use super::checkpoint::CheckpointView;
use super::progression::current_position;
use super::{Checkpoint, Employment, Progression};
use crate::db::DbConnection;
use crate::domain::employment::StaffGroup;
use crate::error::AppResult;

/// A job with its checkpoints and progression.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmploymentView {
    /// The job.
    #[serde(flatten)]
    pub employment: Employment,
    /// 13, 26 and 52 weeks, with their status today.
    pub checkpoints: Vec<CheckpointView>,
    /// Later steps, in date order.
    pub progressions: Vec<Progression>,
    /// Band reached after the progressions.
    pub current_band: i32,
    /// Staff group reached after the progressions.
    pub current_staff_group: String,
    /// True when a progression moved into a clinical staff group.
    pub moved_to_clinical: bool,
}

/// Builds the views of some jobs in two queries.
pub fn views(
    conn: &mut DbConnection,
    jobs: Vec<Employment>,
    today: chrono::NaiveDate,
) -> AppResult<Vec<EmploymentView>> {
    let ids: Vec<i32> = jobs.iter().map(|e| e.id).collect();
    let checkpoints = Checkpoint::for_employments(conn, &ids)?;
    let progressions = Progression::for_employments(conn, &ids)?;
    Ok(jobs
        .into_iter()
        .map(|employment| {
            let mine: Vec<Progression> = progressions
                .iter()
                .filter(|p| p.employment_id == employment.id)
                .cloned()
                .collect();
            let (current_band, current_staff_group, _) = current_position(&employment, &mine);
            EmploymentView {
                checkpoints: checkpoints
                    .iter()
                    .filter(|c| c.employment_id == employment.id)
                    .cloned()
                    .map(|c| c.view(today))
                    .collect(),
                moved_to_clinical: !employment.staff_group.is_clinical()
                    && mine
                        .iter()
                        .any(|p| p.staff_group.is_some_and(StaffGroup::is_clinical)),
                progressions: mine,
                current_band,
                current_staff_group: current_staff_group.as_str().to_owned(),
                employment,
            }
        })
        .collect())
}
