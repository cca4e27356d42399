//! Programme pages: the programmes the user's organisation partners in, each with its
//! information sessions (here); admins create and change them (`admin`) and set the days
//! their courses do not run (`closures`).

pub mod admin;
pub mod closures;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::forms::DateBoxes;
use super::{Layout, Section, WebForm, see_other};
use crate::actions::information_sessions::{self, InformationSessionQuery};
use crate::actions::programmes;
use crate::auth::{CurrentUser, Permission};
use crate::domain::Actor;
use crate::error::{AppResult, FieldErrors};
use crate::extract::{Paging, PathId};
use crate::models::ProgrammeDetails;
use crate::models::information_session::{InformationSession, InformationSessionInput};
use crate::state::AppState;
use crate::web::paging::Pager;
/// The list of programmes.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/list.html")]
pub struct ProgrammeListPage {
    layout: Layout,
    q: String,
    programmes: Vec<ProgrammeDetails>,
    pager: Pager,
    can_manage: bool,
}

/// One programme.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/show.html")]
pub struct ProgrammePage {
    layout: Layout,
    programme: ProgrammeDetails,
    information_sessions: Vec<(InformationSession, i64)>,
    year: String,
    pager: Pager,
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

/// `?notice=&year=`: the programme page's notice and its information sessions' filter.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    notice: Option<String>,
    #[serde(flatten)]
    sessions: InformationSessionQuery,
}

/// `?q=`: part of a programme's name.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NameQuery {
    q: String,
}

/// Which information sessions the programme page shows.
struct SessionsShown {
    query: InformationSessionQuery,
    paging: Paging<(NaiveDate, i32)>,
}

impl InformationSessionForm {
    /// The input for the action, and the problems only the form can see.
    fn input(&self) -> (InformationSessionInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let boxes = DateBoxes {
            day: self.held_on_day.clone(),
            month: self.held_on_month.clone(),
            year: self.held_on_year.clone(),
        };
        let held_on = boxes.to_iso("held_on", "Date", &mut errors);
        let head_count = match self.head_count.trim() {
            "" => None,
            n => n
                .parse()
                .map_err(|_| errors.add("head_count", "Head count must be a whole number"))
                .ok(),
        };
        let input = InformationSessionInput {
            held_on,
            venue: Some(self.venue.clone()),
            head_count,
        };
        (input, errors)
    }
}

/// `GET /programmes?q=`: a page of programmes by id, searched by name.
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NameQuery>,
    paging: Paging,
) -> AppResult<ProgrammeListPage> {
    let name = q.q.clone();
    let page = state
        .db
        .run(move |conn| programmes::search(conn, &actor, &name, &paging))
        .await?;
    Ok(ProgrammeListPage {
        layout: Layout::new("Programmes", &user, Section::Programmes),
        pager: Pager::new("/programmes", &[("q", &q.q)], &paging, &page),
        q: q.q,
        programmes: page.items,
        can_manage: user.can(Permission::ManageProgrammes),
    })
}

/// `GET /programmes/{id}?year=&cursor=`: 404 unless the user's organisation partners in
/// it.
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<ShowQuery>,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<Response> {
    let notice = (q.notice.as_deref() == Some("information_session"))
        .then_some("The information session has been recorded.");
    let form = InformationSessionForm::default();
    let shown = SessionsShown {
        query: q.sessions,
        paging,
    };
    render(
        &state,
        actor,
        &user,
        id,
        shown,
        form,
        FieldErrors::new(),
        notice,
    )
    .await
}

/// Renders the programme page: 200, or 422 when the information session form carries
/// problems.
#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    id: i32,
    shown: SessionsShown,
    form: InformationSessionForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> AppResult<Response> {
    let year = shown.query.year()?;
    let paging = shown.paging;
    let (programme, sessions) = state
        .db
        .run(move |conn| programmes::page(conn, &actor, id, year, &paging))
        .await?;
    let year = shown.query.year.unwrap_or_default();
    let path = format!("/programmes/{id}");
    let pager = Pager::new(&path, &[("year", &year)], &paging, &sessions);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ProgrammePage {
        layout: Layout::new(programme.name.clone(), user, Section::Programmes)
            .with_errors(!errors.is_empty()),
        programme,
        information_sessions: sessions.items,
        year,
        pager,
        can_record: actor.can(Permission::ManageCohorts),
        can_manage: actor.can(Permission::ManageProgrammes),
        errors,
        form,
        notice,
    };
    Ok((status, page).into_response())
}

/// `POST /programmes/{id}/information-sessions`
pub async fn record_information_session(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<InformationSessionForm>,
) -> AppResult<Response> {
    let (input, found) = form.input();
    let result = state
        .db
        .run(move |conn| information_sessions::record(conn, &actor, id, Ok(input), found))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/programmes/{id}?notice=information_session#information-sessions"
        ))),
        Err(crate::error::AppError::Validation(errors)) => {
            let shown = SessionsShown {
                query: InformationSessionQuery::default(),
                paging: Paging::first(crate::models::page::DEFAULT_PAGE_SIZE),
            };
            render(&state, actor, &user, id, shown, form, errors, None).await
        }
        Err(e) => Err(e),
    }
}
