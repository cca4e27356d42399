//! Stored password hashes made with older parameters, or another argon2 variant, are
//! replaced by a hash with today's parameters at the next successful sign-in, audited
//! without the hash, and only once.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, Version};
use axum::http::StatusCode;
use pathways::auth::Role;
use pathways::auth::password::{needs_rehash, verify_password_blocking};
use pathways::models::{AuditEvent, User};

use crate::common::{PASSWORD, TestApp};

/// A hash of the standard test password made with `algorithm` and costs m, t, p.
fn old_hash(algorithm: Algorithm, m: u32, t: u32, p: u32) -> String {
    let params = Params::new(m, t, p, None).unwrap();
    Argon2::new(algorithm, Version::V0x13, params)
        .hash_password(PASSWORD.as_bytes())
        .unwrap()
        .to_string()
}

async fn stored_hash(app: &TestApp, id: i32) -> String {
    app.state
        .db
        .run(move |conn| Ok(User::find(conn, id)?.password_hash))
        .await
        .unwrap()
}

async fn user_trail(app: &TestApp, id: i32) -> Vec<AuditEvent> {
    app.state
        .db
        .run(move |conn| Ok(AuditEvent::for_entity(conn, "user", &id.to_string())?))
        .await
        .unwrap()
}

#[tokio::test]
async fn an_outdated_hash_is_upgraded_at_the_next_sign_in_and_only_once() {
    let app = TestApp::new().await;
    for (algorithm, m, t, p) in [
        (Algorithm::Argon2id, 4096, 1, 1),
        (Algorithm::Argon2i, 19456, 2, 1),
    ] {
        let (id, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
        let old = old_hash(algorithm, m, t, p);
        let (stored, now) = (old.clone(), app.state.clock.now());
        app.state
            .db
            .run(move |conn| Ok(User::set_password(conn, id, &stored, false, now)?))
            .await
            .unwrap();

        // A wrong password changes nothing.
        let wrong = app.attempt_sign_in(&email, "not the password at all").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(stored_hash(&app, id).await, old);

        let first = app.attempt_sign_in(&email, PASSWORD).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
        let upgraded = stored_hash(&app, id).await;
        assert_ne!(upgraded, old);
        let parsed = PasswordHash::new(&upgraded).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id", "{upgraded}");
        let params = Params::try_from(&parsed).unwrap();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19456, 2, 1),
            "{upgraded}"
        );
        assert!(verify_password_blocking(PASSWORD, &upgraded));
        assert!(!needs_rehash(&upgraded));

        // Audited as an account change, and no snapshot holds either hash.
        let trail = user_trail(&app, id).await;
        let rehashed = |trail: &[AuditEvent]| {
            trail
                .iter()
                .filter(|e| e.action == "update")
                .filter(|e| e.actor_user_id == Some(id))
                .filter(|e| {
                    e.after_json
                        .as_deref()
                        .is_some_and(|a| a.contains("rehashed with current parameters"))
                })
                .count()
        };
        assert_eq!(rehashed(&trail), 1);
        for event in &trail {
            for json in [&event.before_json, &event.after_json]
                .into_iter()
                .flatten()
            {
                assert!(!json.contains("$argon2"), "{json}");
            }
        }

        // The next sign-in finds nothing to upgrade.
        let second = app.attempt_sign_in(&email, PASSWORD).await;
        assert_eq!(second.status, StatusCode::SEE_OTHER);
        assert_eq!(stored_hash(&app, id).await, upgraded);
        assert_eq!(rehashed(&user_trail(&app, id).await), 1);
    }
}
