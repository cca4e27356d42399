//! Search finds people however their names are typed: case, accents, apostrophes,
//! hyphens and spaces fold away, and postcodes match however they are spaced or cased.
//! Residents recorded before the search keys existed get them when migrations run.

use diesel::prelude::*;
use pathways::auth::Role;
use pathways::db::run_migrations;
use pathways::schema::participants;

use crate::common::{TestApp, TestClient};

/// Zoë O'Brien-Nowak of LS9 6AA and Amina Khan of LS9 7TF, and a coordinator who may see them.
async fn two_residents(app: &TestApp) -> TestClient {
    app.participant()
        .named("Zoë", "O'Brien-Nowak")
        .born("1991-05-02")
        .postcode("ls9 6aa")
        .create()
        .await;
    app.participant().create().await;
    app.login_as(Role::Coordinator, "Leeds City Council").await
}

async fn finds(client: &TestClient, q: &str) -> (bool, bool) {
    let page = client
        .get(&format!("/participants?q={}", urlencode(q)))
        .await
        .text();
    (
        page.contains("O&#39;Brien-Nowak") || page.contains("O'Brien-Nowak"),
        page.contains("Khan"),
    )
}

fn urlencode(q: &str) -> String {
    serde_urlencoded::to_string([("", q)]).unwrap()[1..].to_owned()
}

#[tokio::test]
async fn names_are_found_however_they_are_typed() {
    let app = TestApp::new().await;
    let client = two_residents(&app).await;
    for q in [
        "zoe",
        "ZOË",
        "obrien",
        "o brien",
        "O'BRIEN",
        "o’brien-nowak",
        "nowak zoe",
        "zoe obrien",
        "brien-now",
    ] {
        assert_eq!(finds(&client, q).await, (true, false), "{q}");
    }
    assert_eq!(finds(&client, "khan").await, (false, true));
    assert_eq!(finds(&client, "zoe khan").await, (false, false));
    assert_eq!(finds(&client, "' -").await, (false, false));
}

#[tokio::test]
async fn postcodes_ignore_spaces_and_case() {
    let app = TestApp::new().await;
    let client = two_residents(&app).await;
    for q in ["ls96aa", "LS9 6AA", "ls9  6a", "LS96"] {
        let found = finds(&client, q).await;
        assert!(found.0, "{q}");
    }
    assert_eq!(finds(&client, "ls97").await, (false, true));
    assert_eq!(finds(&client, "ls9").await, (true, true));
}

#[tokio::test]
async fn changed_and_erased_residents_have_current_keys() {
    let app = TestApp::new().await;
    let client = two_residents(&app).await;
    let id = app
        .state
        .db
        .run(|conn| {
            participants::table
                .filter(participants::family_name.eq("Khan"))
                .select(participants::id)
                .first::<i32>(conn)
                .map_err(Into::into)
        })
        .await
        .unwrap();
    let api = app
        .token_client(app.user(Role::Coordinator, "Leeds City Council").await.0)
        .await;
    let patched = api
        .json(
            axum::http::Method::PATCH,
            &format!("/api/v1/participants/{id}"),
            serde_json::json!({"family_name": "Dúbois-Khan", "postcode": "LS8 5QB"}),
        )
        .await;
    assert!(patched.status.is_success(), "{}", patched.text());
    assert_eq!(finds(&client, "duboiskhan").await, (false, true));
    assert_eq!(finds(&client, "ls85q").await, (false, true));
    assert_eq!(finds(&client, "ls97").await, (false, false));
}

#[tokio::test]
async fn rows_recorded_before_the_keys_get_them_when_migrations_run() {
    let app = TestApp::new().await;
    let client = two_residents(&app).await;
    let db = app.state.db.clone();
    let keys = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        diesel::update(participants::table)
            .set((
                participants::search_name.eq(""),
                participants::postcode_key.eq(""),
            ))
            .execute(&mut conn)
            .unwrap();
        assert_eq!(run_migrations(&mut conn).unwrap(), 0);
        // Again: nothing left to fill, nothing changes.
        run_migrations(&mut conn).unwrap();
        participants::table
            .order(participants::id)
            .select((participants::search_name, participants::postcode_key))
            .load::<(String, String)>(&mut conn)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        keys,
        vec![
            (
                "zoeobriennowak obriennowakzoe".to_owned(),
                "LS96AA".to_owned()
            ),
            ("aminakhan khanamina".to_owned(), "LS97TF".to_owned()),
        ]
    );
    assert_eq!(finds(&client, "o brien").await, (true, false));
}
