//! A programme's closure days page: the days its courses do not run (latest first, a
//! page at a time) with the coming year's bank holidays; administrators add and remove
//! closure days here.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::actions::closures::{self, ClosureInput, ClosuresView};
use crate::auth::{CurrentUser, Permission};
use crate::domain::Actor;
use crate::domain::bank_holidays::BankHoliday;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::{Paging, PathId};
use crate::models::ProgrammeDetails;
use crate::models::closure::ClosureDay;
use crate::state::AppState;
use crate::web::forms::{DateBoxes, status_for};
use crate::web::paging::Pager;
use crate::web::{Layout, Section, WebForm, see_other};

/// The closure days page.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/closures.html")]
pub struct ClosuresPage {
    layout: Layout,
    programme: ProgrammeDetails,
    closures: Vec<ClosureDay>,
    bank_holidays: Vec<BankHoliday>,
    pager: Pager,
    can_manage: bool,
    errors: FieldErrors,
    form: ClosureForm,
    notice: Option<&'static str>,
}

/// Fields of the add-a-closure form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClosureForm {
    closed_on_day: String,
    closed_on_month: String,
    closed_on_year: String,
    reason: String,
}

/// `?notice=`: the line of confirmation a redirect asked for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClosuresQuery {
    notice: Option<String>,
}

impl ClosureForm {
    /// The input for the action, and the problems only the form can see.
    fn input(&self) -> (ClosureInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let boxes = DateBoxes {
            day: self.closed_on_day.clone(),
            month: self.closed_on_month.clone(),
            year: self.closed_on_year.clone(),
        };
        let closed_on = boxes.to_iso("closed_on", "Date", &mut errors);
        let input = ClosureInput {
            closed_on,
            reason: Some(self.reason.clone()),
        };
        (input, errors)
    }
}

/// `GET /programmes/{id}/closures?cursor=`: 404 unless the user's organisation partners
/// in the programme.
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<ClosuresQuery>,
    paging: Paging<NaiveDate>,
) -> AppResult<Response> {
    let notice = match q.notice.as_deref() {
        Some("added") => Some("The closure day has been added."),
        Some("removed") => Some("The closure day has been removed."),
        _ => None,
    };
    render(&state, actor, &user, id, paging, Page::fresh(notice)).await
}

/// `POST /programmes/{id}/closures`: adds a closure day, or shows the form again with
/// its problems.
pub async fn add(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<ClosureForm>,
) -> AppResult<Response> {
    let (input, found) = form.input();
    let result = state
        .db
        .run(move |conn| closures::add(conn, &actor, id, input, found))
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/programmes/{id}/closures?notice=added"
        ))),
        Err(AppError::Validation(errors) | AppError::Conflict { fields: errors, .. }) => {
            let paging = Paging::first(crate::models::page::DEFAULT_PAGE_SIZE);
            let page = Page {
                form,
                errors,
                notice: None,
            };
            render(&state, actor, &user, id, paging, page).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /closures/{id}/remove`
pub async fn remove(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Response> {
    let removed = state
        .db
        .run(move |conn| closures::remove(conn, &actor, id))
        .await?;
    Ok(see_other(&format!(
        "/programmes/{}/closures?notice=removed",
        removed.programme_id
    )))
}

/// What the form part of the page holds.
struct Page {
    form: ClosureForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

impl Page {
    fn fresh(notice: Option<&'static str>) -> Self {
        Self {
            form: ClosureForm::default(),
            errors: FieldErrors::new(),
            notice,
        }
    }
}

/// Renders the page: 200, or 422 when the form carries problems.
async fn render(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    id: i32,
    paging: Paging<NaiveDate>,
    page: Page,
) -> AppResult<Response> {
    let can_manage = actor.can(Permission::ManageProgrammes);
    let view: ClosuresView = state
        .db
        .run(move |conn| closures::list(conn, &actor, id, &paging))
        .await?;
    let path = format!("/programmes/{id}/closures");
    let pager = Pager::new(&path, &[], &paging, &view.closures);
    let title = format!("Closure days: {}", view.programme.name);
    let status = status_for(&page.errors);
    let body = ClosuresPage {
        layout: Layout::new(title, user, Section::Programmes).with_errors(!page.errors.is_empty()),
        programme: view.programme,
        closures: view.closures.items,
        bank_holidays: view.bank_holidays,
        pager,
        can_manage,
        errors: page.errors,
        form: page.form,
        notice: page.notice,
    };
    Ok((status, body).into_response())
}
