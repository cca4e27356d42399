//! The equality monitoring form: kept apart from the resident's details, seen and
//! changed only by coordinators and admins.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions::participants;
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::equality::{DISABILITY, ETHNIC_GROUPS, SEXES, label};
use crate::models::{EqualityAnswers, Participant};
use crate::state::AppState;
use crate::web::forms::{DateBoxes, status_for};
use crate::web::{Layout, Section, WebForm, see_other};

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
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (participant, answers) = state
        .db
        .run(move |conn| participants::equality(conn, &actor, id))
        .await?;
    let form = EqualityForm::of(answers);
    Ok(equality_page(&user, participant, form, FieldErrors::new()))
}

impl EqualityForm {
    /// The form filled in with the answers on file.
    fn of(answers: EqualityAnswers) -> Self {
        let consent = DateBoxes::of(answers.consent_given_on);
        EqualityForm {
            ethnic_group: answers.ethnic_group.unwrap_or_default(),
            sex: answers.sex.unwrap_or_default(),
            disability: answers.disability.unwrap_or_default(),
            consent_given_on_day: consent.day,
            consent_given_on_month: consent.month,
            consent_given_on_year: consent.year,
        }
    }

    /// The answers the form submits, with problems reading the consent date.
    fn answers(&self) -> (EqualityAnswers, FieldErrors) {
        let mut errors = FieldErrors::new();
        let consent = DateBoxes {
            day: self.consent_given_on_day.clone(),
            month: self.consent_given_on_month.clone(),
            year: self.consent_given_on_year.clone(),
        };
        let consent_given_on = consent
            .to_iso("consent_given_on", "Consent date", &mut errors)
            .and_then(|d| d.parse().ok());
        let optional = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        let answers = EqualityAnswers {
            ethnic_group: optional(&self.ethnic_group),
            sex: optional(&self.sex),
            disability: optional(&self.disability),
            consent_given_on,
        };
        (answers, errors)
    }
}

/// `POST /participants/{id}/equality`
pub async fn save_equality_form(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EqualityForm>,
) -> AppResult<Response> {
    let (answers, unread) = form.answers();
    let save = move |conn: &mut _| participants::save_equality(conn, &actor, id, &answers, unread);
    match state.db.run(save).await {
        Ok(_) => Ok(see_other(&format!("/participants/{id}?notice=equality"))),
        Err(AppError::Validation(errors)) => {
            let participant = state
                .db
                .run(move |conn| participants::equality(conn, &actor, id))
                .await?
                .0;
            Ok(equality_page(&user, participant, form, errors))
        }
        Err(e) => Err(e),
    }
}

fn equality_page(
    user: &CurrentUser,
    participant: Participant,
    form: EqualityForm,
    errors: FieldErrors,
) -> Response {
    let status = status_for(&errors);
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
