//! The programme report page, paged: its cohort rows a page at a time in the report's
//! order, each once, with the total over the whole filter equal to the unpaged report's
//! (the CSV's `TOTAL`); and a resident's history on their page, newest first, a page at a
//! time, showing each event the reader may see exactly once.

use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use pathways::actions::history;
use pathways::actions::reports::{programme_report, programme_report_page};
use pathways::auth::Role;
use pathways::domain::Actor;
use pathways::models::page::{Key, PageRequest};
use pathways::models::{AuditAction, AuditEvent, NewAuditEvent};
use pathways::reports::ProgrammeFilter;

use crate::common::{PASSWORD, TestApp, unscoped};

const PROVIDER: &str = "Learning Partnerships";

#[tokio::test]
async fn the_report_pages_its_rows_and_totals_the_whole_filter() {
    let app = TestApp::new().await;
    let d = app.delivery(PROVIDER).await;
    // Six more cohorts, two starting the same day, with a resident in each of three.
    for (n, start) in [
        "2026-09-07",
        "2026-09-07",
        "2026-10-05",
        "2027-01-04",
        "2025-06-02",
        "2026-09-07",
    ]
    .iter()
    .enumerate()
    {
        let cohort = app
            .cohort()
            .programme(d.programme)
            .name(&format!("Cohort {n}"))
            .starting(start)
            .create()
            .await;
        if n % 2 == 0 {
            let resident = app
                .participant()
                .named("Resident", &format!("Number{n}"))
                .owner(PROVIDER)
                .create()
                .await;
            app.enrolment(&cohort, &resident).create().await;
        }
    }
    let now = app.state.clock.now();
    let admin = unscoped(1, now);
    let (today, id) = (now.date(), d.programme);
    let (whole, paged) = app
        .state
        .db
        .run(move |conn| {
            let filter = || ProgrammeFilter {
                programme_id: Some(id),
                ..ProgrammeFilter::default()
            };
            let whole = programme_report(conn, &admin, filter(), today)?;
            let (mut pages, mut after) = (Vec::new(), None);
            loop {
                let request = PageRequest { after, limit: 2 };
                let page = programme_report_page(conn, &admin, filter(), today, &request)?;
                let next = page.lines.next.clone();
                pages.push(page);
                match next {
                    Some(cursor) => after = <(NaiveDate, i32)>::decode(&cursor),
                    None => return Ok((whole, pages)),
                }
            }
        })
        .await
        .unwrap();
    assert_eq!(whole.lines.len(), 7);
    assert_eq!(paged.len(), 4, "7 rows, 2 a page");
    let rows: Vec<_> = paged.iter().flat_map(|p| p.lines.items.iter()).collect();
    let keys = |l: &pathways::reports::ReportLine| (l.starts_on, l.cohort_id, l.figures.clone());
    assert_eq!(
        rows.iter().map(|l| keys(l)).collect::<Vec<_>>(),
        whole.lines.iter().map(keys).collect::<Vec<_>>(),
        "every row once, in the report's order, with the same figures"
    );
    for page in &paged {
        assert!(page.lines.items.len() <= 2);
        assert_eq!(page.total.figures, whole.total.figures);
        assert_eq!(page.total.cohort, "TOTAL");
    }
    assert_eq!(whole.total.figures.referred, 4);

    // The page: two rows a page, the total on each, the filter kept in the links.
    let web = app.login_as(Role::Admin, PROVIDER).await;
    let texts =
        crate::paging::all_pages(&web, &format!("/reports?programme_id={id}&limit=2")).await;
    assert_eq!(texts.len(), 4);
    let mut seen = Vec::new();
    for text in &texts {
        assert!(text.contains("Total, every page"));
        assert!(
            text.contains("<td class=\"numeric\">4</td>"),
            "the total's referred"
        );
        for part in text.split("<th scope=\"row\"><a href=\"/cohorts/").skip(1) {
            seen.push(part.split('/').next().unwrap().parse::<i32>().unwrap());
        }
    }
    let expected: Vec<i32> = whole.lines.iter().filter_map(|l| l.cohort_id).collect();
    assert_eq!(seen, expected);
    assert!(texts[0].contains(&format!("/reports?programme_id={id}&#38;as_at=")));
    let bad = web.get("/reports?cursor=nonsense").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Appends an event about resident `participant` by nobody (the system), at `at`.
async fn event(app: &TestApp, participant: i32, entity: &'static str, id: i32, at: NaiveDateTime) {
    app.state
        .db
        .run(move |conn| {
            let mut e = NewAuditEvent::simple(None, AuditAction::Update, entity, id);
            e.participant_id = Some(participant);
            Ok(AuditEvent::record(conn, e, at)?)
        })
        .await
        .unwrap()
}

/// Every event of resident `id`'s history `actor` sees, page by page (3 a page).
async fn history_pages(app: &TestApp, actor: Actor, id: i32) -> (Vec<i32>, Vec<i32>, usize) {
    app.state
        .db
        .run(move |conn| {
            let whole = history::visible(conn, &actor, id)?;
            let whole: Vec<i32> = whole.trail.iter().map(|(e, _)| e.id).collect();
            let (mut paged, mut after, mut pages) = (Vec::new(), None, 0);
            loop {
                let request = PageRequest { after, limit: 3 };
                let page = history::resident(conn, &actor, id, &request)?.trail;
                assert!(page.items.len() <= 3);
                paged.extend(page.items.iter().map(|(e, _)| e.id));
                pages += 1;
                match page.next {
                    Some(cursor) => after = <(NaiveDateTime, i32)>::decode(&cursor),
                    None => return Ok((whole, paged, pages)),
                }
            }
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_residents_history_is_paged_newest_first() {
    let app = TestApp::new().await;
    let d = app.delivery(PROVIDER).await;
    let start = app.state.clock.now();
    // Events a minute apart, three at one instant (ordered by id then), and among them
    // events about an enrolment of another partnership, which a coordinator may not see.
    for n in 0..12 {
        let at = start + TimeDelta::minutes(1 + n.min(9));
        event(&app, d.participant, "participant", d.participant, at).await;
        if n % 4 == 0 {
            event(&app, d.participant, "enrolment", 999_999, at).await;
        }
    }
    app.clock.advance(TimeDelta::hours(1));
    let now = app.state.clock.now();

    let admin = unscoped(1, now);
    let (whole, paged, count) = history_pages(&app, admin, d.participant).await;
    assert!(whole.len() > 15, "{}", whole.len());
    assert_eq!(paged, whole, "every event once, newest first");
    assert_eq!(count, whole.len().div_ceil(3));

    let (coordinator, email) = app.user(Role::Coordinator, PROVIDER).await;
    let org = app.organisation(PROVIDER).await;
    let actor = Actor {
        user_id: coordinator,
        role: Role::Coordinator,
        organisation_id: org,
        today: now.date(),
        now,
    };
    let (seen, paged, _) = history_pages(&app, actor, d.participant).await;
    assert_eq!(paged, seen);
    assert_eq!(
        seen.len(),
        whole.len() - 3,
        "the other partnership's events hidden"
    );

    let web = app.sign_in(&email, PASSWORD).await;
    let texts =
        crate::paging::all_pages(&web, &format!("/participants/{}?limit=5", d.participant)).await;
    assert_eq!(texts.len(), seen.len().div_ceil(5));
    assert!(texts[0].contains("Older history"));
    assert!(texts[1].contains("Newest first"));
    let rows: usize = texts
        .iter()
        .map(|t| {
            t.split("<h2 id=\"history\">")
                .nth(1)
                .unwrap()
                .matches("<tr><td>")
                .count()
        })
        .sum();
    assert_eq!(rows, seen.len());
}
