//! Session pages: changing one session, and the attendance register: one screen per
//! session, every resident editable at once, "mark all present" (filling only the blank
//! lines) without JavaScript, and a save over someone else's later one refused.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::DateBoxes;
use super::{Layout, Section, WebForm, see_other};
use crate::actions::registers::{self, FormOutcome, RegisterView};
use crate::actions::sessions::{self, SessionInput};
use crate::auth::CurrentUser;
use crate::domain::local_time::InLondon as _;
use crate::domain::{Actor, Mark, RegisterStatus};
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::CourseSession;
use crate::models::register::RegisterLine;
use crate::state::AppState;

/// The register page.
#[derive(Template, WebTemplate)]
#[template(path = "sessions/register.html")]
pub struct RegisterPage {
    layout: Layout,
    session: CourseSession,
    cohort: crate::models::Cohort,
    lines: Vec<RegisterLine>,
    marks: Vec<MarkChoice>,
    can_mark: bool,
    open: bool,
    status: RegisterStatus,
    taken_by: Option<String>,
    updated_by: Option<String>,
    form_version: i32,
    errors: FieldErrors,
}

impl RegisterPage {
    /// The page of a register with `status` (422 or 409 when it carries problems).
    fn render(
        user: &CurrentUser,
        view: RegisterView,
        errors: FieldErrors,
        status: StatusCode,
    ) -> Response {
        let title = format!(
            "Register for {}",
            view.session.held_on.format("%A %-d %B %Y")
        );
        let page = RegisterPage {
            layout: Layout::new(title, user, Section::Cohorts).with_errors(!errors.is_empty()),
            open: view.open,
            session: view.session,
            cohort: view.cohort,
            lines: view.lines,
            marks: MarkChoice::all(),
            can_mark: view.can_mark,
            status: view.status,
            taken_by: view.taken_by,
            updated_by: view.updated_by,
            form_version: view.form_version,
            errors,
        };
        (status, page).into_response()
    }
}

/// One mark as the register offers it: the stored code, the word people read, and the
/// letter a phone shows in its place (the word stays the choice's accessible name).
pub struct MarkChoice {
    code: &'static str,
    label: &'static str,
    short: &'static str,
}

impl MarkChoice {
    /// Every mark, in the order the register offers them.
    fn all() -> Vec<MarkChoice> {
        Mark::ALL
            .into_iter()
            .map(|mark| MarkChoice {
                code: mark.as_str(),
                label: mark.label(),
                short: match mark {
                    Mark::Present => "P",
                    Mark::Late => "L",
                    Mark::AuthorisedAbsence => "A",
                    Mark::UnauthorisedAbsence => "U",
                },
            })
            .collect()
    }
}

/// The change-session page.
#[derive(Template, WebTemplate)]
#[template(path = "sessions/edit.html")]
pub struct SessionPage {
    layout: Layout,
    session: CourseSession,
    form: SessionForm,
    errors: FieldErrors,
}

/// `GET /sessions/{id}/register`
pub async fn register_page(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let view = state
        .db
        .run(move |conn| registers::show(conn, &actor, id))
        .await?;
    Ok(RegisterPage::render(
        &user,
        view,
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /sessions/{id}/register`: saves every row in one transaction; or re-renders
/// naming each resident left unmarked (422), with the marks saved meanwhile by someone
/// else (409), or with the blank lines filled present ("Mark all present", nothing saved).
pub async fn save_register(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let submitted: HashMap<String, String> = fields.into_iter().collect();
    let outcome = state
        .db
        .run(move |conn| registers::save_form(conn, &actor, id, &submitted))
        .await?;
    Ok(match outcome {
        FormOutcome::Saved(saved) => see_other(&format!(
            "/cohorts/{}?notice=register#schedule",
            saved.cohort.id
        )),
        FormOutcome::Filled(page) => {
            RegisterPage::render(&user, page, FieldErrors::new(), StatusCode::OK)
        }
        FormOutcome::Refused(page, errors) => {
            RegisterPage::render(&user, page, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        FormOutcome::Stale(page, errors) => {
            RegisterPage::render(&user, page, errors, StatusCode::CONFLICT)
        }
    })
}

/// Fields of the change-session form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    held_on_day: String,
    held_on_month: String,
    held_on_year: String,
    topic: String,
    cancelled: String,
    /// "yes" once the user confirms a move onto a bank holiday or closure day.
    keep_closed: String,
}

impl SessionForm {
    /// The form filled with a session.
    fn of(session: &CourseSession) -> Self {
        let boxes = DateBoxes::of(Some(session.held_on));
        Self {
            held_on_day: boxes.day,
            held_on_month: boxes.month,
            held_on_year: boxes.year,
            topic: session.topic.clone(),
            cancelled: if session.cancelled {
                "yes".into()
            } else {
                String::new()
            },
            keep_closed: String::new(),
        }
    }

    /// The input for the action, and the problems only the form can see.
    fn input(&self) -> (SessionInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let boxes = DateBoxes {
            day: self.held_on_day.clone(),
            month: self.held_on_month.clone(),
            year: self.held_on_year.clone(),
        };
        let held_on = boxes.to_iso("held_on", "Date", &mut errors);
        if boxes.is_blank() {
            errors.add("held_on", "Enter the date of the session");
        }
        let input = SessionInput {
            held_on,
            topic: Some(self.topic.clone()),
            cancelled: Some(self.cancelled == "yes"),
        };
        (input, errors)
    }
}

/// `GET /sessions/{id}/edit`
pub async fn edit(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<SessionPage> {
    let session = state
        .db
        .run(move |conn| sessions::for_edit(conn, &actor, id))
        .await?;
    Ok(SessionPage {
        layout: Layout::new("Change a session", &user, Section::Cohorts),
        form: SessionForm::of(&session),
        session,
        errors: FieldErrors::new(),
    })
}

/// `POST /sessions/{id}/edit`
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<SessionForm>,
) -> AppResult<Response> {
    let (input, found) = form.input();
    let keep_closed = form.keep_closed == "yes";
    let outcome = state
        .db
        .run(move |conn| sessions::update_form(conn, &actor, id, input, found, keep_closed))
        .await?;
    match outcome {
        Ok(saved) => Ok(see_other(&format!(
            "/cohorts/{}?notice=updated#schedule",
            saved.cohort_id
        ))),
        Err((session, errors)) => {
            let page = SessionPage {
                layout: Layout::new("Change a session", &user, Section::Cohorts).with_errors(true),
                session,
                form,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
