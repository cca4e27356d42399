//! "Mark as finished": the button the cohort page offers once a running cohort's last
//! session is past and every register is taken.

use axum::extract::State;
use axum::response::Response;

use crate::actions::cohorts;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::extract::PathId;
use crate::state::AppState;
use crate::web::see_other;

/// `POST /cohorts/{id}/finish`: marks the cohort as finished (audited) and goes back to
/// its page; 409 when it cannot be yet.
pub async fn finish(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Response> {
    state
        .db
        .run(move |conn| cohorts::finish(conn, &actor, id))
        .await?;
    Ok(see_other(&format!("/cohorts/{id}?notice=finished")))
}
