//! Subject access: everything held about one resident, as one JSON document, with the
//! export itself audited. Admins get everything; a coordinator gets what their
//! organisation can see (enrolments in cohorts of partner programmes, the jobs, sessions
//! and audit events that go with them), the same object-level rule as every other read.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::trail::{TrailReader, VisibleJobs, visible_trail};
use super::{
    AuditAction, AuditEvent, Checkpoint, Employment, Enrolment, EqualityAnswers, MAX_PAGE_SIZE,
    NewAuditEvent, Participant, Programme, Progression, StageChange,
    information_session::InformationSession,
};
use crate::db::{DbConnection, write_transaction};
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

/// Builds the export of a participant already checked visible, and audits it.
pub fn export(
    conn: &mut DbConnection,
    actor: i32,
    participant: Participant,
    scope: Option<i32>,
    now: NaiveDateTime,
) -> AppResult<SubjectAccessExport> {
    write_transaction(conn, |conn| {
        let id = participant.id;
        let equality = EqualityAnswers::find(conn, id)?;
        // A person's enrolments and jobs are few; their details come in one query each.
        let visible: Vec<(Enrolment, String)> =
            Enrolment::visible_for_participant(conn, id, scope)?
                .into_iter()
                .map(|(enrolment, cohort)| (enrolment, cohort.name))
                .collect();
        let ids: Vec<i32> = visible.iter().map(|(e, _)| e.id).collect();
        let mut history = Enrolment::history(conn, &ids)?;
        let mut marks = attendance_of(conn, &ids)?;
        let enrolments: Vec<EnrolmentRecord> = visible
            .into_iter()
            .map(|(enrolment, cohort_name)| EnrolmentRecord {
                stage_history: take(&mut history, |h| h.enrolment_id == enrolment.id),
                attendance: take(&mut marks, |m| m.enrolment_id == enrolment.id),
                cohort_name,
                enrolment,
            })
            .collect();
        let jobs = Employment::for_participant(conn, id, scope, false)?;
        let ids: Vec<i32> = jobs.iter().map(|e| e.id).collect();
        let mut checkpoints = Checkpoint::for_employments(conn, &ids)?;
        let mut progressions = Progression::for_employments(conn, &ids)?;
        let employments: Vec<EmploymentRecord> = jobs
            .into_iter()
            .map(|employment| EmploymentRecord {
                checkpoints: take(&mut checkpoints, |c| c.employment_id == employment.id),
                progressions: take(&mut progressions, |p| p.employment_id == employment.id),
                employment,
            })
            .collect();
        let mut information_sessions = InformationSession::attended_by(conn, id)?;
        if scope.is_some() {
            let programmes: Vec<i32> = Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?
                .iter()
                .map(|p| p.id)
                .collect();
            information_sessions.retain(|s| programmes.contains(&s.programme_id));
        }
        let audit_events = audit_records(conn, id, scope, &employments)?;
        let mut event = NewAuditEvent::simple(Some(actor), AuditAction::Export, "participant", id);
        event.participant_id = Some(id);
        AuditEvent::record(conn, event, now)?;
        Ok(SubjectAccessExport {
            generated_at: now,
            recorded_at: participant.created_at,
            updated_at: participant.updated_at,
            erased_at: participant.erased_at,
            consent: Consent {
                consent_given_on: participant.consent_given_on,
                lawful_basis: participant.lawful_basis.clone(),
                equality_consent_given_on: equality.as_ref().and_then(|e| e.consent_given_on),
            },
            details: participant.clone(),
            equality,
            information_sessions,
            enrolments,
            employments,
            audit_events,
        })
    })
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

/// The person's audit trail as the exporting caller may see it (the one rule in
/// [`super::trail`]); the export holds the equality answers, so their events too.
fn audit_records(
    conn: &mut DbConnection,
    id: i32,
    scope: Option<i32>,
    employments: &[EmploymentRecord],
) -> QueryResult<Vec<AuditRecord>> {
    let reader = TrailReader {
        scope,
        equality: true,
        jobs: VisibleJobs {
            employments: employments.iter().map(|e| e.employment.id).collect(),
            checkpoints: employments
                .iter()
                .flat_map(|e| e.checkpoints.iter().map(|c| c.id))
                .collect(),
            progressions: employments
                .iter()
                .flat_map(|e| e.progressions.iter().map(|p| p.id))
                .collect(),
        },
    };
    let parse = |json: Option<String>| json.and_then(|j| serde_json::from_str(&j).ok());
    let mut events: Vec<AuditRecord> = visible_trail(conn, id, &reader)?
        .into_iter()
        .map(|(event, _)| event)
        .map(|e| AuditRecord {
            occurred_at: e.occurred_at,
            actor_user_id: e.actor_user_id,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: parse(e.before_json),
            after: parse(e.after_json),
        })
        .collect();
    events.reverse();
    Ok(events)
}
