//! Generating a cohort's schedule: the first time from the cohort page, and again only
//! behind its own page, which says how many sessions would be replaced, asks for
//! confirmation and refuses once a register is taken. Either way the cohort page then
//! lists the sessions moved off bank holidays and closure days.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::show::render_cohort;
use crate::actions::cohorts::{self, Generated, Regeneration};
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::state::AppState;
use crate::web::{Layout, Section, WebForm, see_other};

/// The most moves a redirect carries: more than any template has days.
const MOST_MOVES: usize = 400;

/// The page for generating a schedule again.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/regenerate.html")]
pub struct RegeneratePage {
    layout: Layout,
    regeneration: Regeneration,
    errors: FieldErrors,
}

/// Field of the generate form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GenerateForm {
    replace: String,
}

/// Field of the generate-again form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegenerateForm {
    confirm: String,
}

/// The cohort page after generating: the notice, and the days moved as `moved=` pairs.
fn generated_path(id: i32, generated: &Generated) -> String {
    let moved: Vec<String> = generated
        .moves
        .iter()
        .map(|m| format!("{}-{}", m.from.format("%Y%m%d"), m.to.format("%Y%m%d")))
        .collect();
    if moved.is_empty() {
        format!("/cohorts/{id}?notice=generated#schedule")
    } else {
        format!(
            "/cohorts/{id}?notice=generated&moved={}#schedule",
            moved.join(".")
        )
    }
}

/// Reads `moved=` pairs back; anything not of their shape is left out (the page only
/// names the days, each checked against the calendar before it is shown).
pub(super) fn moved_pairs(text: &str) -> Vec<(NaiveDate, NaiveDate)> {
    let day = |t: &str| NaiveDate::parse_from_str(t, "%Y%m%d").ok();
    text.split('.')
        .filter_map(|pair| {
            let (from, to) = pair.split_once('-')?;
            Some((day(from)?, day(to)?))
        })
        .take(MOST_MOVES)
        .collect()
}

/// `POST /cohorts/{id}/sessions/generate`: the first schedule (or, with `replace`, as
/// before the guarded page, a new one).
pub async fn generate(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<GenerateForm>,
) -> AppResult<Response> {
    let replace = form.replace == "yes";
    let result = state
        .db
        .run(move |conn| cohorts::generate(conn, &actor, id, Ok(replace)))
        .await;
    match result {
        Ok(generated) => Ok(see_other(&generated_path(id, &generated))),
        Err(AppError::Conflict { fields, .. }) => {
            render_cohort(&state, actor, &user, id, (None, Vec::new()), fields).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /cohorts/{id}/schedule/regenerate`
pub async fn regenerate_page(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    render(&state, actor, &user, id, FieldErrors::new()).await
}

/// `POST /cohorts/{id}/schedule/regenerate`: replaces the schedule once confirmed.
pub async fn regenerate(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<RegenerateForm>,
) -> AppResult<Response> {
    if form.confirm != "yes" {
        let mut errors = FieldErrors::new();
        errors.add(
            "confirm",
            "Confirm that the sessions in the schedule will be replaced",
        );
        // Checked for permission and visibility by the page itself.
        return render(&state, actor, &user, id, errors).await;
    }
    let result = state
        .db
        .run(move |conn| cohorts::generate(conn, &actor, id, Ok(true)))
        .await;
    match result {
        Ok(generated) => Ok(see_other(&generated_path(id, &generated))),
        Err(AppError::Conflict { fields, .. }) => render(&state, actor, &user, id, fields).await,
        Err(e) => Err(e),
    }
}

/// Renders the page: 200, 422 without confirmation, 409 when refused.
async fn render(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    id: i32,
    errors: FieldErrors,
) -> AppResult<Response> {
    let regeneration = state
        .db
        .run(move |conn| cohorts::regeneration(conn, &actor, id))
        .await?;
    let status = match errors.get("confirm") {
        _ if errors.is_empty() => StatusCode::OK,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::CONFLICT,
    };
    let page = RegeneratePage {
        layout: Layout::new("Generate the schedule again", user, Section::Cohorts)
            .with_errors(!errors.is_empty()),
        regeneration,
        errors,
    };
    Ok((status, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_travel_in_the_redirect_and_back() {
        let text = "20261225-20270111.20261228-20270112.junk.20270230-20270301";
        let pairs = moved_pairs(text);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            pairs,
            [
                (day(2026, 12, 25), day(2027, 1, 11)),
                (day(2026, 12, 28), day(2027, 1, 12))
            ]
        );
    }
}
