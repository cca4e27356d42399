//! Admin pages: organisations and users through the browser forms, with field errors
//! re-rendered in an error summary.

use axum::http::StatusCode;
use pathways::auth::Role;

use crate::common::{PASSWORD, TestApp};

#[tokio::test]
async fn an_admin_adds_an_organisation_and_mistakes_are_explained() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let empty = admin
        .post_form("/admin/organisations", &[("name", ""), ("kind", "")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = empty.text();
    assert!(text.contains("<title>Error: Organisations – Pathways</title>"));
    assert!(
        text.contains("href=\"#name\">Enter the organisation&#39;s name")
            || text.contains("href=\"#name\">Enter the organisation's name"),
        "{text}"
    );
    assert!(text.contains("href=\"#kind\">Select the kind of organisation"));
    let added = admin
        .post_form(
            "/admin/organisations",
            &[("name", "Leeds City College"), ("kind", "college")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = admin.get(&added.location().unwrap()).await.text();
    assert!(page.contains("<bdi>Leeds City College</bdi> has been added"));
    let duplicate = admin
        .post_form(
            "/admin/organisations",
            &[("name", "leeds city college"), ("kind", "college")],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.text().contains("already exists"));
    assert!(
        duplicate.text().contains("value=\"leeds city college\""),
        "what was typed is kept"
    );
}

#[tokio::test]
async fn an_admin_adds_a_user_who_must_choose_a_password() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let org = app
        .organisation("Leeds Teaching Hospitals NHS Trust")
        .await
        .to_string();
    let bad = admin
        .post_form(
            "/admin/users",
            &[
                ("name", ""),
                ("email", "not-an-email"),
                ("organisation_id", ""),
                ("role", "boss"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    for field in ["name", "email", "organisation_id", "role", "password"] {
        assert!(
            text.contains(&format!("href=\"#{field}\"")),
            "{field} missing from the summary"
        );
    }
    assert!(text.contains("value=\"not-an-email\""));
    let temporary = "purple anchors drift slowly";
    let created = admin
        .post_form(
            "/admin/users",
            &[
                ("name", "Siobhán Nguyễn"),
                ("email", "Siobhan@Trust.test"),
                ("organisation_id", &org),
                ("role", "hr"),
                ("password", temporary),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let page = admin.get(&created.location().unwrap()).await.text();
    assert!(page.contains("Siobhán Nguyễn") && page.contains("siobhan@trust.test"));
    let first = app.attempt_sign_in("siobhan@trust.test", temporary).await;
    assert_eq!(first.location().as_deref(), Some("/account/password"));
    let again = admin
        .post_form(
            "/admin/users",
            &[
                ("name", "Someone"),
                ("email", "siobhan@trust.test"),
                ("organisation_id", &org),
                ("role", "hr"),
                ("password", temporary),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn admins_cannot_lock_themselves_out() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let me = admin.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
    let demote = admin
        .post_form(&format!("/admin/users/{me}/role"), &[("role", "manager")])
        .await;
    assert_eq!(demote.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        demote
            .text()
            .contains("You cannot remove your own admin role")
    );
    let disable = admin
        .post_form(&format!("/admin/users/{me}/disable"), &[])
        .await;
    assert_eq!(disable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn every_admin_change_is_audited() {
    let app = TestApp::new().await;
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let (id, _) = app.user(Role::Manager, "Leeds City Council").await;
    let before = app.audit_count().await;
    admin
        .post_form(
            &format!("/admin/users/{id}/role"),
            &[("role", "coordinator")],
        )
        .await;
    admin
        .post_form(&format!("/admin/users/{id}/disable"), &[])
        .await;
    admin
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(app.audit_count().await, before + 3);
    let trail = app
        .state
        .db
        .run(move |conn| {
            Ok(pathways::models::AuditEvent::for_entity(
                conn,
                "user",
                &id.to_string(),
            )?)
        })
        .await
        .unwrap();
    let role_change = trail
        .iter()
        .find(|e| {
            e.before_json
                .as_deref()
                .is_some_and(|b| b.contains("\"role\":\"manager\""))
        })
        .unwrap();
    assert!(
        role_change
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"role\":\"coordinator\"")
    );
    assert!(
        trail
            .iter()
            .all(|e| !e.after_json.clone().unwrap_or_default().contains("argon2")),
        "no hash in the trail"
    );
}

#[tokio::test]
async fn pages_other_than_the_forms_render_for_every_role() {
    let app = TestApp::new().await;
    let id = app
        .programme("Facilities Technician", &["Leeds City Council"])
        .await;
    for role in pathways::auth::Role::ALL {
        let client = app.login_as(role, "Leeds City Council").await;
        for path in [
            "/",
            "/programmes",
            &format!("/programmes/{id}"),
            "/account",
            "/account/password",
            "/help/accessibility",
            "/help/privacy",
            "/help/cookies",
        ] {
            let response = client.get(path).await;
            assert_eq!(response.status, StatusCode::OK, "{role:?} {path}");
            assert!(response.text().contains("<h1"), "{role:?} {path}");
        }
    }
}

#[tokio::test]
async fn an_admin_sets_up_a_programme_with_partners_and_a_template() {
    let app = TestApp::new().await;
    let council = app.organisation("Leeds City Council").await.to_string();
    let trust = app
        .organisation("Leeds Teaching Hospitals NHS Trust")
        .await
        .to_string();
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let form = admin.get("/programmes/new").await.text();
    assert_eq!(
        form.matches("value=\"college\" selected").count(),
        14,
        "the Lincoln Green template is offered"
    );
    assert_eq!(form.matches("value=\"placement\" selected").count(), 16);
    let empty = admin
        .post_form(
            "/programmes",
            &[("name", ""), ("completion_threshold", "eighty")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = empty.text();
    assert!(text.contains("href=\"#completion_threshold\""), "{text}");
    let created = admin
        .post_form(
            "/programmes",
            &[
                ("name", "Admin Apprenticeships"),
                ("description", "Into admin and clerical roles"),
                ("partner", &council),
                ("partner", &trust),
                ("completion_threshold", "75"),
                ("day_1_1", "college"),
                ("day_1_2", "college"),
                ("day_2_1", "placement"),
                ("day_2_3", "placement"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let location = created.location().unwrap();
    let page = admin.get(&location).await.text();
    assert!(page.contains("Admin Apprenticeships") && page.contains("75% of held sessions"));
    assert!(
        page.contains("Week 2: Mon placement, Wed placement"),
        "{page}"
    );
    let edited = admin
        .post_form(
            &format!("{location}/edit"),
            &[
                ("name", "Admin Apprenticeships"),
                ("partner", &trust),
                ("completion_threshold", "90"),
                ("day_1_5", "college"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    // The council is no longer a partner: its coordinators no longer see it.
    let council_coordinator = app.login_as(Role::Coordinator, "Leeds City Council").await;
    assert_eq!(
        council_coordinator.get(&location).await.status,
        StatusCode::NOT_FOUND
    );
    let coordinator = app
        .login_as(Role::Coordinator, "Leeds Teaching Hospitals NHS Trust")
        .await;
    let page = coordinator.get(&location).await.text();
    assert!(
        page.contains("90% of held sessions") && page.contains("1 week, 1 session<"),
        "{page}"
    );
    assert_eq!(
        coordinator.get(&format!("{location}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
}
