//! Password hashing (argon2id, the crate's defaults m=19456 KiB, t=2, p=1) and the
//! password policy. Hashing runs on the blocking pool, at most a few at once, so a flood
//! of sign-ins cannot starve the server of CPU or memory.

use std::sync::{LazyLock, OnceLock};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult, FieldErrors};

/// Argon2 work in flight at once (each uses 19 MiB and a core for ~20 ms).
static HASHING_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(4));

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted (long enough for any passphrase or manager).
pub const MAX_LENGTH: usize = 256;

/// Hashes a password with argon2id and a fresh random salt (synchronous).
pub fn hash_password_blocking(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// Checks a password against a stored PHC string (synchronous). Anything unparsable is
/// simply a mismatch.
pub fn verify_password_blocking(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash of a random password, verified against when the email is unknown so that
/// unknown and known accounts take the same time to refuse.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        let _ = getrandom::fill(&mut bytes);
        let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        hash_password_blocking(&password).unwrap_or_default()
    })
}

/// Hashes on the blocking pool.
pub async fn hash_password(password: String) -> AppResult<String> {
    let _slot = HASHING_SLOTS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
}

/// Verifies on the blocking pool; `None` checks against the dummy hash and returns false.
pub async fn verify_password(password: String, phc: Option<String>) -> AppResult<bool> {
    let _slot = HASHING_SLOTS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    // One line per argon2 verification at debug level, so an operator (or a test) can count
    // how many attempts reached the hash; it names nobody.
    tracing::debug!("verifying a password against its argon2 hash");
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_password_blocking(&password, &phc),
        None => {
            verify_password_blocking(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// Checks a new password against the policy: 12 to 256 characters, not a common or
/// easily guessed password, and not containing the email. Problems are reported on
/// `field`.
pub fn check_new_password(password: &str, email: &str, name: &str, field: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let length = password.chars().count();
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local_part = email.split('@').next().unwrap_or_default();
    if password.is_empty() {
        errors.add(field, "Enter a new password");
    } else if length < MIN_LENGTH {
        errors.add(
            field,
            format!("Password must be {MIN_LENGTH} characters or more"),
        );
    } else if length > MAX_LENGTH {
        errors.add(
            field,
            format!("Password must be {MAX_LENGTH} characters or less"),
        );
    } else if !email.is_empty()
        && (lower.contains(&email) || (local_part.len() >= 4 && lower.contains(local_part)))
    {
        errors.add(field, "Password must not contain your email address");
    } else if is_common(password, &[&email, name]) {
        errors.add(
            field,
            "Password is too common or easy to guess. Try three or four unrelated words",
        );
    }
    errors
}

/// True when the password is among common passwords, words or patterns (zxcvbn scores it
/// below 3, i.e. fewer than 10^10 guesses).
fn is_common(password: &str, user_inputs: &[&str]) -> bool {
    let entropy = zxcvbn::zxcvbn(password, user_inputs);
    (entropy.score() as u8) < 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password_blocking("a long enough passphrase").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password_blocking("a long enough passphrase", &hash));
        assert!(!verify_password_blocking("a long enough passphrasE", &hash));
        assert!(!verify_password_blocking("anything", "not a hash"));
    }

    #[test]
    fn policy_refuses_short_common_and_email_passwords() {
        let check =
            |p: &str| check_new_password(p, "amina.khan@example.org", "Amina Khan", "password");
        assert_eq!(
            check("short").get("password"),
            Some("Password must be 12 characters or more")
        );
        assert!(
            check("password1234")
                .get("password")
                .unwrap()
                .contains("too common")
        );
        assert!(
            check("qwertyuiop123")
                .get("password")
                .unwrap()
                .contains("too common")
        );
        assert!(
            check("amina.khan@example.org!!")
                .get("password")
                .unwrap()
                .contains("email")
        );
        assert!(
            check("xx-amina.khan-2026")
                .get("password")
                .unwrap()
                .contains("email")
        );
        assert!(check("violet tractor mango lighthouse").is_empty());
        assert!(
            check(&"x".repeat(257))
                .get("password")
                .unwrap()
                .contains("256")
        );
    }
}
