//! A user's own API tokens: creating one (shown once, stored only as a hash) and revoking
//! one, each audited in the same transaction.

use super::tokens::{hash_secret, new_api_token};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::models::{ApiToken, AuditAction, AuditEvent, NewAuditEvent};
use crate::state::AppState;

/// Creates an API token for `user_id` and returns it: the only time it is ever visible.
pub async fn create_api_token(state: &AppState, user_id: i32, name: &str) -> AppResult<String> {
    let token = new_api_token();
    let (hash, name, now) = (hash_secret(&token), name.to_owned(), state.clock.now());
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let stored = ApiToken::create(conn, user_id, &name, &hash, now)?;
                let event = NewAuditEvent::simple(
                    Some(user_id),
                    AuditAction::Create,
                    "api_token",
                    stored.id,
                )
                .with_change(
                    None::<&()>,
                    Some(&serde_json::json!({"name": name, "user_id": user_id})),
                );
                AuditEvent::record(conn, event, now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(token)
}

/// Revokes one of `user_id`'s own live tokens; 404 for any other token.
pub async fn revoke_api_token(state: &AppState, user_id: i32, token_id: i32) -> AppResult<()> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                if !ApiToken::revoke(conn, user_id, token_id, now)? {
                    return Err(AppError::NotFound);
                }
                let event = NewAuditEvent::simple(
                    Some(user_id),
                    AuditAction::Update,
                    "api_token",
                    token_id,
                )
                .with_change(None::<&()>, Some(&serde_json::json!({"revoked": true})));
                AuditEvent::record(conn, event, now)?;
                Ok(())
            })
        })
        .await
}
