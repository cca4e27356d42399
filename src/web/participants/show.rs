//! The resident's page (details, enrolments with attendance, jobs and career timeline,
//! audit trail), enrolling them in a cohort and noting an information session. Changing
//! an enrolment is in `web/enrolments.rs`, equality monitoring in `equality.rs`.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::timeline::Career;
use crate::actions::history::{self, ResidentHistory};
use crate::actions::pickers::{self, ResidentChoices, ResidentSearch};
use crate::actions::{enrolments, participants};
use crate::auth::{CurrentUser, Permission};
use crate::domain::Actor;
use crate::domain::audit_text;
use crate::domain::employment::StaffGroup;
use crate::domain::local_time::InLondon as _;
use crate::domain::resident::LawfulBasis;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::{Paging, PathId};
use crate::models::attendance::{AttendanceSummary, CohortAttendance};
use crate::models::information_session::InformationSession;
use crate::models::page::{DEFAULT_PAGE_SIZE, PageRequest};
use crate::models::{AuditEvent, Cohort, Enrolment, Participant};
use crate::state::AppState;
use crate::web::paging::Pager;
use crate::web::picker::{Picker, Searches};
use crate::web::{Layout, Section, WebForm, see_other};

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
    cohort_picker: Picker,
    session_picker: Picker,
    attended_sessions: Vec<InformationSession>,
    trail: Vec<(AuditEvent, Option<String>)>,
    trail_pager: Pager,
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
        StaffGroup::parse(code).map_or("Unknown", StaffGroup::label)
    }

    /// The lawful basis as the ICO names it (the record keeps the code).
    fn lawful_basis(&self) -> Option<&'static str> {
        let code = self.participant.lawful_basis.as_deref()?;
        Some(LawfulBasis::parse(code).map_or("Not recognised", LawfulBasis::label))
    }

    /// An event of the history in words, never its stored codes.
    fn describe(&self, event: &AuditEvent) -> String {
        audit_text::describe(
            &event.entity,
            &event.action,
            event.before_json.as_deref(),
            event.after_json.as_deref(),
        )
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
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
    Query(searches): Query<Searches>,
    trail: Paging<(NaiveDateTime, i32)>,
) -> AppResult<Response> {
    let notice = match q.notice.as_deref() {
        Some("saved") => Some("The resident's details have been saved."),
        Some("enrolled") => Some("The resident has been enrolled."),
        Some("stage") => Some("The enrolment has been changed."),
        Some("equality") => Some("The equality monitoring answers have been saved."),
        Some("information_session") => Some("The information session has been noted."),
        _ => None,
    };
    let page = (notice, FieldErrors::new(), StatusCode::OK);
    render(&state, (actor, &user), id, searches, page, trail).await
}

/// The page with `notice` or `errors`, answered with `status`, showing the page `trail`
/// of the resident's history.
async fn render(
    state: &AppState,
    (actor, user): (Actor, &CurrentUser),
    id: i32,
    searches: Searches,
    (notice, errors, status): (Option<&'static str>, FieldErrors, StatusCode),
    trail: PageRequest<(NaiveDateTime, i32)>,
) -> AppResult<Response> {
    let search = ResidentSearch {
        cohort: searches.cohort_q.clone(),
        session: searches.session_q.clone(),
    };
    let (history, choices) = state
        .db
        .run(move |conn| {
            let history = history::resident(conn, &actor, id, &trail)?;
            Ok((history, pickers::for_resident(conn, &actor, id, &search)?))
        })
        .await?;
    let path = format!("/participants/{id}");
    let trail_pager = Pager::new(&path, &[], &trail, &history.trail);
    let layout = Layout::new(history.participant.full_name(), user, Section::Residents)
        .with_errors(!errors.is_empty());
    let page = ResidentPage {
        notice,
        errors,
        trail_pager,
        ..ResidentPage::of(history, &actor, layout, pickers_of(id, choices, &searches))
    };
    Ok((status, page).into_response())
}

impl ResidentPage {
    /// The page from the resident's history, without a notice or errors.
    fn of(
        history: ResidentHistory,
        actor: &Actor,
        layout: Layout,
        (cohort_picker, session_picker): (Picker, Picker),
    ) -> Self {
        let enrolments = EnrolmentCard::all(history.enrolments, &history.attendance);
        let courses = enrolments
            .iter()
            .map(|c| (&c.enrolment, &c.cohort))
            .collect();
        let career = Career::of(
            courses,
            &history.stage_changes,
            history.jobs,
            history.organisations,
            actor.today,
        );
        ResidentPage {
            layout,
            participant: history.participant,
            enrolments,
            cohort_picker,
            session_picker,
            attended_sessions: history.attended_sessions,
            trail: history.trail.items,
            trail_pager: Pager::default(),
            career,
            can_record_jobs: actor.can(Permission::RecordEmployments),
            can_edit: actor.can(Permission::EditParticipants),
            can_enrol: actor.can(Permission::ManageEnrolments),
            can_see_equality: actor.can(Permission::ViewEqualityData),
            notice: None,
            errors: FieldErrors::new(),
        }
    }
}

/// The enrol form's cohort picker and the information session picker, each searching
/// the page again while keeping the other's search.
fn pickers_of(id: i32, choices: ResidentChoices, searches: &Searches) -> (Picker, Picker) {
    let action = |anchor: &str| format!("/participants/{id}#{anchor}");
    let cohorts = Picker::new(
        ("cohort_id", "cohort_q"),
        ("Enrol in a cohort", "Choose a cohort", "cohorts"),
        choices.cohorts,
        |(c, programme): &(Cohort, String)| {
            let starts = c.starts_on.format("%-d %b %Y");
            (c.id, format!("{} – {programme} (starts {starts})", c.name))
        },
    )
    .searching(
        action("enrolments"),
        &searches.cohort_q,
        &[("session_q", &searches.session_q)],
    );
    let sessions = Picker::new(
        ("information_session_id", "session_q"),
        (
            "Registered at an information session",
            "Choose a session",
            "sessions",
        ),
        choices.sessions,
        |(s, programme): &(InformationSession, String)| {
            let held = s.held_on.format("%-d %b %Y");
            (s.id, format!("{held}, {} – {programme}", s.venue))
        },
    )
    .searching(
        action("information-sessions"),
        &searches.session_q,
        &[("cohort_q", &searches.cohort_q)],
    );
    (cohorts, sessions)
}

impl EnrolmentCard {
    /// A card for each enrolment, with its attendance from `attendance` (by cohort).
    fn all(
        enrolments: Vec<(Enrolment, Cohort)>,
        attendance: &HashMap<i32, CohortAttendance>,
    ) -> Vec<Self> {
        enrolments
            .into_iter()
            .map(|(enrolment, cohort)| EnrolmentCard {
                attendance: attendance
                    .get(&cohort.id)
                    .map(|m| m.summary(enrolment.id))
                    .unwrap_or_default(),
                enrolment,
                cohort,
            })
            .collect()
    }
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
    let then = ("enrolled#enrolments", "cohort_id");
    back_to_page(&state, (actor, &user), id, result, then).await
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
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<InformationSessionForm>,
) -> AppResult<Response> {
    let session_id: Option<i32> = form.information_session_id.trim().parse().ok();
    let note =
        move |conn: &mut _| participants::note_information_session(conn, &actor, id, session_id);
    let result = state.db.run(note).await;
    let then = ("information_session", "information_session_id");
    back_to_page(&state, (actor, &user), id, result, then).await
}

/// After a write from the resident's page: back to it with `notice`, or the page again
/// with the refusal shown at `field`.
async fn back_to_page<T>(
    state: &AppState,
    (actor, user): (Actor, &CurrentUser),
    id: i32,
    result: AppResult<T>,
    (notice, field): (&str, &str),
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(see_other(&format!("/participants/{id}?notice={notice}"))),
        Err(AppError::Validation(fields) | AppError::Conflict { fields, .. }) => {
            let mut errors = FieldErrors::new();
            for (_, message) in fields.iter() {
                errors.add(field, message.clone());
            }
            let page = (None, errors, StatusCode::UNPROCESSABLE_ENTITY);
            let trail = PageRequest::first(DEFAULT_PAGE_SIZE);
            render(state, (actor, user), id, Searches::default(), page, trail).await
        }
        Err(e) => Err(e),
    }
}
