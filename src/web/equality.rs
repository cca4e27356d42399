//! The equality monitoring form: kept apart from the resident's details, seen and
//! changed only by coordinators and admins.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{DateBoxes, merge};
use super::{Layout, Section, WebForm, see_other};
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::equality::{DISABILITY, ETHNIC_GROUPS, SEXES, label};
use crate::models::participant_input::{check_equality, save_equality};
use crate::models::{EqualityAnswers, Participant, access};
use crate::state::AppState;

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
