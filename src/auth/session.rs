//! Sign-in, sign-out and per-request authentication. Sessions live in the database (only
//! a hash of the cookie's random id is stored), expire after 30 idle minutes or 10 hours
//! in all, and are replaced at every sign-in.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDateTime, TimeDelta};

use super::password::{Verified, verify_and_upgrade};
use super::throttle;
use super::tokens::{hash_secret, random_secret};
use super::{AuthVia, CurrentUser};
use crate::config::Config;
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult};
use crate::models::login_throttle::{Reservation, ThrottleKey};
use crate::models::{
    ApiToken, AuditAction, AuditEvent, LoginSession, LoginThrottle, NewAuditEvent, Organisation,
    User,
};
use crate::state::AppState;

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(30);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: TimeDelta = TimeDelta::hours(10);

/// Middleware: resolves the caller from a bearer token or the session cookie and stores
/// a [`CurrentUser`] in the request. A bad bearer token is refused here with 401; a stale
/// cookie just leaves the request anonymous.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match resolve(&state, req.headers()).await {
        Ok(Some(user)) => {
            if let Err(e) = check_pending_password_change(&user, req.method(), req.uri().path()) {
                return e.into_response();
            }
            req.extensions_mut().insert(user);
        }
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    next.run(req).await
}

/// While a temporary password is in force (an administrator reset it), an API token may
/// only ask whose it is (`GET /api/v1/me`): whoever holds the token may not be the person
/// the reset was for. Browser sessions are held to the same rule by the web layer.
fn check_pending_password_change(user: &CurrentUser, method: &Method, path: &str) -> AppResult<()> {
    let token = matches!(user.via, AuthVia::Token { .. });
    let whoami = method == Method::GET && path == "/api/v1/me";
    if token && user.must_change_password && !whoami {
        tracing::info!(
            user_id = user.id,
            "API call refused: password change pending"
        );
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(())
}

async fn resolve(state: &AppState, headers: &HeaderMap) -> AppResult<Option<CurrentUser>> {
    let now = state.clock.now();
    if let Some(value) = headers.get(AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthorized)?;
        let token_hash = hash_secret(token);
        let user = state
            .db
            .run(move |conn| user_for_token(conn, &token_hash, now))
            .await?;
        return user.map(Some).ok_or(AppError::Unauthorized);
    }
    let Some(cookie) = read_cookie(headers, state.config.session_cookie_name()) else {
        return Ok(None);
    };
    let id_hash = hash_secret(&cookie);
    state
        .db
        .run(move |conn| user_for_session(conn, &id_hash, now))
        .await
}

fn user_for_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> AppResult<Option<CurrentUser>> {
    let Some(token) = ApiToken::find_live_by_hash(conn, token_hash)? else {
        return Ok(None);
    };
    let user = load_user(conn, token.user_id, AuthVia::Token { token_id: token.id })?;
    if user.is_some() {
        ApiToken::touch(conn, token.id, now)?;
    }
    Ok(user)
}

fn user_for_session(
    conn: &mut DbConnection,
    id_hash: &str,
    now: NaiveDateTime,
) -> AppResult<Option<CurrentUser>> {
    let Some(session) = LoginSession::find(conn, id_hash)? else {
        return Ok(None);
    };
    if now - session.last_seen_at > IDLE_TIMEOUT || now - session.created_at > ABSOLUTE_TIMEOUT {
        LoginSession::delete(conn, id_hash)?;
        return Ok(None);
    }
    let via = AuthVia::Session {
        id_hash: id_hash.to_owned(),
        csrf_token: session.csrf_token,
    };
    let user = load_user(conn, session.user_id, via)?;
    match user {
        Some(_) => LoginSession::touch(conn, id_hash, now)?,
        None => LoginSession::delete(conn, id_hash)?,
    }
    Ok(user)
}

/// The user as the request sees them, re-read on every request so a role change or a
/// disabled account takes effect at once. `None` when disabled.
fn load_user(
    conn: &mut DbConnection,
    user_id: i32,
    via: AuthVia,
) -> AppResult<Option<CurrentUser>> {
    let user = User::find(conn, user_id)?;
    if user.disabled_at.is_some() {
        return Ok(None);
    }
    let organisation = Organisation::find(conn, user.organisation_id)?;
    let role = user.role;
    Ok(Some(CurrentUser {
        id: user.id,
        organisation_id: user.organisation_id,
        organisation_name: organisation.name,
        email: user.email,
        name: user.name,
        role,
        must_change_password: user.must_change_password,
        via,
    }))
}

/// The result of a sign-in attempt.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: set this cookie value.
    Success {
        /// The new session id (the cookie's value).
        session_id: String,
        /// Whether a temporary password must be changed first.
        must_change_password: bool,
    },
    /// Wrong email or password (deliberately not saying which).
    Failed,
    /// Too many failures: wait this many seconds.
    Blocked(u64),
}

/// Lower-cases and trims an email for lookup and storage.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks credentials and, when they are right, opens a new session. Unknown emails are
/// verified against a dummy hash and throttled like real ones, so neither the answer nor
/// its timing tells whether an account exists.
///
/// The attempt is counted before the password is checked, in one write transaction that
/// locks the account's (and the address's) throttle row: parallel guesses queue on that
/// row, so only the first few of any burst ever reach the password hash.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    address: Option<IpAddr>,
) -> AppResult<SignIn> {
    let now = state.clock.now();
    let (keys, reservation, user) = reserve_attempt(state, email, address, now).await?;
    let failures = match reservation {
        Reservation::Blocked { secs, by } => {
            tracing::warn!(limit = by.as_str(), "sign-in refused unchecked: throttled");
            return Ok(SignIn::Blocked(secs));
        }
        Reservation::Granted { failures } => failures,
    };
    let user = user.filter(|u| u.disabled_at.is_none());
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let (Some(user), Verified::Yes { upgraded }) =
        (user, verify_and_upgrade(password, stored).await?)
    else {
        tracing::warn!(failures, "sign-in failed");
        purge_expired_throttles(state, now).await;
        return Ok(SignIn::Failed);
    };
    // An outdated stored hash is replaced in the sign-in's own transaction.
    let upgrade = upgraded.map(|new| (user.password_hash.clone(), new));
    let session_id = open_session(state, keys, user.id, upgrade, now).await?;
    tracing::info!(user_id = user.id, "signed in");
    Ok(SignIn::Success {
        session_id,
        must_change_password: user.must_change_password,
    })
}

/// Counts a sign-in attempt against the account's and the address's throttles, and
/// finds the account only when the attempt may go on.
async fn reserve_attempt(
    state: &AppState,
    email: &str,
    address: Option<IpAddr>,
    now: NaiveDateTime,
) -> AppResult<(Vec<ThrottleKey>, Reservation, Option<User>)> {
    let lookup = normalise_email(email);
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let keys = throttle::keys_for(conn, &lookup, address)?;
                let reservation = LoginThrottle::reserve(conn, &keys, now)?;
                let user = match reservation {
                    Reservation::Granted { .. } => User::find_by_email(conn, &lookup)?,
                    Reservation::Blocked { .. } => None,
                };
                Ok::<_, AppError>((keys, reservation, user))
            })
        })
        .await
}

/// Opens a session for `user_id` after a good password: clears the throttles, stores
/// the session, audits the sign-in and stores an `upgrade`d hash (old, new) if there is
/// one, all in one transaction. Answers the session's secret id for the cookie.
async fn open_session(
    state: &AppState,
    keys: Vec<ThrottleKey>,
    user_id: i32,
    upgrade: Option<(String, String)>,
    now: NaiveDateTime,
) -> AppResult<String> {
    let session_id = random_secret();
    let session = LoginSession {
        id_hash: hash_secret(&session_id),
        user_id,
        csrf_token: random_secret(),
        created_at: now,
        last_seen_at: now,
    };
    let upgraded = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                LoginThrottle::settle_success(conn, &keys)?;
                LoginSession::create(conn, &session)?;
                let event =
                    NewAuditEvent::simple(Some(user_id), AuditAction::SignIn, "user", user_id);
                AuditEvent::record(conn, event, now)?;
                match &upgrade {
                    Some((old, new)) => store_upgraded_hash(conn, user_id, old, new, now),
                    None => Ok(false),
                }
            })
        })
        .await?;
    if upgraded {
        tracing::info!(user_id, "password hash upgraded to current parameters");
    }
    Ok(session_id)
}

/// Stores a password hash recomputed with today's parameters in place of `old`, audited
/// like any other account change (saying what happened, never the hash). Nothing happens
/// if the stored hash is no longer `old`: the password was changed or reset meanwhile.
/// Returns whether the hash was replaced.
fn store_upgraded_hash(
    conn: &mut DbConnection,
    user_id: i32,
    old: &str,
    new: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    if User::upgrade_password_hash(conn, user_id, old, new, now)? {
        let event = NewAuditEvent::simple(Some(user_id), AuditAction::Update, "user", user_id)
            .with_change(
                None::<&()>,
                Some(&serde_json::json!({"password": "rehashed with current parameters"})),
            );
        AuditEvent::record(conn, event, now)?;
        return Ok(true);
    }
    Ok(false)
}

/// Deletes throttle rows past their window; run after a failure, so the table only
/// holds what still matters. A failed sweep is logged, never shown to the person signing in.
async fn purge_expired_throttles(state: &AppState, now: NaiveDateTime) {
    let purged = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                Ok::<_, AppError>(LoginThrottle::purge_expired(conn, now)?)
            })
        })
        .await;
    if let Err(e) = purged {
        tracing::warn!(error = %e, "could not purge expired sign-in throttles");
    }
}

/// Ends the caller's session on the server (a no-op for token callers).
pub async fn sign_out(state: &AppState, user: &CurrentUser) -> AppResult<()> {
    let AuthVia::Session { id_hash, .. } = &user.via else {
        return Ok(());
    };
    let (id_hash, user_id, now) = (id_hash.clone(), user.id, state.clock.now());
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                LoginSession::delete(conn, &id_hash)?;
                let event =
                    NewAuditEvent::simple(Some(user_id), AuditAction::SignOut, "user", user_id);
                AuditEvent::record(conn, event, now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    tracing::info!(user_id, "signed out");
    Ok(())
}

/// The value of cookie `name`, if sent.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: host-only, HttpOnly, SameSite=Strict, and `Secure` over HTTPS.
/// No expiry: the server ends sessions, and the browser drops the cookie when it closes.
pub fn cookie(config: &Config, name: &str, value: &str) -> String {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

/// A `Set-Cookie` value that deletes cookie `name`.
pub fn clear_cookie(config: &Config, name: &str) -> String {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}
