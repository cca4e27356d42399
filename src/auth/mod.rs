//! Who the caller is: the [`CurrentUser`] resolved from a session cookie or an API token,
//! passwords, sessions, API tokens, sign-in throttling and CSRF checks. What a caller may
//! do is decided by the actions (`crate::actions`) from the [`Actor`](crate::domain::Actor)
//! this user becomes for a request: the permission from the role table in
//! `crate::domain::role`, and object-level checks (is this cohort in a programme the
//! caller's organisation partners in?) answering 404 for anything the caller may not see.

pub mod accounts;
mod api_tokens;
pub mod csrf;
pub mod password;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use crate::domain::role::{Permission, Role};
use crate::error::AppError;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum AuthVia {
    /// A browser session cookie.
    Session {
        /// Hash of the session id (the stored key).
        id_hash: String,
        /// The session's CSRF token, put into every form.
        csrf_token: String,
    },
    /// An API bearer token.
    Token {
        /// The token's id.
        token_id: i32,
    },
}

/// The signed-in caller, resolved once per request by `session::authenticate`.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// User id.
    pub id: i32,
    /// Their organisation.
    pub organisation_id: i32,
    /// Their organisation's name.
    pub organisation_name: String,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// True while a temporary password is in force.
    pub must_change_password: bool,
    /// Session or token.
    pub via: AuthVia,
}

impl CurrentUser {
    /// This caller as the [`Actor`](crate::domain::Actor) actions take, at the clock's
    /// today and now.
    pub fn actor(&self, clock: &dyn crate::clock::Clock) -> crate::domain::Actor {
        crate::domain::Actor {
            user_id: self.id,
            role: self.role,
            organisation_id: self.organisation_id,
            today: clock.today(),
            now: clock.now(),
        }
    }

    /// Whether the role grants `permission` (what pages ask to show a link or not; actions
    /// check through the [`Actor`](crate::domain::Actor)).
    pub fn can(&self, permission: Permission) -> bool {
        self.role.permissions().contains(&permission)
    }

    /// The CSRF token forms must carry (empty for token callers, who use no forms).
    pub fn csrf_token(&self) -> &str {
        match &self.via {
            AuthVia::Session { csrf_token, .. } => csrf_token,
            AuthVia::Token { .. } => "",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}
