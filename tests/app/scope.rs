//! Who a scoped user sees, now that the rule is read through each resident's own
//! enrolments (a correlated EXISTS) rather than a list of everyone in the organisation's
//! programmes: exactly the residents their organisation recorded or who are enrolled in a
//! cohort of a programme it partners in, on every page of a search, on a resident's page
//! and on the dashboard; erased residents are never found by a search.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use pathways::auth::Role;
use pathways::domain::Actor;
use pathways::models::page::PageRequest;
use pathways::models::{Cohort, Participant, access};

use crate::common::TestApp;

const LEEDS: &str = "Leeds City Council";
const BRADFORD: &str = "Bradford Council";

/// The residents, by what makes them visible or not to Leeds.
struct People {
    /// Recorded by Leeds, in no cohort.
    leeds_own: i32,
    /// Recorded by Bradford, enrolled in the shared programme.
    in_shared: i32,
    /// Recorded by Bradford, enrolled in Bradford's own programme only.
    bradford_only: i32,
    /// Recorded by Bradford, in no cohort.
    bradford_own: i32,
    /// Recorded by Bradford, in both programmes.
    in_both: i32,
    /// Recorded by Leeds, then erased.
    erased: i32,
}

async fn people(app: &TestApp) -> People {
    let (admin, _) = app.user(Role::Admin, LEEDS).await;
    let shared = app.programme("Shared careers", &[LEEDS, BRADFORD]).await;
    let own = app.programme("Bradford careers", &[BRADFORD]).await;
    let shared = app.cohort().programme(shared).by(admin).create().await;
    let own = app.cohort().programme(own).by(admin).create().await;
    let mut n = 0;
    let mut person = async |owner: &str, cohorts: &[&Cohort]| -> Participant {
        n += 1;
        let p = app
            .participant()
            .named(&format!("Person{n}"), "Smith")
            .born(&format!("1990-01-{n:02}"))
            .owner(owner)
            .by(admin)
            .create()
            .await;
        for c in cohorts {
            app.enrolment(c, &p).by(admin).create().await;
        }
        p
    };
    let people = People {
        leeds_own: person(LEEDS, &[]).await.id,
        in_shared: person(BRADFORD, &[&shared]).await.id,
        bradford_only: person(BRADFORD, &[&own]).await.id,
        bradford_own: person(BRADFORD, &[]).await.id,
        in_both: person(BRADFORD, &[&own, &shared]).await.id,
        erased: person(LEEDS, &[]).await.id,
    };
    let (erased, now) = (people.erased, app.state.clock.now());
    app.state
        .db
        .run(move |conn| pathways::models::erasure::erase_participant(conn, None, erased, now))
        .await
        .unwrap();
    people
}

/// Everyone `actor` finds searching "smith", reading pages of two.
async fn found(app: &TestApp, actor: Actor) -> BTreeSet<i32> {
    app.state
        .db
        .run(move |conn| {
            let mut all = BTreeSet::new();
            let mut page = PageRequest::<i32>::first(2);
            loop {
                let got = pathways::actions::participants::search(conn, &actor, "smith", &page)?;
                for p in &got.items {
                    assert!(all.insert(p.id), "{} found twice", p.id);
                }
                match got.next {
                    Some(cursor) => page.after = Some(cursor.parse().unwrap()),
                    None => return Ok(all),
                }
            }
        })
        .await
        .unwrap()
}

/// Residents `org`'s users may open, among `ids`.
async fn openable(app: &TestApp, org: i32, ids: Vec<i32>) -> BTreeSet<i32> {
    app.state
        .db
        .run(move |conn| {
            Ok(ids
                .into_iter()
                .filter(|id| access::participant(conn, *id, Some(org)).is_ok())
                .collect())
        })
        .await
        .unwrap()
}

fn coordinator(user_id: i32, organisation_id: i32, app: &TestApp) -> Actor {
    let now = app.state.clock.now();
    Actor {
        user_id,
        role: Role::Coordinator,
        organisation_id,
        today: now.date(),
        now,
    }
}

#[tokio::test]
async fn a_coordinator_sees_exactly_their_recorded_and_partner_enrolled_residents() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let (leeds, bradford) = (
        app.organisation(LEEDS).await,
        app.organisation(BRADFORD).await,
    );
    let (user, _) = app.user(Role::Coordinator, LEEDS).await;
    let everyone = vec![
        p.leeds_own,
        p.in_shared,
        p.bradford_only,
        p.bradford_own,
        p.in_both,
        p.erased,
    ];
    let leeds_sees = BTreeSet::from([p.leeds_own, p.in_shared, p.in_both]);
    assert_eq!(
        found(&app, coordinator(user, leeds, &app)).await,
        leeds_sees
    );
    let mut leeds_opens = leeds_sees.clone();
    leeds_opens.insert(p.erased);
    assert_eq!(
        openable(&app, leeds, everyone.clone()).await,
        leeds_opens,
        "the erased resident's page still opens for their organisation (it says so)"
    );
    let bradford_sees = BTreeSet::from([p.in_shared, p.bradford_only, p.bradford_own, p.in_both]);
    assert_eq!(
        found(&app, coordinator(user, bradford, &app)).await,
        bradford_sees
    );
    assert_eq!(openable(&app, bradford, everyone).await, bradford_sees);
    let admin = Actor {
        role: Role::Admin,
        ..coordinator(user, leeds, &app)
    };
    assert_eq!(found(&app, admin).await.len(), 5, "all but the erased");

    // Through the pages as well: the list and each resident's page.
    let c = app.login_as(Role::Coordinator, LEEDS).await;
    let list = c.get("/participants?q=smith").await.text();
    assert_eq!(
        list.matches("<th scope=\"row\"><a href=\"/participants/")
            .count(),
        3,
        "{list}"
    );
    for (id, status) in [
        (p.in_shared, StatusCode::OK),
        (p.bradford_only, StatusCode::NOT_FOUND),
        (p.bradford_own, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(c.get(&format!("/participants/{id}")).await.status, status);
    }
}

#[tokio::test]
async fn the_dashboard_lists_only_open_cohorts_of_the_partner_programmes() {
    let app = TestApp::new().await;
    let (admin, _) = app.user(Role::Admin, LEEDS).await;
    let mine = app.programme("Leeds careers", &[LEEDS]).await;
    let theirs = app.programme("Bradford careers", &[BRADFORD]).await;
    for (programme, name, status) in [
        (mine, "Leeds open intake", "recruiting"),
        (mine, "Leeds old intake", "finished"),
        (mine, "Leeds cancelled intake", "cancelled"),
        (theirs, "Bradford open intake", "recruiting"),
    ] {
        app.cohort()
            .programme(programme)
            .name(name)
            .status(status)
            .by(admin)
            .create()
            .await;
    }
    let c = app.login_as(Role::Coordinator, LEEDS).await;
    let page = c.get("/").await.text();
    assert!(page.contains("Leeds open intake"), "{page}");
    for absent in [
        "Leeds old intake",
        "Leeds cancelled intake",
        "Bradford open intake",
    ] {
        assert!(!page.contains(absent), "{absent} on the dashboard");
    }
}
