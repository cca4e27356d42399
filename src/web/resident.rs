//! The resident's page (details, enrolments with attendance, jobs and career timeline,
//! audit trail), enrolling them in a cohort, changing an enrolment's stage, and the
//! equality monitoring form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::employments::recorder;
use super::forms::{DateBoxes, merge};
use super::timeline::{Career, job_event_visible};
use super::{Layout, Section, WebForm, see_other};
use crate::app::AppState;
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::attendance::{AttendanceSummary, CohortAttendance};
use crate::models::employment::{STAFF_GROUPS, label as label_of};
use crate::models::enrolment::{STAGES, WITHDRAWAL_REASONS, reason_label, stage_label};
use crate::models::enrolment_input::{EnrolmentInput, change_enrolment, enrol};
use crate::models::equality::{DISABILITY, ETHNIC_GROUPS, SEXES, label};
use crate::models::information_session::{self, InformationSession};
use crate::models::participant_input::{check_equality, save_equality};
use crate::models::{
    AuditEvent, Cohort, Enrolment, EqualityAnswers, MAX_PAGE_SIZE, Participant, Programme, access,
};

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
    fn stage(&self, code: &str) -> &'static str {
        stage_label(code)
    }
    fn reason(&self, code: &str) -> &'static str {
        reason_label(code)
    }
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
        recorder(user),
    );
    let (participant, enrolments, open_cohorts, (trail, career), sessions) = state
        .db
        .run(move |conn| {
            let participant = access::participant(conn, id, scope)?;
            let mut cards = Vec::new();
            for enrolment in Enrolment::for_participant(conn, id)? {
                // A person's enrolments are few (one per intake they joined), so one
                // lookup each is bounded; cohorts the caller cannot see are left out.
                let Ok(cohort) = Cohort::find_visible(conn, enrolment.cohort_id, scope) else {
                    continue;
                };
                let attendance =
                    CohortAttendance::load(conn, cohort.id, today)?.summary(enrolment.id);
                cards.push(EnrolmentCard {
                    enrolment,
                    cohort,
                    attendance,
                });
            }
            let open: Vec<Cohort> = Cohort::list(conn, scope, None, None)?
                .into_iter()
                .filter(|c| matches!(c.status.as_str(), "planned" | "recruiting" | "running"))
                .filter(|c| !cards.iter().any(|e| e.cohort.id == c.id))
                .collect();
            let mut trail = AuditEvent::for_participant(conn, id)?;
            // That equality answers exist is itself for equality readers only.
            if !can_see_equality {
                trail.retain(|(event, _)| event.entity != "equality_monitoring");
            }
            let courses = cards.iter().map(|c| (&c.enrolment, &c.cohort)).collect();
            let career = Career::load(conn, id, who, courses, today)?;
            // Nor may the trail reveal jobs at another employer.
            trail.retain(|(event, _)| job_event_visible(event, &career.jobs));
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
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EnrolForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageEnrolments)?;
    let (actor, scope, today, now) = (
        user.id,
        user.scope(),
        state.clock.today(),
        state.clock.now(),
    );
    let cohort_id: Option<i32> = form.cohort_id.trim().parse().ok();
    let result = state
        .db
        .run(move |conn| {
            let participant = access::participant(conn, id, scope)?;
            let cohort = cohort_id
                .and_then(|c| Cohort::find_visible(conn, c, scope).ok())
                .ok_or_else(|| AppError::invalid("cohort_id", "Select a cohort"))?;
            enrol(conn, actor, &cohort, &participant, today, now)
        })
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

/// The change-enrolment page.
#[derive(Template, WebTemplate)]
#[template(path = "participants/enrolment.html")]
pub struct EnrolmentPage {
    layout: Layout,
    enrolment: Enrolment,
    cohort: Cohort,
    participant: Participant,
    stages: Vec<(&'static str, &'static str)>,
    reasons: [(&'static str, &'static str); 9],
    form: EnrolmentForm,
    errors: FieldErrors,
}

/// Fields of the change-enrolment form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EnrolmentForm {
    stage: String,
    withdrawal_reason: String,
    interviewed_on_day: String,
    interviewed_on_month: String,
    interviewed_on_year: String,
    offered_on_day: String,
    offered_on_month: String,
    offered_on_year: String,
}

/// `GET /enrolments/{id}`
pub async fn enrolment_form(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::ManageEnrolments)?;
    let (enrolment, cohort, participant) = load_enrolment(&state, &user, id).await?;
    let (i, o) = (
        DateBoxes::of(enrolment.interviewed_on),
        DateBoxes::of(enrolment.offered_on),
    );
    let form = EnrolmentForm {
        stage: enrolment.stage.clone(),
        withdrawal_reason: enrolment.withdrawal_reason.clone().unwrap_or_default(),
        interviewed_on_day: i.day,
        interviewed_on_month: i.month,
        interviewed_on_year: i.year,
        offered_on_day: o.day,
        offered_on_month: o.month,
        offered_on_year: o.year,
    };
    Ok(enrolment_page(
        &user,
        enrolment,
        cohort,
        participant,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /enrolments/{id}`
pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EnrolmentForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageEnrolments)?;
    let (enrolment, cohort, participant) = load_enrolment(&state, &user, id).await?;
    let mut form_errors = FieldErrors::new();
    let boxes = |d: &str, m: &str, y: &str| DateBoxes {
        day: d.into(),
        month: m.into(),
        year: y.into(),
    };
    let interviewed = boxes(
        &form.interviewed_on_day,
        &form.interviewed_on_month,
        &form.interviewed_on_year,
    );
    let offered = boxes(
        &form.offered_on_day,
        &form.offered_on_month,
        &form.offered_on_year,
    );
    let input = EnrolmentInput {
        stage: Some(form.stage.clone()),
        withdrawal_reason: Some(form.withdrawal_reason.clone()),
        interviewed_on: Some(
            interviewed
                .to_iso("interviewed_on", "Interview date", &mut form_errors)
                .unwrap_or_default(),
        ),
        offered_on: Some(
            offered
                .to_iso("offered_on", "Offer date", &mut form_errors)
                .unwrap_or_default(),
        ),
    };
    let (actor, today, now) = (user.id, state.clock.today(), state.clock.now());
    let before = enrolment.clone();
    let result = if form_errors.is_empty() {
        state
            .db
            .run(move |conn| change_enrolment(conn, actor, &before, input, today, now))
            .await
    } else {
        Err(AppError::Validation(FieldErrors::new()))
    };
    match result {
        Ok(e) => Ok(see_other(&format!(
            "/participants/{}?notice=stage#enrolments",
            e.participant_id
        ))),
        Err(AppError::Validation(errors)) => Ok(enrolment_page(
            &user,
            enrolment,
            cohort,
            participant,
            form,
            merge(form_errors, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

async fn load_enrolment(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
) -> AppResult<(Enrolment, Cohort, Participant)> {
    let scope = user.scope();
    state
        .db
        .run(move |conn| {
            let (enrolment, cohort) = access::enrolment(conn, id, scope)?;
            let participant = Participant::find(conn, enrolment.participant_id)?;
            Ok((enrolment, cohort, participant))
        })
        .await
}

fn enrolment_page(
    user: &CurrentUser,
    enrolment: Enrolment,
    cohort: Cohort,
    participant: Participant,
    form: EnrolmentForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let page = EnrolmentPage {
        layout: Layout::new(
            format!("{} in {}", participant.full_name(), cohort.name),
            user,
            Section::Residents,
        )
        .with_errors(!errors.is_empty()),
        enrolment,
        cohort,
        participant,
        stages: STAGES.iter().map(|s| (*s, stage_label(s))).collect(),
        reasons: WITHDRAWAL_REASONS,
        form,
        errors,
    };
    (status, page).into_response()
}

/// The equality monitoring form.
#[derive(Template, WebTemplate)]
#[template(path = "participants/equality.html")]
pub struct EqualityPage {
    layout: Layout,
    participant: Participant,
    form: EqualityForm,
    ethnic_groups: [(&'static str, &'static str); 20],
    sexes: [(&'static str, &'static str); 3],
    disability: [(&'static str, &'static str); 3],
    errors: FieldErrors,
}

impl EqualityPage {
    fn summary(&self, options: &[(&'static str, &'static str)], code: &str) -> &'static str {
        label(options, Some(code).filter(|c| !c.is_empty()))
    }
}

/// Fields of the equality form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EqualityForm {
    ethnic_group: String,
    sex: String,
    disability: String,
    consent_given_on_day: String,
    consent_given_on_month: String,
    consent_given_on_year: String,
}

/// `GET /participants/{id}/equality`
pub async fn equality_form(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::ViewEqualityData)?;
    let scope = user.scope();
    let (participant, answers) = state
        .db
        .run(move |conn| {
            let participant = access::participant(conn, id, scope)?;
            Ok((
                participant,
                EqualityAnswers::find(conn, id)?.unwrap_or_default(),
            ))
        })
        .await?;
    let consent = DateBoxes::of(answers.consent_given_on);
    let form = EqualityForm {
        ethnic_group: answers.ethnic_group.unwrap_or_default(),
        sex: answers.sex.unwrap_or_default(),
        disability: answers.disability.unwrap_or_default(),
        consent_given_on_day: consent.day,
        consent_given_on_month: consent.month,
        consent_given_on_year: consent.year,
    };
    Ok(equality_page(
        &user,
        participant,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /participants/{id}/equality`
pub async fn save_equality_form(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EqualityForm>,
) -> AppResult<Response> {
    user.require(Permission::ViewEqualityData)?;
    let scope = user.scope();
    let participant = state
        .db
        .run(move |conn| Ok(access::participant(conn, id, scope)?))
        .await?;
    let mut form_errors = FieldErrors::new();
    let consent = DateBoxes {
        day: form.consent_given_on_day.clone(),
        month: form.consent_given_on_month.clone(),
        year: form.consent_given_on_year.clone(),
    };
    let consent_given_on = consent
        .to_iso("consent_given_on", "Consent date", &mut form_errors)
        .and_then(|d| d.parse().ok());
    let optional = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    let answers = EqualityAnswers {
        ethnic_group: optional(&form.ethnic_group),
        sex: optional(&form.sex),
        disability: optional(&form.disability),
        consent_given_on,
    };
    let checked = check_equality(&answers, state.clock.today());
    match checked {
        Ok(answers) if form_errors.is_empty() => {
            let (actor, now) = (user.id, state.clock.now());
            state
                .db
                .run(move |conn| save_equality(conn, actor, id, &answers, now))
                .await?;
            Ok(see_other(&format!("/participants/{id}?notice=equality")))
        }
        Ok(_) => Ok(equality_page(
            &user,
            participant,
            form,
            form_errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(errors) => Ok(equality_page(
            &user,
            participant,
            form,
            merge(form_errors, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    }
}

fn equality_page(
    user: &CurrentUser,
    participant: Participant,
    form: EqualityForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let page = EqualityPage {
        layout: Layout::new("Equality monitoring", user, Section::Residents)
            .with_errors(!errors.is_empty()),
        participant,
        form,
        ethnic_groups: ETHNIC_GROUPS,
        sexes: SEXES,
        disability: DISABILITY,
        errors,
    };
    (status, page).into_response()
}
