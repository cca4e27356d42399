//! Closure days of a programme: administrators add and remove them on the programme's
//! closures page (audited, one per day, today or later); everyone who sees the programme
//! sees them with the coming year's bank holidays, later years marked provisional.

use axum::http::StatusCode;
use chrono::TimeDelta;
use pathways::auth::Role;

use crate::common::TestApp;

const ORG: &str = "Leeds City Council";

#[tokio::test]
async fn an_admin_adds_and_removes_closure_days_and_everyone_partnering_sees_them() {
    let app = TestApp::new().await;
    let programme = app.programme("Facilities Technician", &[ORG]).await;
    let admin = app.login_as(Role::Admin, ORG).await;
    let path = format!("/programmes/{programme}/closures");

    // The programme page links to it.
    let show = admin.get(&format!("/programmes/{programme}")).await;
    assert!(show.text().contains(&path));

    let before = app.audit_count().await;
    let added = admin
        .post_form(
            &path,
            &[
                ("closed_on_day", "2"),
                ("closed_on_month", "12"),
                ("closed_on_year", "2026"),
                ("reason", "College inset day"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count().await, before + 1);
    let page = admin.get(&added.location().unwrap()).await;
    let text = page.text();
    assert!(text.contains("The closure day has been added."));
    assert!(text.contains("Wed 2 Dec 2026") && text.contains("College inset day"));
    // The coming year's bank holidays, as published.
    assert!(text.contains("Fri 25 Dec 2026") && text.contains("Christmas Day"));
    assert!(text.contains("Boxing Day (substitute day)"));
    assert!(!text.contains("Provisional"));

    // The same day twice is refused, naming it.
    let again = admin
        .post_form(
            &path,
            &[
                ("closed_on_day", "2"),
                ("closed_on_month", "12"),
                ("closed_on_year", "2026"),
                ("reason", "Site closure"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().contains("already closed on 2 December 2026"));
    // A past day, a missing reason and an impossible date are refused with their fields.
    let bad = admin
        .post_form(
            &path,
            &[
                ("closed_on_day", "1"),
                ("closed_on_month", "1"),
                ("closed_on_year", "2020"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(text.contains("Date must be today or in the future"));
    assert!(text.contains("Enter the reason"));
    assert!(text.contains("href=\"#closed_on\"") && text.contains("href=\"#reason\""));
    let impossible = admin
        .post_form(
            &path,
            &[
                ("closed_on_day", "31"),
                ("closed_on_month", "2"),
                ("closed_on_year", "2027"),
                ("reason", "Nope"),
            ],
        )
        .await;
    assert_eq!(impossible.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A coordinator of a partner sees the closure but cannot add or remove one.
    let coordinator = app.login_as(Role::Coordinator, ORG).await;
    let seen = coordinator.get(&path).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.text().contains("College inset day"));
    assert!(!seen.text().contains("Add a closure day"));
    let id = closure_ids(&app, programme).await[0];
    let refused = coordinator
        .post_form(&format!("/closures/{id}/remove"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // An outsider's coordinator does not see the programme at all.
    let outsider = app.login_as(Role::Coordinator, "Bradford Council").await;
    assert_eq!(outsider.get(&path).await.status, StatusCode::NOT_FOUND);

    // The admin removes it, audited.
    let before = app.audit_count().await;
    let removed = admin
        .post_form(&format!("/closures/{id}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        removed.location().as_deref(),
        Some(format!("{path}?notice=removed").as_str())
    );
    assert_eq!(app.audit_count().await, before + 1);
    assert!(closure_ids(&app, programme).await.is_empty());
    let gone = admin
        .post_form(&format!("/closures/{id}/remove"), &[])
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn closure_days_come_a_page_at_a_time_latest_first() {
    let app = TestApp::new().await;
    let programme = app.programme("Facilities Technician", &[ORG]).await;
    let admin = app.login_as(Role::Admin, ORG).await;
    let path = format!("/programmes/{programme}/closures");
    let first = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    for n in 0..52 {
        let day = first + TimeDelta::days(n);
        let (d, m, y) = (
            day.format("%-d").to_string(),
            day.format("%-m").to_string(),
            day.format("%Y").to_string(),
        );
        let r = admin
            .post_form(
                &path,
                &[
                    ("closed_on_day", &d),
                    ("closed_on_month", &m),
                    ("closed_on_year", &y),
                    ("reason", &format!("Closure {n}")),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let page = admin.get(&path).await.text();
    assert_eq!(page.matches("/remove\"").count(), 50);
    assert!(page.contains("Closure 51") && !page.contains("Closure 1<"));
    let next = page
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let rest = admin.get(&next).await.text();
    assert_eq!(rest.matches("/remove\"").count(), 2);
    assert!(rest.contains("Closure 0<") && rest.contains("Closure 1<"));
}

#[tokio::test]
async fn years_not_yet_published_are_shown_as_provisional() {
    let app = TestApp::new().await;
    // Monday 2 October 2028.
    app.clock.advance(TimeDelta::days(679));
    let programme = app.programme("Facilities Technician", &[ORG]).await;
    let manager = app.login_as(Role::Manager, ORG).await;
    let text = manager
        .get(&format!("/programmes/{programme}/closures"))
        .await
        .text();
    // 2028 is published; 2029 is computed.
    assert!(text.contains("Mon 25 Dec 2028"));
    let good_friday = text.split("Fri 30 Mar 2029").nth(1).unwrap();
    assert!(
        good_friday
            .split("</tr>")
            .next()
            .unwrap()
            .contains("Provisional")
    );
    let christmas_2028 = text.split("Mon 25 Dec 2028").nth(1).unwrap();
    assert!(
        !christmas_2028
            .split("</tr>")
            .next()
            .unwrap()
            .contains("Provisional")
    );
}

/// The ids of a programme's closure days.
async fn closure_ids(app: &TestApp, programme: i32) -> Vec<i32> {
    app.state
        .db
        .run(move |conn| {
            let request = pathways::models::page::PageRequest::<chrono::NaiveDate>::first(50);
            Ok(pathways::models::closure::ClosureDay::page_for_programme(
                conn, programme, &request,
            )?
            .into_iter()
            .map(|c| c.id)
            .collect())
        })
        .await
        .unwrap()
}
