//! Password hashing (argon2id, the crate's defaults m=19456 KiB, t=2, p=1) and the
//! password policy. Hashing runs on the blocking pool, at most a few at once, so a flood
//! of sign-ins cannot starve the server of CPU or memory. A stored hash made with other
//! parameters (or another argon2 variant) still verifies, and sign-in replaces it.

use std::sync::{LazyLock, OnceLock};

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
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
    // One line per argon2 verification at debug level, so an operator (or a test) can count
    // how many attempts reached the hash, the dummy one for unknown emails included; it is
    // written here, next to the work itself, so it cannot claim a verification that was
    // skipped. It names nobody.
    tracing::debug!("verifying a password against its argon2 hash");
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// True when a stored PHC string was not made the way [`hash_password_blocking`] makes
/// hashes today: another algorithm or variant (argon2i, argon2d), another version, other
/// m/t/p costs or output length, or a secret key id or associated data. Any difference
/// counts, so lowering the parameters on purpose would also take effect at sign-in.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return true;
    };
    let current = Params::default();
    hash.algorithm.as_str() != Algorithm::Argon2id.as_str()
        || hash.version != Some(Version::V0x13.into())
        || params.m_cost() != current.m_cost()
        || params.t_cost() != current.t_cost()
        || params.p_cost() != current.p_cost()
        || params.output_len() != Some(Params::DEFAULT_OUTPUT_LEN)
        || !params.keyid().is_empty()
        || !params.data().is_empty()
}

/// The outcome of [`verify_and_upgrade`].
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password, or no account.
    No,
    /// Right password; `upgraded` holds a fresh hash of it with today's parameters when
    /// the stored one was made otherwise, to be stored in its place.
    Yes {
        /// The replacement PHC string, if the stored one is out of date.
        upgraded: Option<String>,
    },
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
/// For a check whose success should also replace an outdated hash, use
/// [`verify_and_upgrade`].
pub async fn verify_password(password: String, phc: Option<String>) -> AppResult<bool> {
    verify(password, phc, false)
        .await
        .map(|v| matches!(v, Verified::Yes { .. }))
}

/// As [`verify_password`], and when the password is right but the stored hash is out of
/// date ([`needs_rehash`]), also hashes it afresh with today's parameters, under the same
/// hashing slot. Only a right password pays for the second hash, so a refusal takes the
/// same time for unknown and known accounts.
pub async fn verify_and_upgrade(password: String, phc: Option<String>) -> AppResult<Verified> {
    verify(password, phc, true).await
}

async fn verify(password: String, phc: Option<String>, upgrade: bool) -> AppResult<Verified> {
    let _slot = HASHING_SLOTS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || {
        let Some(phc) = phc else {
            verify_password_blocking(&password, dummy_hash());
            return Ok(Verified::No);
        };
        if !verify_password_blocking(&password, &phc) {
            return Ok(Verified::No);
        }
        let upgraded = if upgrade && needs_rehash(&phc) {
            Some(hash_password_blocking(&password)?)
        } else {
            None
        };
        Ok(Verified::Yes { upgraded })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(AppError::Internal)
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

    /// A hash of `password` made with `algorithm` and costs m, t, p.
    fn hash_with(password: &str, algorithm: Algorithm, m: u32, t: u32, p: u32) -> String {
        let params = Params::new(m, t, p, None).unwrap();
        Argon2::new(algorithm, Version::V0x13, params)
            .hash_password(password.as_bytes())
            .unwrap()
            .to_string()
    }

    #[test]
    fn hashes_with_other_parameters_or_variants_verify_and_need_rehashing() {
        let current = hash_password_blocking("violet tractor mango").unwrap();
        assert!(!needs_rehash(&current));
        for old in [
            hash_with("violet tractor mango", Algorithm::Argon2id, 4096, 1, 1),
            hash_with("violet tractor mango", Algorithm::Argon2id, 19456, 1, 1),
            hash_with("violet tractor mango", Algorithm::Argon2id, 19456, 2, 2),
            hash_with("violet tractor mango", Algorithm::Argon2i, 19456, 2, 1),
            hash_with("violet tractor mango", Algorithm::Argon2d, 19456, 2, 1),
        ] {
            assert!(needs_rehash(&old), "{old}");
            assert!(
                verify_password_blocking("violet tractor mango", &old),
                "{old}"
            );
            assert!(!verify_password_blocking("violet tractor mangO", &old));
        }
        assert!(needs_rehash("not a hash"));
    }

    #[tokio::test]
    async fn only_a_right_password_against_an_old_hash_is_upgraded() {
        let old = hash_with("violet tractor mango", Algorithm::Argon2i, 4096, 1, 1);
        let check = |password: &str, phc: &str| {
            verify_and_upgrade(password.to_owned(), Some(phc.to_owned()))
        };
        let Verified::Yes {
            upgraded: Some(new),
        } = check("violet tractor mango", &old).await.unwrap()
        else {
            panic!("not upgraded");
        };
        assert!(new.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{new}");
        assert!(verify_password_blocking("violet tractor mango", &new));
        assert_eq!(
            check("violet tractor mango", &new).await.unwrap(),
            Verified::Yes { upgraded: None }
        );
        assert_eq!(check("wrong", &old).await.unwrap(), Verified::No);
        assert_eq!(
            verify_and_upgrade("x".into(), None).await.unwrap(),
            Verified::No
        );
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
