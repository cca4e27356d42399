//! Erasing a resident's personal data (admins only): a confirmation page with a warning
//! button, then the erasure, then a confirmation. Erasing twice is harmless.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions::personal_data;
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::domain::local_time::InLondon as _;
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::Participant;
use crate::models::erasure::Erasure;
use crate::state::AppState;
use crate::web::{Layout, Section, WebForm};

/// "Erase this resident's personal data?"
#[derive(Template, WebTemplate)]
#[template(path = "participants/erase.html")]
pub struct ErasePage {
    layout: Layout,
    participant: Participant,
    errors: FieldErrors,
    /// Set once the erasure is done (the confirmation).
    done: bool,
}

/// The confirmation box.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EraseForm {
    confirm: String,
}

fn page(
    user: &CurrentUser,
    participant: Participant,
    errors: FieldErrors,
    done: bool,
) -> ErasePage {
    let title = if done || participant.erased_at.is_some() {
        "Personal data erased".to_owned()
    } else {
        format!("Erase {}'s personal data", participant.full_name())
    };
    ErasePage {
        layout: Layout::new(title, user, Section::Residents).with_errors(!errors.is_empty()),
        participant,
        errors,
        done,
    }
}

/// `GET /participants/{id}/erase`
pub async fn confirm_page(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let participant = state
        .db
        .run(move |conn| personal_data::for_erasure(conn, &actor, id))
        .await?;
    Ok(page(&user, participant, FieldErrors::new(), false).into_response())
}

/// `POST /participants/{id}/erase`
pub async fn erase(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EraseForm>,
) -> AppResult<Response> {
    let confirmed = form.confirm == "yes";
    let (participant, outcome) = state
        .db
        .run(move |conn| personal_data::erase(conn, &actor, id, confirmed))
        .await?;
    match outcome {
        Some(Erasure::Erased | Erasure::AlreadyErased(_)) => {
            Ok(page(&user, participant, FieldErrors::new(), true).into_response())
        }
        None => {
            let mut errors = FieldErrors::new();
            errors.add(
                "confirm",
                "Confirm that the resident's personal data should be erased",
            );
            let page = page(&user, participant, errors, false);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
