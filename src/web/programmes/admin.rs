//! Admin pages for programmes: name, description, partner organisations, completion
//! threshold and the course template (which days of which weeks are college or placement).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::actions::programmes::{self, ProgrammeInput, TemplateDayInput};
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::{Organisation, TemplateDay};
use crate::state::AppState;
use crate::web::{Layout, Section, WebForm, see_other};

/// Weeks the template grid offers.
const GRID_WEEKS: i32 = 12;
/// Day names for the grid's columns.
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The programme form.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/form.html")]
pub struct ProgrammeFormPage {
    layout: Layout,
    editing: Option<i32>,
    errors: FieldErrors,
    name: String,
    description: String,
    threshold: String,
    organisations: Vec<Organisation>,
    partners: Vec<i32>,
    grid: HashMap<(i32, i32), String>,
    weeks: Vec<i32>,
    days: [&'static str; 7],
}

impl ProgrammeFormPage {
    fn cell(&self, week: &i32, day: &usize) -> &str {
        self.grid
            .get(&(*week, *day as i32 + 1))
            .map_or("", String::as_str)
    }
    fn is_partner(&self, id: &i32) -> bool {
        self.partners.contains(id)
    }
}

/// `GET /programmes/new`: the Lincoln Green template and an 80 % threshold to start from.
pub async fn new(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let form = ProgrammeFields {
        threshold: "80".into(),
        grid: TemplateDay::lincoln_green()
            .into_iter()
            .map(|d| ((d.week_number, d.weekday), d.kind))
            .collect(),
        ..ProgrammeFields::default()
    };
    render(&state, actor, &user, None, FieldErrors::new(), form).await
}

/// `GET /programmes/{id}/edit`
pub async fn edit(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let details = state
        .db
        .run(move |conn| programmes::for_edit(conn, &actor, id))
        .await?;
    let form = ProgrammeFields {
        name: details.name.clone(),
        description: details.description.clone(),
        threshold: details.completion_threshold.to_string(),
        partners: details.partner_organisation_ids.clone(),
        grid: details
            .template
            .iter()
            .map(|d| ((d.week_number, d.weekday), d.kind.clone()))
            .collect(),
    };
    render(&state, actor, &user, Some(id), FieldErrors::new(), form).await
}

/// What the form holds: typed text, ticked partners and the template grid.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFields {
    name: String,
    description: String,
    threshold: String,
    partners: Vec<i32>,
    grid: HashMap<(i32, i32), String>,
}

impl ProgrammeFields {
    /// Reads a submitted form.
    fn read(fields: &[(String, String)]) -> Self {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let partners = fields
            .iter()
            .filter(|(k, _)| k == "partner")
            .filter_map(|(_, v)| v.parse().ok())
            .collect();
        let grid = fields
            .iter()
            .filter_map(|(k, v)| {
                let (week, day) = k.strip_prefix("day_")?.split_once('_')?;
                Some(((week.parse().ok()?, day.parse().ok()?), v.clone()))
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Self {
            name: get("name"),
            description: get("description"),
            threshold: get("completion_threshold"),
            partners,
            grid,
        }
    }

    /// The input for the action, and the problems only the form can see.
    fn input(&self) -> (ProgrammeInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let threshold = self
            .threshold
            .trim()
            .parse()
            .map_err(|_| {
                errors.add(
                    "completion_threshold",
                    "Completion threshold must be a whole number from 1 to 100",
                )
            })
            .ok();
        let mut template: Vec<TemplateDayInput> = self
            .grid
            .iter()
            .map(|((week_number, weekday), kind)| TemplateDayInput {
                week_number: *week_number,
                weekday: *weekday,
                kind: kind.clone(),
            })
            .collect();
        template.sort_by_key(|d| (d.week_number, d.weekday));
        let input = ProgrammeInput {
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            partner_organisation_ids: Some(self.partners.clone()),
            completion_threshold: threshold,
            template: Some(template),
        };
        (input, errors)
    }
}

/// `POST /programmes`
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(&state, actor, &user, None, ProgrammeFields::read(&fields)).await
}

/// `POST /programmes/{id}/edit`
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    save(
        &state,
        actor,
        &user,
        Some(id),
        ProgrammeFields::read(&fields),
    )
    .await
}

/// Creates or changes the programme, or shows the form again with its problems.
async fn save(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    editing: Option<i32>,
    form: ProgrammeFields,
) -> AppResult<Response> {
    let (input, found) = form.input();
    let result = state
        .db
        .run(move |conn| match editing {
            None => programmes::create(conn, &actor, Ok(input), found),
            Some(id) => programmes::update(conn, &actor, id, Ok(input), found),
        })
        .await;
    match result {
        Ok(p) => Ok(see_other(&format!("/programmes/{}", p.id))),
        Err(AppError::Validation(e) | AppError::Conflict { fields: e, .. }) => {
            render(state, actor, user, editing, e, form).await
        }
        Err(e) => Err(e),
    }
}

/// Renders the form: 200 when fresh, 422 when it carries problems.
async fn render(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    editing: Option<i32>,
    errors: FieldErrors,
    form: ProgrammeFields,
) -> AppResult<Response> {
    let organisations: Vec<Organisation> = state
        .db
        .run(move |conn| programmes::partner_choices(conn, &actor))
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors = errors_for_form(errors);
    let most = form.grid.keys().map(|(w, _)| *w).max().unwrap_or(0);
    let title = if editing.is_some() {
        "Change programme"
    } else {
        "Create a programme"
    };
    let page = ProgrammeFormPage {
        layout: Layout::new(title, user, Section::Programmes).with_errors(!errors.is_empty()),
        editing,
        errors,
        name: form.name,
        description: form.description,
        threshold: form.threshold,
        organisations,
        partners: form.partners,
        grid: form.grid,
        weeks: (1..=GRID_WEEKS.max(most)).collect(),
        days: DAYS,
    };
    Ok((status, page).into_response())
}

/// Template problems are reported per day (`template[3]`); the form shows one message on
/// the grid instead.
fn errors_for_form(errors: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter() {
        let field = if field.starts_with("template") {
            "template"
        } else {
            field.as_str()
        };
        let field = if field == "partner_organisation_ids" {
            "partners"
        } else {
            field
        };
        out.add(field, message.clone());
    }
    out
}
