//! The resident's page (details, enrolments with attendance, jobs and career timeline,
//! audit trail), enrolling them in a cohort and noting an information session. Changing
//! an enrolment is in `enrolment_page.rs`, equality monitoring in `equality.rs`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::timeline::Career;
use super::{Layout, Section, WebForm, see_other};
use crate::actions::enrolments;
use crate::auth::{CurrentUser, Permission};
use crate::domain::Actor;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::attendance::{AttendanceSummary, CohortAttendance};
use crate::models::employment::{STAFF_GROUPS, label as label_of};
use crate::models::information_session::{self, InformationSession};
use crate::models::trail::{TrailReader, VisibleJobs, visible_trail};
use crate::models::{AuditEvent, Cohort, Enrolment, MAX_PAGE_SIZE, Participant, Programme, access};
use crate::state::AppState;

/// One enrolment on the resident's page.
pub struct EnrolmentCard {
    enrolment: Enrolment,
    cohort: Cohort,
    attendance: AttendanceSummary,
}

/// The resident's page.
#[derive(Template, WebTemplate)]
#[template(path = "participants/show.html")]
pub struct ResidentPage {
    layout: Layout,
    participant: Participant,
    enrolments: Vec<EnrolmentCard>,
    open_cohorts: Vec<Cohort>,
    information_sessions: Vec<InformationSession>,
    attended_sessions: Vec<InformationSession>,
    trail: Vec<(AuditEvent, Option<String>)>,
    career: Career,
    can_record_jobs: bool,
    can_edit: bool,
    can_enrol: bool,
    can_see_equality: bool,
    notice: Option<&'static str>,
    errors: FieldErrors,
}

impl ResidentPage {
    fn staff_group(&self, code: &str) -> &'static str {
        label_of(&STAFF_GROUPS, code)
    }
}

/// `?notice=`
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /participants/{id}`
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = match q.notice.as_deref() {
        Some("saved") => Some("The resident's details have been saved."),
        Some("enrolled") => Some("The resident has been enrolled."),
        Some("stage") => Some("The enrolment has been changed."),
        Some("equality") => Some("The equality monitoring answers have been saved."),
        Some("information_session") => Some("The information session has been noted."),
        _ => None,
    };
    render(
        &state,
        &user,
        id,
        notice,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
    notice: Option<&'static str>,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    user.require(Permission::ViewParticipants)?;
    let (scope, today, can_see_equality, who) = (
        user.scope(),
        state.clock.today(),
        user.can(Permission::ViewEqualityData),
        user.recorder(),
    );
    let (participant, enrolments, open_cohorts, (trail, career), sessions) = state
        .db
        .run(move |conn| {
            let participant = access::participant(conn, id, scope)?;
            let enrolments = Enrolment::visible_for_participant(conn, id, scope)?;
            let cohort_ids: Vec<i32> = enrolments.iter().map(|(_, c)| c.id).collect();
            let marks = CohortAttendance::load_many(conn, &cohort_ids, today)?;
            let cards: Vec<EnrolmentCard> = enrolments
                .into_iter()
                .map(|(enrolment, cohort)| EnrolmentCard {
                    attendance: marks
                        .get(&cohort.id)
                        .map(|m| m.summary(enrolment.id))
                        .unwrap_or_default(),
                    enrolment,
                    cohort,
                })
                .collect();
            let open: Vec<Cohort> = Cohort::list(conn, scope, None, None)?
                .into_iter()
                .filter(|c| matches!(c.status.as_str(), "planned" | "recruiting" | "running"))
                .filter(|c| !cards.iter().any(|e| e.cohort.id == c.id))
                .collect();
            let courses = cards.iter().map(|c| (&c.enrolment, &c.cohort)).collect();
            let career = Career::load(conn, id, who, courses, today)?;
            let reader = TrailReader {
                scope,
                equality: can_see_equality,
                jobs: VisibleJobs::of(&career.jobs),
            };
            let trail = visible_trail(conn, id, &reader)?;
            let programmes: Vec<i32> = Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?
                .iter()
                .map(|p| p.id)
                .collect();
            let attended = InformationSession::attended_by(conn, id)?;
            let available: Vec<InformationSession> =
                InformationSession::list_for_programmes(conn, &programmes)?
                    .into_iter()
                    .filter(|s| !attended.iter().any(|a| a.id == s.id))
                    .collect();
            // Only sessions of programmes the caller partners in are shown.
            let attended = attended
                .into_iter()
                .filter(|s| programmes.contains(&s.programme_id))
                .collect();
            Ok((
                participant,
                cards,
                open,
                (trail, career),
                (available, attended),
            ))
        })
        .await?;
    let page = ResidentPage {
        layout: Layout::new(participant.full_name(), user, Section::Residents)
            .with_errors(!errors.is_empty()),
        participant,
        enrolments,
        open_cohorts,
        information_sessions: sessions.0,
        attended_sessions: sessions.1,
        trail,
        career,
        can_record_jobs: user.can(Permission::RecordEmployments),
        can_edit: user.can(Permission::EditParticipants),
        can_enrol: user.can(Permission::ManageEnrolments),
        can_see_equality: user.can(Permission::ViewEqualityData),
        notice,
        errors,
    };
    Ok((status, page).into_response())
}

/// Field of the enrol form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EnrolForm {
    cohort_id: String,
}

/// `POST /participants/{id}/enrolments`
pub async fn enrol_in_cohort(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EnrolForm>,
) -> AppResult<Response> {
    let cohort_id: Option<i32> = form.cohort_id.trim().parse().ok();
    let result = state
        .db
        .run(move |conn| enrolments::enrol_resident(conn, &actor, id, cohort_id))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/participants/{id}?notice=enrolled#enrolments"
        ))),
        Err(AppError::Validation(fields) | AppError::Conflict { fields, .. }) => {
            let mut errors = FieldErrors::new();
            for (_, message) in fields.iter() {
                errors.add("cohort_id", message.clone());
            }
            render(
                &state,
                &user,
                id,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// Field of the information-session form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InformationSessionForm {
    information_session_id: String,
}

/// `POST /participants/{id}/information-sessions`: notes that the resident registered at
/// an information session.
pub async fn note_information_session(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<InformationSessionForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageEnrolments)?;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let session_id: Option<i32> = form.information_session_id.trim().parse().ok();
    let result = state
        .db
        .run(move |conn| {
            access::participant(conn, id, scope)?;
            let session = session_id
                .and_then(|s| InformationSession::find(conn, s).ok())
                .filter(|s| Programme::find_visible(conn, s.programme_id, scope).is_ok())
                .ok_or_else(|| {
                    AppError::invalid("information_session_id", "Select an information session")
                })?;
            information_session::add_attendee(conn, actor, &session, id, now)
        })
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/participants/{id}?notice=information_session"
        ))),
        Err(AppError::Validation(fields) | AppError::Conflict { fields, .. }) => {
            let mut errors = FieldErrors::new();
            for (_, message) in fields.iter() {
                errors.add("information_session_id", message.clone());
            }
            render(
                &state,
                &user,
                id,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
