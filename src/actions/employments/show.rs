//! What the employment page shows: the job with what it names (the resident, the
//! employer, the course, who verified its checkpoints) and whether the actor may record.

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::employment_view::EmploymentView;
use crate::models::user::User;
use crate::models::{Cohort, Employment, Enrolment, Organisation, Participant};

/// A job and what its page names.
pub struct JobRecord {
    /// The job with its checkpoints and progression.
    pub job: EmploymentView,
    /// The resident.
    pub participant: Participant,
    /// The employer's name.
    pub employer: String,
    /// The cohort's name.
    pub cohort: String,
    /// Names of the users who verified its checkpoints.
    pub verifiers: Vec<(i32, String)>,
    /// Whether the actor may end the job, record checkpoints and add progression.
    pub can_record: bool,
}

/// Job `id` if `actor` may see it (404 otherwise), in a fixed number of queries.
pub fn job_record(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<JobRecord> {
    actor.require(Permission::ViewParticipants)?;
    let employment = Employment::find_visible(conn, id, actor)?;
    let job = super::view(conn, actor, employment)?;
    let e = &job.employment;
    let participant = Participant::find(conn, e.participant_id)?;
    let employer = Organisation::find(conn, e.employer_organisation_id)?.name;
    let enrolment = Enrolment::find(conn, e.enrolment_id)?;
    let cohort = Cohort::find(conn, enrolment.cohort_id)?.name;
    let ids: Vec<i32> = job
        .checkpoints
        .iter()
        .filter_map(|c| c.checkpoint.verified_by_user_id)
        .collect();
    let verifiers = User::names(conn, &ids)?;
    Ok(JobRecord {
        job,
        participant,
        employer,
        cohort,
        verifiers,
        can_record: actor.can(Permission::RecordEmployments),
    })
}
