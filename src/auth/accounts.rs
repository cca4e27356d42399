//! Account management shared by the admin pages, the account page and the command line:
//! creating users, passwords, roles, disabling, API tokens. Every change is validated
//! first and written with its audit event in one transaction.

use serde::Serialize;

pub use super::api_tokens::{create_api_token, revoke_api_token};
use super::password::{check_new_password, hash_password, verify_password};
use super::{CurrentUser, Role};
use crate::db::write_transaction;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::{
    ApiToken, AuditAction, AuditEvent, LoginSession, NewAuditEvent, NewUser, Organisation, User,
};
use crate::state::AppState;
use crate::validate;

/// What the audit trail keeps of a user (never the password hash).
#[derive(Debug, Serialize)]
struct UserSnapshot<'a> {
    email: &'a str,
    name: &'a str,
    role: Role,
    organisation_id: i32,
    disabled: bool,
    must_change_password: bool,
}

fn snapshot(user: &User) -> UserSnapshot<'_> {
    UserSnapshot {
        email: &user.email,
        name: &user.name,
        role: user.role,
        organisation_id: user.organisation_id,
        disabled: user.disabled_at.is_some(),
        must_change_password: user.must_change_password,
    }
}

/// Input for a new user.
#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    /// Email as typed.
    pub email: String,
    /// Name as typed.
    pub name: String,
    /// Organisation id.
    pub organisation_id: Option<i32>,
    /// Role code as chosen.
    pub role: String,
    /// Initial password.
    pub password: String,
    /// Whether the password is temporary (must be changed at first sign-in).
    pub temporary: bool,
}

/// A new user's fields, checked.
struct ValidUser {
    email: String,
    name: String,
    organisation_id: i32,
    role: Role,
}

impl NewUserInput {
    /// Every field checked at once, the password against the email and name.
    fn check(&self) -> Result<ValidUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = validate::email(&self.email)
            .map_err(|m| errors.add("email", m))
            .ok();
        let name = validate::required_text(&self.name, "a name", 100)
            .map_err(|m| errors.add("name", m))
            .ok();
        if self.organisation_id.is_none() {
            errors.add("organisation_id", "Select an organisation");
        }
        let role = Role::parse(&self.role);
        if role.is_none() {
            errors.add("role", "Select a role");
        }
        let (typed_email, typed_name) = (email.as_deref(), name.as_deref());
        let password = check_new_password(
            &self.password,
            typed_email.unwrap_or_default(),
            typed_name.unwrap_or_default(),
            "password",
        );
        for (field, message) in password.iter() {
            errors.add(field, message.clone());
        }
        match (email, name, self.organisation_id, role) {
            (Some(email), Some(name), Some(organisation_id), Some(role)) if errors.is_empty() => {
                Ok(ValidUser {
                    email,
                    name,
                    organisation_id,
                    role,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Creates a user after checking every field; 422 with the fields named, 409 for an email
/// already in use. `actor` is the admin adding them (`None` when the system sets up: the
/// command line, the demo).
pub async fn create_user(
    state: &AppState,
    actor: Option<&Actor>,
    input: NewUserInput,
) -> AppResult<User> {
    if let Some(actor) = actor {
        actor.require(Permission::ManageUsers)?;
    }
    let valid = input.check().map_err(AppError::Validation)?;
    let password_hash = hash_password(input.password).await?;
    let (actor_id, now) = (actor.map(|a| a.user_id), state.clock.now());
    let temporary = input.temporary;
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                Organisation::find(conn, valid.organisation_id)
                    .map_err(|_| AppError::invalid("organisation_id", "Select an organisation"))?;
                if User::find_by_email(conn, &valid.email)?.is_some() {
                    return Err(AppError::conflict(
                        "email",
                        "A user with this email address already exists",
                    ));
                }
                let new = NewUser {
                    organisation_id: valid.organisation_id,
                    email: &valid.email,
                    name: &valid.name,
                    role: valid.role,
                    password_hash: &password_hash,
                    must_change_password: temporary,
                    created_at: now,
                    updated_at: now,
                };
                let user = User::create(conn, &new)?;
                let event = NewAuditEvent::simple(actor_id, AuditAction::Create, "user", user.id)
                    .with_change(None::<&()>, Some(&snapshot(&user)));
                AuditEvent::record(conn, event, now)?;
                Ok(user)
            })
        })
        .await
}

/// A password change requested by its owner.
#[derive(Debug)]
pub struct PasswordChange {
    /// The current password.
    pub current: String,
    /// The new password.
    pub new: String,
    /// The new password again.
    pub confirm: String,
}

impl PasswordChange {
    /// What is wrong with the change before the current password is verified: each field
    /// filled in, the new password strong and confirmed, and different from the current.
    fn problems(&self, user: &CurrentUser) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.current.is_empty() {
            errors.add("current_password", "Enter your current password");
        }
        for (field, message) in
            check_new_password(&self.new, &user.email, &user.name, "new_password").iter()
        {
            errors.add(field, message.clone());
        }
        if errors.get("new_password").is_none() && self.new != self.confirm {
            errors.add("confirm_password", "Passwords must match");
        }
        if errors.is_empty() && self.new == self.current {
            errors.add(
                "new_password",
                "New password must be different from your current password",
            );
        }
        errors
    }
}

/// Changes the caller's own password, ending their other sessions (`keep` is the current
/// one) and revoking every API token: a password change is how people respond to a
/// suspected compromise, so nothing issued under the old password survives it. Returns the field problems; empty means done.
pub async fn change_own_password(
    state: &AppState,
    user: &CurrentUser,
    change: PasswordChange,
    keep: Option<String>,
) -> AppResult<FieldErrors> {
    let mut errors = change.problems(user);
    if !errors.is_empty() {
        return Ok(errors);
    }
    let user_id = user.id;
    let stored = state
        .db
        .run(move |conn| Ok(User::find(conn, user_id)?.password_hash))
        .await?;
    // No upgrade of an outdated hash here: a right current password is replaced below by
    // a hash of the new one, made with today's parameters.
    if !verify_password(change.current, Some(stored)).await? {
        errors.add("current_password", "Your current password is not correct");
        return Ok(errors);
    }
    let hash = hash_password(change.new).await?;
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                User::set_password(conn, user_id, &hash, false, now)?;
                LoginSession::delete_for_user(conn, user_id, keep.as_deref())?;
                let revoked = ApiToken::revoke_all_for_user(conn, user_id, now)?;
                let event =
                    NewAuditEvent::simple(Some(user_id), AuditAction::Update, "user", user_id)
                        .with_change(
                            None::<&()>,
                            Some(&serde_json::json!({
                                "password": "changed",
                                "api_tokens_revoked": revoked,
                            })),
                        );
                AuditEvent::record(conn, event, now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(errors)
}

/// Sets a temporary password for another user (admin); it must be changed at the next
/// sign-in, and the user's sessions and API tokens end now.
pub async fn set_temporary_password(
    state: &AppState,
    actor: &Actor,
    user_id: i32,
    password: String,
) -> AppResult<()> {
    actor.require(Permission::ManageUsers)?;
    let target = state
        .db
        .run(move |conn| Ok(User::find(conn, user_id)?))
        .await?;
    check_new_password(&password, &target.email, &target.name, "password").into_result()?;
    let hash = hash_password(password).await?;
    let (actor_id, now) = (actor.user_id, actor.now);
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                User::set_password(conn, user_id, &hash, true, now)?;
                LoginSession::delete_for_user(conn, user_id, None)?;
                let revoked = ApiToken::revoke_all_for_user(conn, user_id, now)?;
                let event =
                    NewAuditEvent::simple(Some(actor_id), AuditAction::Update, "user", user_id)
                        .with_change(
                            None::<&()>,
                            Some(&serde_json::json!({
                                "password": "temporary password set",
                                "api_tokens_revoked": revoked,
                            })),
                        );
                AuditEvent::record(conn, event, now)?;
                Ok(())
            })
        })
        .await
}

/// Changes a user's role (admin). An admin cannot remove their own admin role, so the
/// system always keeps someone who can manage it.
pub async fn set_role(state: &AppState, actor: &Actor, user_id: i32, role: &str) -> AppResult<()> {
    actor.require(Permission::ManageUsers)?;
    let role = Role::parse(role).ok_or_else(|| AppError::invalid("role", "Select a role"))?;
    if user_id == actor.user_id && role != Role::Admin {
        return Err(AppError::invalid(
            "role",
            "You cannot remove your own admin role",
        ));
    }
    update_user(state, actor, user_id, move |conn, now| {
        User::set_role(conn, user_id, role, now)?;
        Ok(())
    })
    .await
}

/// Disables or re-enables a user (admin). Disabling ends every session and revokes every
/// API token at once.
pub async fn set_disabled(
    state: &AppState,
    actor: &Actor,
    user_id: i32,
    disabled: bool,
) -> AppResult<()> {
    actor.require(Permission::ManageUsers)?;
    if user_id == actor.user_id && disabled {
        return Err(AppError::invalid(
            "disable",
            "You cannot disable your own account",
        ));
    }
    update_user(state, actor, user_id, move |conn, now| {
        User::set_disabled(conn, user_id, disabled.then_some(now), now)?;
        if disabled {
            LoginSession::delete_for_user(conn, user_id, None)?;
            ApiToken::revoke_all_for_user(conn, user_id, now)?;
        }
        Ok(())
    })
    .await
}

/// Runs `change` on a user in a write transaction with a before/after audit event.
async fn update_user<F>(
    state: &AppState,
    actor: &Actor,
    user_id: i32,
    mut change: F,
) -> AppResult<()>
where
    F: FnMut(&mut crate::db::DbConnection, chrono::NaiveDateTime) -> AppResult<()> + Send + 'static,
{
    let (actor_id, now) = (actor.user_id, actor.now);
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let before = User::find(conn, user_id)?;
                change(conn, now)?;
                let after = User::find(conn, user_id)?;
                let event =
                    NewAuditEvent::simple(Some(actor_id), AuditAction::Update, "user", user_id)
                        .with_change(Some(&snapshot(&before)), Some(&snapshot(&after)));
                AuditEvent::record(conn, event, now)?;
                Ok(())
            })
        })
        .await
}
