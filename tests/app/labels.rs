//! Pages show what people read, not stored codes (the lawful basis, the history's stage
//! changes), and times of day in UK time: 13:05 UTC in June is 14:05 BST, 10:00 UTC in
//! November is 10:00 GMT, and no page says "UTC".

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use pathways::auth::Role;
use pathways::clock::Clock;

use crate::common::TestApp;

const ORG: &str = "Learning Partnerships";

#[tokio::test]
async fn the_resident_page_shows_labels_and_its_history_in_uk_summer_time() {
    let app = TestApp::new().await;
    let summer = Utc.with_ymd_and_hms(2026, 6, 7, 13, 5, 0).unwrap();
    app.clock.advance(summer - app.clock.now_utc());
    let d = app.delivery(ORG).await;
    let participant = d.participant;
    app.state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use pathways::schema::participants;
            diesel::update(participants::table.find(participant))
                .set(participants::lawful_basis.eq("public_task"))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let web = app.login_as(Role::Coordinator, ORG).await;
    let withdrawn = web
        .post_form(
            &format!("/enrolments/{}", d.enrolment),
            &[("stage", "withdrawn"), ("withdrawal_reason", "moved_away")],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.text()
    );

    let page = web.get(&format!("/participants/{participant}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("lawful basis: Public task (Article 6(1)(e))"),
        "{html}"
    );
    let history = &html[html.find("History</h2>").unwrap()..];
    assert!(
        history.contains("Stage changed from referred to withdrawn: moved away"),
        "{history}"
    );
    assert!(history.contains("Enrolled (referred)"), "{history}");
    assert!(
        history
            .contains(r#"<time datetime="2026-06-07T14:05:00+01:00">7 Jun 2026 at 14:05</time>"#),
        "{history}"
    );
    for code in ["public_task", "moved_away", "UTC", "13:05"] {
        assert!(!html.contains(code), "{code} shown: {html}");
    }
}

#[tokio::test]
async fn api_tokens_show_when_they_were_made_in_uk_winter_time() {
    let app = TestApp::new().await;
    // The test clock stands at 10:00 UTC on Monday 23 November 2026: GMT, so 10:00.
    let web = app.login_as(Role::Manager, ORG).await;
    let created = web
        .post_form("/account/tokens", &[("name", "Nightly export")])
        .await;
    assert!(created.status.is_success(), "{}", created.status);
    let html = web.get("/account").await.text();
    assert!(html.contains("<td>23 Nov 2026 at 10:00</td>"), "{html}");
    assert!(!html.contains("UTC"), "{html}");
    // An hour into summer time the same clock reads an hour ahead.
    let summer = Utc.with_ymd_and_hms(2027, 3, 28, 1, 30, 0).unwrap();
    app.clock.advance(summer - app.clock.now_utc());
    let web = app.login_as(Role::Manager, ORG).await;
    web.post_form("/account/tokens", &[("name", "Spring export")])
        .await;
    let html = web.get("/account").await.text();
    assert!(html.contains("<td>28 Mar 2027 at 02:30</td>"), "{html}");
}
