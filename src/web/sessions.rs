//! Session pages: changing one session, and the attendance register: one screen per
//! session, every resident editable at once, "mark all present" without JavaScript.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{DateBoxes, merge};
use super::{Layout, Section, WebForm, see_other};
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::attendance::{RegisterEntry, STATUSES};
use crate::models::cohort_input::{SessionInput, update_session};
use crate::models::register::{self, RegisterLine};
use crate::models::{Cohort, CourseSession, access};
use crate::state::AppState;

/// The register page.
#[derive(Template, WebTemplate)]
#[template(path = "sessions/register.html")]
pub struct RegisterPage {
    layout: Layout,
    session: CourseSession,
    cohort: Cohort,
    lines: Vec<RegisterLine>,
    statuses: [(&'static str, &'static str); 4],
    can_mark: bool,
    open: bool,
    errors: FieldErrors,
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

/// Query of the register page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterQuery {
    prefill: Option<String>,
}

/// `GET /sessions/{id}/register`; `?prefill=present` shows everyone as present and saves
/// nothing.
pub async fn register_page(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    user.require(Permission::ViewParticipants)?;
    let scope = user.scope();
    let (session, cohort, mut lines) = state
        .db
        .run(move |conn| {
            let (session, cohort) = access::session(conn, id, scope)?;
            let lines = register::load(conn, &session)?;
            Ok((session, cohort, lines))
        })
        .await?;
    if q.prefill.as_deref() == Some("present") {
        for line in &mut lines {
            line.status = Some("present".into());
        }
    }
    Ok(render_register(
        &state,
        &user,
        session,
        cohort,
        lines,
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /sessions/{id}/register`: saves every row in one transaction, or re-renders
/// naming each resident left unmarked.
pub async fn save_register(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require(Permission::TakeAttendance)?;
    let submitted: HashMap<String, String> = fields.into_iter().collect();
    let scope = user.scope();
    let (session, cohort, mut lines) = state
        .db
        .run(move |conn| {
            let (session, cohort) = access::session(conn, id, scope)?;
            let lines = register::load(conn, &session)?;
            Ok((session, cohort, lines))
        })
        .await?;
    let mut errors = FieldErrors::new();
    let mut entries = Vec::with_capacity(lines.len());
    for line in &mut lines {
        let key = format!("status_{}", line.enrolment_id);
        match submitted
            .get(&key)
            .filter(|s| STATUSES.iter().any(|(c, _)| c == s))
        {
            Some(status) => {
                line.status = Some(status.clone());
                entries.push(RegisterEntry {
                    enrolment_id: line.enrolment_id,
                    status: Some(status.clone()),
                });
            }
            None => errors.add(&key, format!("Select attendance for {}", line.full_name())),
        }
    }
    if !errors.is_empty() {
        return Ok(render_register(
            &state,
            &user,
            session,
            cohort,
            lines,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let (actor, today, now) = (user.id, state.clock.today(), state.clock.now());
    let saved_session = session.clone();
    let result = state
        .db
        .run(move |conn| register::save(conn, actor, &saved_session, &entries, today, now))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/cohorts/{}?notice=register#roster",
            cohort.id
        ))),
        Err(AppError::Validation(errors)) => Ok(render_register(
            &state,
            &user,
            session,
            cohort,
            lines,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

fn render_register(
    state: &AppState,
    user: &CurrentUser,
    session: CourseSession,
    cohort: Cohort,
    lines: Vec<RegisterLine>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let title = format!("Register for {}", session.held_on.format("%A %-d %B %Y"));
    let page = RegisterPage {
        layout: Layout::new(title, user, Section::Cohorts).with_errors(!errors.is_empty()),
        open: !session.cancelled && session.held_on <= state.clock.today(),
        session,
        cohort,
        lines,
        statuses: STATUSES,
        can_mark: user.can(Permission::TakeAttendance),
        errors,
    };
    (status, page).into_response()
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
}

/// `GET /sessions/{id}/edit`
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<SessionPage> {
    user.require(Permission::ManageCohorts)?;
    let scope = user.scope();
    let (session, _) = state
        .db
        .run(move |conn| Ok(access::session(conn, id, scope)?))
        .await?;
    let boxes = DateBoxes::of(Some(session.held_on));
    let form = SessionForm {
        held_on_day: boxes.day,
        held_on_month: boxes.month,
        held_on_year: boxes.year,
        topic: session.topic.clone(),
        cancelled: if session.cancelled {
            "yes".into()
        } else {
            String::new()
        },
    };
    Ok(SessionPage {
        layout: Layout::new("Change a session", &user, Section::Cohorts),
        session,
        form,
        errors: FieldErrors::new(),
    })
}

/// `POST /sessions/{id}/edit`
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<SessionForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageCohorts)?;
    let mut form_errors = FieldErrors::new();
    let boxes = DateBoxes {
        day: form.held_on_day.clone(),
        month: form.held_on_month.clone(),
        year: form.held_on_year.clone(),
    };
    let held_on = boxes.to_iso("held_on", "Date", &mut form_errors);
    if boxes.is_blank() {
        form_errors.add("held_on", "Enter the date of the session");
    }
    let input = SessionInput {
        held_on,
        topic: Some(form.topic.clone()),
        cancelled: Some(form.cancelled == "yes"),
    };
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let (session, _) = state
        .db
        .run(move |conn| Ok(access::session(conn, id, scope)?))
        .await?;
    let result = if form_errors.is_empty() {
        let before = session.clone();
        state
            .db
            .run(move |conn| update_session(conn, actor, &before, input, now))
            .await
    } else {
        Err(AppError::Validation(FieldErrors::new()))
    };
    match result {
        Ok(saved) => Ok(see_other(&format!(
            "/cohorts/{}?notice=updated#schedule",
            saved.cohort_id
        ))),
        Err(AppError::Validation(errors)) => {
            let errors = merge(form_errors, errors);
            let page = SessionPage {
                layout: Layout::new("Change a session", &user, Section::Cohorts).with_errors(true),
                session,
                form,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
