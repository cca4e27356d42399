//! The JSON API: token authentication, error shapes, organisations and programmes, and
//! what other organisations cannot see.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pathways::auth::Role;
use serde_json::json;

use crate::common::{TestApp, TestClient};

async fn client(app: &TestApp, role: Role, org: &str) -> TestClient {
    let (id, _) = app.user(role, org).await;
    app.token_client(id).await
}

#[tokio::test]
async fn a_token_identifies_its_user_and_a_missing_or_wrong_one_is_401() {
    let app = TestApp::new().await;
    let (_, email) = app
        .user(Role::Hr, "Leeds Teaching Hospitals NHS Trust")
        .await;
    let user_id = app
        .state
        .db
        .run({
            let email = email.clone();
            move |conn| {
                Ok(pathways::models::User::find_by_email(conn, &email)?
                    .unwrap()
                    .id)
            }
        })
        .await
        .unwrap();
    let me = app.token_client(user_id).await.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    let body = me.json();
    assert_eq!(
        (body["email"].as_str(), body["role"].as_str()),
        (Some(email.as_str()), Some("hr"))
    );
    assert_eq!(
        body["organisation"]["name"],
        "Leeds Teaching Hospitals NHS Trust"
    );

    let none = app.anon().get("/api/v1/me").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.json()["error"]["code"], "unauthorized");
    let wrong = TestClient {
        bearer: Some("pwy_not-a-real-token".into()),
        ..app.anon()
    };
    assert_eq!(
        wrong.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let malformed = app
        .anon()
        .send(
            Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, "Basic abc")
                .body(Body::empty())
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(malformed.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_revoked_token_stops_working() {
    let app = TestApp::new().await;
    let browser = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    let created = browser
        .post_form("/account/tokens", &[("name", "laptop")])
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let text = created.text();
    let start = text.find("pwy_").unwrap();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let script = TestClient {
        bearer: Some(token.clone()),
        ..app.anon()
    };
    assert_eq!(script.get("/api/v1/me").await.status, StatusCode::OK);
    // Listed on the account page by name, never shown again.
    let page = browser.get("/account").await.text();
    assert!(page.contains("laptop") && !page.contains(&token));
    let token_id = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(pathways::schema::api_tokens::table
                .select(pathways::schema::api_tokens::id)
                .first::<i32>(conn)?)
        })
        .await
        .unwrap();
    // Someone else cannot revoke it.
    let stranger = app
        .login_as(Role::Coordinator, "Learning Partnerships")
        .await;
    assert_eq!(
        stranger
            .post_form(&format!("/account/tokens/{token_id}/revoke"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(script.get("/api/v1/me").await.status, StatusCode::OK);
    let revoked = browser
        .post_form(&format!("/account/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        script.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn only_admins_create_organisations() {
    let app = TestApp::new().await;
    let body = json!({"name": "Leeds Mind", "kind": "charity"});
    for role in [Role::Manager, Role::Coordinator, Role::Hr] {
        let response = client(&app, role, "Leeds City Council")
            .await
            .json(Method::POST, "/api/v1/organisations", body.clone())
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(response.json()["error"]["code"], "forbidden");
    }
    let admin = client(&app, Role::Admin, "Leeds City Council").await;
    let created = admin
        .json(Method::POST, "/api/v1/organisations", body.clone())
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.json()["kind"], "charity");
    assert!(created.json()["id"].as_i64().unwrap() > 0);
    let again = admin
        .json(
            Method::POST,
            "/api/v1/organisations",
            json!({"name": "LEEDS MIND", "kind": "charity"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.json()["error"]["fields"]["name"].is_string());
}

#[tokio::test]
async fn bad_input_gets_a_4xx_naming_the_field_never_a_500() {
    let app = TestApp::new().await;
    let admin = client(&app, Role::Admin, "Leeds City Council").await;
    let cases = [
        (
            json!({"name": "", "kind": "charity"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            json!({"name": "X", "kind": "shop"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
        ),
        (
            json!({"kind": "charity"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            json!({"name": "X", "kind": "charity", "admin": true}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin",
        ),
        (
            json!({"name": 5, "kind": "charity"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            json!({"name": "X".repeat(151), "kind": "charity"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
    ];
    for (body, status, field) in cases {
        let response = admin
            .json(Method::POST, "/api/v1/organisations", body.clone())
            .await;
        assert_eq!(response.status, status, "{body}");
        let error = &response.json()["error"];
        assert_eq!(error["code"], "validation_failed", "{body}");
        assert!(error["fields"][field].is_string(), "{body}: {error}");
    }
    let not_json = admin
        .send(
            Request::post("/api/v1/organisations")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{oops"))
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.json()["error"]["code"], "bad_request");
    let wrong_type = admin
        .send(
            Request::post("/api/v1/organisations")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("{}"))
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for path in [
        "/api/v1/programmes/abc",
        "/api/v1/programmes/0",
        "/api/v1/programmes/99999999999",
        "/api/v1/nothing",
    ] {
        let response = admin.get(path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.json()["error"]["code"], "not_found");
    }
    for query in ["limit=0", "limit=501", "limit=x", "cursor=abc"] {
        let response = admin.get(&format!("/api/v1/organisations?{query}")).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
}

#[tokio::test]
async fn admins_create_and_change_programmes_with_the_lincoln_green_template() {
    let app = TestApp::new().await;
    let council = app.organisation("Leeds City Council").await;
    let trust = app.organisation("Leeds Teaching Hospitals NHS Trust").await;
    let admin = client(&app, Role::Admin, "Leeds City Council").await;
    let created = admin
        .json(
            Method::POST,
            "/api/v1/programmes",
            json!({"name": "Facilities Technician", "partner_organisation_ids": [council, trust]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let programme = created.json();
    assert_eq!(programme["completion_threshold"], 80);
    let template = programme["template"].as_array().unwrap();
    assert_eq!(template.len(), 30);
    let placement = template.iter().filter(|d| d["kind"] == "placement").count();
    assert_eq!(placement, 16, "weeks 3–6 on placement Monday to Thursday");
    let id = programme["id"].as_i64().unwrap();

    let patched = admin
        .json(
            Method::PATCH,
            &format!("/api/v1/programmes/{id}"),
            json!({"completion_threshold": 75, "partner_organisation_ids": [trust]}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(
        (
            patched.json()["completion_threshold"].clone(),
            patched.json()["partner_organisation_ids"].clone()
        ),
        (json!(75), json!([trust]))
    );
    let bad = admin
        .json(
            Method::PATCH,
            &format!("/api/v1/programmes/{id}"),
            json!({"completion_threshold": 0, "partner_organisation_ids": [999]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &bad.json()["error"]["fields"];
    assert!(
        fields["completion_threshold"].is_string()
            && fields["partner_organisation_ids"].is_string(),
        "{fields}"
    );
    let coordinator = client(
        &app,
        Role::Coordinator,
        "Leeds Teaching Hospitals NHS Trust",
    )
    .await;
    assert_eq!(
        coordinator
            .json(
                Method::PATCH,
                &format!("/api/v1/programmes/{id}"),
                json!({"name": "Mine"})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn other_organisations_neither_see_nor_find_a_programme() {
    let app = TestApp::new().await;
    let id = app
        .programme(
            "Facilities Technician",
            &["Leeds City Council", "Leeds Teaching Hospitals NHS Trust"],
        )
        .await;
    let partner = client(&app, Role::Hr, "Leeds Teaching Hospitals NHS Trust").await;
    assert_eq!(
        partner
            .get(&format!("/api/v1/programmes/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        partner.get("/api/v1/programmes").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    for role in [Role::Coordinator, Role::Hr, Role::Manager] {
        let outsider = client(&app, role, "Bradford Teaching Hospitals").await;
        let response = outsider.get(&format!("/api/v1/programmes/{id}")).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{role:?}");
        assert!(!response.text().contains("Facilities"), "no trace of it");
        assert_eq!(
            outsider.get("/api/v1/programmes").await.json()["items"],
            json!([])
        );
        let orgs = outsider.get("/api/v1/organisations").await.json();
        let names: Vec<&str> = orgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["Bradford Teaching Hospitals"],
            "only their own organisation"
        );
    }
    let partner_orgs = partner.get("/api/v1/organisations").await.json();
    assert_eq!(
        partner_orgs["items"].as_array().unwrap().len(),
        2,
        "own and fellow partner"
    );
}

#[tokio::test]
async fn lists_page_with_a_cursor() {
    let app = TestApp::new().await;
    for i in 0..5 {
        app.organisation(&format!("Organisation {i}")).await;
    }
    let admin = client(&app, Role::Admin, "Leeds City Council").await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/organisations?limit=2".to_owned();
    loop {
        let page = admin.get(&path).await.json();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/organisations?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = TestApp::new().await;
    let doc = app.anon().get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/me", "get"),
        ("/api/v1/organisations", "get"),
        ("/api/v1/organisations", "post"),
        ("/api/v1/programmes", "post"),
        ("/api/v1/programmes/{id}", "patch"),
        ("/api/v1/openapi.json", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
}
