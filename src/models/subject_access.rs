//! Subject access: everything held about one resident, as one JSON document, with the
//! export itself audited. Admins get everything; a coordinator gets what their
//! organisation can see (enrolments in cohorts of partner programmes, the jobs, sessions
//! and audit events that go with them), the same object-level rule as every other read.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::audit::{self, Change};
use super::employment_view::EmploymentView;
use super::trail::VisibleHistory;
use super::{
    AuditAction, AuditEvent, Checkpoint, Cohort, Employment, Enrolment, EqualityAnswers,
    Participant, Progression, StageChange, information_session::InformationSession,
};
use crate::db::DbConnection;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::schema::{attendance, course_sessions};

/// Every table holding data about a participant (directly, or through their enrolments
/// and employments). `tests/app/subject_access.rs` reads the schema's foreign keys and
/// fails when a table that refers to participants is missing here.
pub const COVERED_TABLES: [&str; 10] = [
    "participants",
    "equality_monitoring",
    "information_session_attendees",
    "enrolments",
    "enrolment_stage_changes",
    "attendance",
    "employments",
    "checkpoints",
    "progressions",
    "audit_events",
];

/// Consent as recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Consent {
    /// When the person agreed to their data being held.
    pub consent_given_on: Option<NaiveDate>,
    /// The lawful basis for holding it.
    pub lawful_basis: Option<String>,
    /// When they agreed to answer the equality questions.
    pub equality_consent_given_on: Option<NaiveDate>,
}

/// One attendance mark with its session.
#[derive(Debug, Queryable, Serialize, utoipa::ToSchema)]
pub struct AttendanceRecord {
    /// The enrolment.
    pub enrolment_id: i32,
    /// The course session.
    pub course_session_id: i32,
    /// Its date.
    pub held_on: NaiveDate,
    /// `college` or `placement`.
    pub kind: String,
    /// The mark.
    pub status: String,
    /// When it was recorded (UTC).
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub recorded_at: NaiveDateTime,
    /// Who recorded it.
    pub recorded_by_user_id: Option<i32>,
}

/// An enrolment with its history and attendance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnrolmentRecord {
    /// The enrolment.
    #[serde(flatten)]
    pub enrolment: Enrolment,
    /// The cohort's name.
    pub cohort_name: String,
    /// Stage changes, oldest first.
    pub stage_history: Vec<StageChange>,
    /// Attendance marks, by date.
    pub attendance: Vec<AttendanceRecord>,
}

/// A job with its checkpoints and progressions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmploymentRecord {
    /// The job.
    #[serde(flatten)]
    pub employment: Employment,
    /// 13/26/52-week checkpoints.
    pub checkpoints: Vec<Checkpoint>,
    /// Career steps.
    pub progressions: Vec<Progression>,
}

/// One audit event about the person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    /// When (UTC).
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub occurred_at: NaiveDateTime,
    /// The user who acted (none for the system).
    pub actor_user_id: Option<i32>,
    /// What was done.
    pub action: String,
    /// To what.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// The record before.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The record after.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

/// Everything held about one resident.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubjectAccessExport {
    /// When this export was made (UTC).
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub generated_at: NaiveDateTime,
    /// Personal details.
    pub details: Participant,
    /// When the record was created (UTC).
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub recorded_at: NaiveDateTime,
    /// When it last changed (UTC).
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub updated_at: NaiveDateTime,
    /// When it was anonymised, if it was.
    #[serde(serialize_with = "crate::models::utc::serialize_opt")]
    pub erased_at: Option<NaiveDateTime>,
    /// Consent.
    pub consent: Consent,
    /// Equality monitoring answers, if recorded.
    pub equality: Option<EqualityAnswers>,
    /// Information sessions attended.
    pub information_sessions: Vec<InformationSession>,
    /// Enrolments, newest first.
    pub enrolments: Vec<EnrolmentRecord>,
    /// Jobs, oldest first.
    pub employments: Vec<EmploymentRecord>,
    /// The audit trail about the person, oldest first.
    pub audit_events: Vec<AuditRecord>,
}

/// Builds the export from what the one read-side rule lets the exporter see
/// (`actions::history::visible`), and audits it.
pub fn export(
    conn: &mut DbConnection,
    actor: &Actor,
    seen: VisibleHistory,
) -> AppResult<SubjectAccessExport> {
    let participant = seen.participant;
    let id = participant.id;
    let equality = EqualityAnswers::find(conn, id)?;
    let enrolments = enrolment_records(conn, seen.enrolments, seen.stage_changes)?;
    let employments = seen.jobs.into_iter().map(EmploymentRecord::from).collect();
    let audit_events = seen
        .trail
        .into_iter()
        .rev()
        .map(AuditRecord::from)
        .collect();
    let change = Change {
        entity: "participant",
        id,
        participant_id: Some(id),
        before: None::<&()>,
        after: None::<&()>,
    };
    audit::record(conn, actor, AuditAction::Export, change)?;
    Ok(SubjectAccessExport {
        generated_at: actor.now,
        recorded_at: participant.created_at,
        updated_at: participant.updated_at,
        erased_at: participant.erased_at,
        consent: Consent {
            consent_given_on: participant.consent_given_on,
            lawful_basis: participant.lawful_basis.clone(),
            equality_consent_given_on: equality.as_ref().and_then(|e| e.consent_given_on),
        },
        details: participant,
        equality,
        information_sessions: seen.attended_sessions,
        enrolments,
        employments,
        audit_events,
    })
}

/// Each enrolment with its stage history and attendance marks.
fn enrolment_records(
    conn: &mut DbConnection,
    enrolments: Vec<(Enrolment, Cohort)>,
    mut history: Vec<StageChange>,
) -> QueryResult<Vec<EnrolmentRecord>> {
    let ids: Vec<i32> = enrolments.iter().map(|(e, _)| e.id).collect();
    let mut marks = attendance_of(conn, &ids)?;
    Ok(enrolments
        .into_iter()
        .map(|(enrolment, cohort)| EnrolmentRecord {
            stage_history: take(&mut history, |h| h.enrolment_id == enrolment.id),
            attendance: take(&mut marks, |m| m.enrolment_id == enrolment.id),
            cohort_name: cohort.name,
            enrolment,
        })
        .collect())
}

impl From<EmploymentView> for EmploymentRecord {
    fn from(job: EmploymentView) -> Self {
        EmploymentRecord {
            checkpoints: job.checkpoints.into_iter().map(|c| c.checkpoint).collect(),
            progressions: job.progressions,
            employment: job.employment,
        }
    }
}

impl From<(AuditEvent, Option<String>)> for AuditRecord {
    fn from((e, _): (AuditEvent, Option<String>)) -> Self {
        let parse = |json: Option<String>| json.and_then(|j| serde_json::from_str(&j).ok());
        AuditRecord {
            occurred_at: e.occurred_at,
            actor_user_id: e.actor_user_id,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: parse(e.before_json),
            after: parse(e.after_json),
        }
    }
}

/// The items of `items` that `belongs` picks, removed from it, in their order.
fn take<T>(items: &mut Vec<T>, belongs: impl Fn(&T) -> bool) -> Vec<T> {
    let (mine, rest) = std::mem::take(items).into_iter().partition(|i| belongs(i));
    *items = rest;
    mine
}

fn attendance_of(
    conn: &mut DbConnection,
    enrolment_ids: &[i32],
) -> QueryResult<Vec<AttendanceRecord>> {
    attendance::table
        .inner_join(course_sessions::table)
        .filter(attendance::enrolment_id.eq_any(enrolment_ids.to_vec()))
        .order((course_sessions::held_on, attendance::id))
        .select((
            attendance::enrolment_id,
            attendance::course_session_id,
            course_sessions::held_on,
            course_sessions::kind,
            attendance::status,
            attendance::recorded_at,
            attendance::recorded_by_user_id,
        ))
        .load(conn)
}
