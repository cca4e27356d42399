//! Programme pages: the programmes the user's organisation partners in.

use crate::extract::PathId;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{DateBoxes, merge};
use super::{Layout, Section, WebForm, see_other};
use crate::auth::{CurrentUser, Permission};
use crate::error::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::models::information_session::{
    self, InformationSession, InformationSessionInput, check,
};
use crate::models::{MAX_PAGE_SIZE, Programme, ProgrammeDetails};
use crate::state::AppState;

/// The list of programmes.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/list.html")]
pub struct ProgrammeListPage {
    layout: Layout,
    programmes: Vec<ProgrammeDetails>,
    can_manage: bool,
}

/// One programme.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/show.html")]
pub struct ProgrammePage {
    layout: Layout,
    programme: ProgrammeDetails,
    information_sessions: Vec<(InformationSession, i64)>,
    can_record: bool,
    can_manage: bool,
    errors: FieldErrors,
    form: InformationSessionForm,
    notice: Option<&'static str>,
}

/// Fields of the information session form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InformationSessionForm {
    held_on_day: String,
    held_on_month: String,
    held_on_year: String,
    venue: String,
    head_count: String,
}

/// `?notice=`
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /programmes`
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<ProgrammeListPage> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let programmes = state
        .db
        .run(move |conn| {
            let programmes = Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?;
            Ok(Programme::with_details(conn, programmes)?)
        })
        .await?;
    Ok(ProgrammeListPage {
        layout: Layout::new("Programmes", &user, Section::Programmes),
        programmes,
        can_manage: user.can(Permission::ManageProgrammes),
    })
}

/// `GET /programmes/{id}`: 404 unless the user's organisation partners in it.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = (q.notice.as_deref() == Some("information_session"))
        .then_some("The information session has been recorded.");
    render(
        &state,
        &user,
        id,
        InformationSessionForm::default(),
        FieldErrors::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
    form: InformationSessionForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
    status: StatusCode,
) -> AppResult<Response> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let (programme, information_sessions) = state
        .db
        .run(move |conn| {
            let programme = Programme::find_visible(conn, id, scope)?;
            let details = Programme::with_details(conn, vec![programme])?
                .pop()
                .ok_or(AppError::NotFound)?;
            Ok((details, InformationSession::list_for_programme(conn, id)?))
        })
        .await?;
    let page = ProgrammePage {
        layout: Layout::new(programme.name.clone(), user, Section::Programmes)
            .with_errors(!errors.is_empty()),
        programme,
        information_sessions,
        can_record: user.can(Permission::ManageCohorts),
        can_manage: user.can(Permission::ManageProgrammes),
        errors,
        form,
        notice,
    };
    Ok((status, page).into_response())
}

/// `POST /programmes/{id}/information-sessions`
pub async fn record_information_session(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<InformationSessionForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageCohorts)?;
    let mut form_errors = FieldErrors::new();
    let boxes = DateBoxes {
        day: form.held_on_day.clone(),
        month: form.held_on_month.clone(),
        year: form.held_on_year.clone(),
    };
    let held_on = boxes.to_iso("held_on", "Date", &mut form_errors);
    let head_count = match form.head_count.trim() {
        "" => None,
        n => n
            .parse()
            .map_err(|_| form_errors.add("head_count", "Head count must be a whole number"))
            .ok(),
    };
    let input = InformationSessionInput {
        held_on,
        venue: Some(form.venue.clone()),
        head_count,
    };
    let checked = check(&input, state.clock.today());
    let fields = match checked {
        Ok(fields) if form_errors.is_empty() => fields,
        Ok(_) => {
            return render(
                &state,
                &user,
                id,
                form,
                form_errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(errors) => {
            return render(
                &state,
                &user,
                id,
                form,
                merge(form_errors, errors),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    state
        .db
        .run(move |conn| {
            Programme::find_visible(conn, id, scope)?;
            information_session::create(conn, actor, id, fields, now)
        })
        .await?;
    Ok(see_other(&format!(
        "/programmes/{id}?notice=information_session#information-sessions"
    )))
}
