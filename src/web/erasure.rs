//! Erasing a resident's personal data (admins only): a confirmation page with a warning
//! button, then the erasure, then a confirmation. Erasing twice is harmless.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, Section, WebForm};
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::erasure::{Erasure, erase_participant};
use crate::models::{Participant, access};
use crate::state::AppState;

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
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::EraseParticipants)?;
    let scope = user.scope();
    let participant = state
        .db
        .run(move |conn| Ok(access::participant(conn, id, scope)?))
        .await?;
    Ok(page(&user, participant, FieldErrors::new(), false).into_response())
}

/// `POST /participants/{id}/erase`
pub async fn erase(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EraseForm>,
) -> AppResult<Response> {
    user.require(Permission::EraseParticipants)?;
    let confirmed = form.confirm == "yes";
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let (participant, outcome) = state
        .db
        .run(move |conn| {
            let participant = access::participant(conn, id, scope)?;
            if !confirmed {
                return Ok((participant, None));
            }
            let outcome = erase_participant(conn, Some(actor), id, now)?;
            Ok((Participant::find(conn, id)?, Some(outcome)))
        })
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
