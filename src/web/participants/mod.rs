//! `/participants…`: the resident pages. Here the search, add and change forms; the
//! resident's own page (`/participants/{id}`) in `show`, its career timeline in
//! `timeline`, equality monitoring in `equality` and erasure in `erasure`.

pub mod equality;
pub mod erasure;
pub mod show;
pub mod timeline;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions::participants;
use crate::auth::CurrentUser;
use crate::domain::resident::{BenefitStatus, EmploymentStatus, LawfulBasis};
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::{Paging, PathId};
use crate::models::Participant;
use crate::models::participant_input::ParticipantInput;
use crate::state::AppState;
use crate::web::forms::DateBoxes;
use crate::web::paging::Pager;
use crate::web::{Layout, Section, WebForm, see_other};

/// The search page.
#[derive(Template, WebTemplate)]
#[template(path = "participants/list.html")]
pub struct ParticipantListPage {
    layout: Layout,
    q: String,
    participants: Vec<Participant>,
    pager: Pager,
    can_add: bool,
}

/// The add / change form.
#[derive(Template, WebTemplate)]
#[template(path = "participants/form.html")]
pub struct ParticipantFormPage {
    layout: Layout,
    errors: FieldErrors,
    form: ParticipantForm,
    editing: Option<i32>,
    existing: Option<i32>,
    employment_statuses: &'static [(&'static str, &'static str)],
    benefit_statuses: &'static [(&'static str, &'static str)],
    lawful_bases: &'static [(&'static str, &'static str)],
}

/// `?q=`
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

/// Fields of the resident form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ParticipantForm {
    pub(crate) given_name: String,
    pub(crate) family_name: String,
    pub(crate) date_of_birth_day: String,
    pub(crate) date_of_birth_month: String,
    pub(crate) date_of_birth_year: String,
    pub(crate) postcode: String,
    pub(crate) email: String,
    pub(crate) phone: String,
    pub(crate) referral_source: String,
    pub(crate) employment_status: String,
    pub(crate) months_unemployed: String,
    pub(crate) benefit_status: String,
    pub(crate) consent_given_on_day: String,
    pub(crate) consent_given_on_month: String,
    pub(crate) consent_given_on_year: String,
    pub(crate) lawful_basis: String,
}

impl ParticipantForm {
    fn of(p: &Participant) -> Self {
        let dob = DateBoxes::of(Some(p.date_of_birth));
        let consent = DateBoxes::of(p.consent_given_on);
        Self {
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            date_of_birth_day: dob.day,
            date_of_birth_month: dob.month,
            date_of_birth_year: dob.year,
            postcode: p.postcode.clone(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            referral_source: p.referral_source.clone().unwrap_or_default(),
            employment_status: p.employment_status.clone().unwrap_or_default(),
            months_unemployed: p
                .months_unemployed
                .map(|m| m.to_string())
                .unwrap_or_default(),
            benefit_status: p.benefit_status.clone().unwrap_or_default(),
            consent_given_on_day: consent.day,
            consent_given_on_month: consent.month,
            consent_given_on_year: consent.year,
            lawful_basis: p.lawful_basis.clone().unwrap_or_default(),
        }
    }

    /// The input to check, and the problems found reading the form itself (date boxes,
    /// months as a number).
    pub(crate) fn input(&self) -> (ParticipantInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let dob = DateBoxes {
            day: self.date_of_birth_day.clone(),
            month: self.date_of_birth_month.clone(),
            year: self.date_of_birth_year.clone(),
        };
        let consent = DateBoxes {
            day: self.consent_given_on_day.clone(),
            month: self.consent_given_on_month.clone(),
            year: self.consent_given_on_year.clone(),
        };
        let date_of_birth = dob.to_iso("date_of_birth", "Date of birth", &mut errors);
        let consent_given_on = consent.to_iso("consent_given_on", "Consent date", &mut errors);
        let months_unemployed = match self.months_unemployed.trim() {
            "" => None,
            m => m
                .parse()
                .map_err(|_| {
                    errors.add(
                        "months_unemployed",
                        "Months unemployed must be a whole number",
                    )
                })
                .ok(),
        };
        let text = |s: &str| Some(s.to_owned());
        let input = ParticipantInput {
            given_name: text(&self.given_name),
            family_name: text(&self.family_name),
            date_of_birth,
            postcode: text(&self.postcode),
            email: text(&self.email),
            phone: text(&self.phone),
            referral_source: text(&self.referral_source),
            employment_status: text(&self.employment_status),
            months_unemployed,
            benefit_status: text(&self.benefit_status),
            consent_given_on,
            lawful_basis: text(&self.lawful_basis),
        };
        (input, errors)
    }
}

/// `GET /participants?q=`
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
    paging: Paging,
) -> AppResult<ParticipantListPage> {
    let query = q.q.clone();
    let can_add = actor.can(Permission::EditParticipants);
    let page = state
        .db
        .run(move |conn| participants::search(conn, &actor, &query, &paging))
        .await?;
    Ok(ParticipantListPage {
        layout: Layout::new("Residents", &user, Section::Residents),
        pager: Pager::new("/participants", &[("q", &q.q)], &paging, &page),
        q: q.q,
        participants: page.items,
        can_add,
    })
}

/// `GET /participants/new`
pub async fn new(actor: Actor, user: CurrentUser) -> AppResult<Response> {
    actor.require(Permission::EditParticipants)?;
    Ok(render_form(
        &user,
        ParticipantForm::default(),
        None,
        None,
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /participants`
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<ParticipantForm>,
) -> AppResult<Response> {
    let (input, unread) = form.input();
    let result = state
        .db
        .run(move |conn| participants::create(conn, &actor, &input, unread))
        .await;
    after_save(&user, form, None, result)
}

/// `GET /participants/{id}/edit`
pub async fn edit(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let participant = state
        .db
        .run(move |conn| participants::for_edit(conn, &actor, id))
        .await?;
    Ok(render_form(
        &user,
        ParticipantForm::of(&participant),
        Some(id),
        None,
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /participants/{id}/edit`
pub async fn update(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<ParticipantForm>,
) -> AppResult<Response> {
    let (input, unread) = form.input();
    let result = state
        .db
        .run(move |conn| participants::update(conn, &actor, id, &input, unread))
        .await;
    after_save(&user, form, Some(id), result)
}

/// Redirects to the resident after a save, or re-renders the form with every problem.
fn after_save(
    user: &CurrentUser,
    form: ParticipantForm,
    editing: Option<i32>,
    result: AppResult<Participant>,
) -> AppResult<Response> {
    match result {
        Ok(p) => Ok(see_other(&format!("/participants/{}?notice=saved", p.id))),
        Err(AppError::Validation(errors)) => Ok(render_form(
            user,
            form,
            editing,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(AppError::Conflict { fields, .. }) => {
            let existing = fields
                .get("existing_participant_id")
                .and_then(|id| id.parse().ok());
            let mut errors = FieldErrors::new();
            if let Some(message) = fields.get("given_name") {
                errors.add("given_name", message);
            }
            Ok(render_form(
                user,
                form,
                editing,
                existing,
                errors,
                StatusCode::CONFLICT,
            ))
        }
        Err(e) => Err(e),
    }
}

fn render_form(
    user: &CurrentUser,
    form: ParticipantForm,
    editing: Option<i32>,
    existing: Option<i32>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let title = if editing.is_some() {
        "Change a resident's details"
    } else {
        "Add a resident"
    };
    let page = ParticipantFormPage {
        layout: Layout::new(title, user, Section::Residents).with_errors(!errors.is_empty()),
        errors,
        form,
        editing,
        existing,
        employment_statuses: EmploymentStatus::OPTIONS,
        benefit_statuses: BenefitStatus::OPTIONS,
        lawful_bases: LawfulBasis::OPTIONS,
    };
    (status, page).into_response()
}
