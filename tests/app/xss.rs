//! T-12: stored cross-site scripting. Thirty-two payloads are stored through the API in
//! every free-text field a page shows (resident names, cohort name and venue, session topic,
//! programme name and description, organisation name, job site and title); then every page
//! that shows them is rendered for an administrator, and none holds a payload unescaped.

use axum::http::{Method, StatusCode};
use pathways::auth::Role;
use serde_json::json;

use crate::common::TestApp;
use crate::imports::next_cohort;
use crate::residents::add_and_enrol;

const PAYLOADS: [&str; 32] = [
    "<script>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)' autofocus='",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<style>*{display:none}</style>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<base href=//evil.example>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<form action=//evil.example><button>x</button></form>",
    "<div style=\"background:url(javascript:alert(1))\">",
    "<!--<img src=--><img src=x onerror=alert(1)//>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<ScRiPt>alert(1)</ScRiPt>",
    "\"><svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<x onclick=alert(1)>click",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
];

#[tokio::test]
async fn stored_payloads_are_escaped_on_every_page_that_shows_them() {
    let app = TestApp::new().await;
    let org = "Learning Partnerships";
    let d = app.delivery(org).await;
    let cohort = next_cohort(&app, &d, 1000).await;
    let (admin, _) = app.user(Role::Admin, org).await;
    let api = app.token_client(admin).await;
    let employer = app.organisation(org).await;

    let mut residents = Vec::new();
    let mut stored = 0;
    for (n, payload) in PAYLOADS.iter().enumerate() {
        let dob = format!("19{:02}-03-{:02}", 50 + n % 40, 1 + n % 28);
        if let Some(id) = add_and_enrol(&api, cohort, payload, &format!("Marker{n}"), &dob).await {
            residents.push((id, n));
            stored += 1;
        }
    }
    assert_eq!(stored, PAYLOADS.len(), "every payload is a storable name");

    let mut writes = vec![
        (
            Method::PATCH,
            format!("/api/v1/cohorts/{cohort}"),
            json!({"name": PAYLOADS[0], "venue": PAYLOADS[1]}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/cohorts/{}", d.cohort),
            json!({"name": PAYLOADS[2], "venue": PAYLOADS[3]}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/sessions/{}", d.sessions[0]),
            json!({"topic": PAYLOADS[4]}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/programmes/{}", d.programme),
            json!({"name": PAYLOADS[5], "description": PAYLOADS[6]}),
        ),
        (
            Method::POST,
            "/api/v1/organisations".to_owned(),
            json!({"name": PAYLOADS[7], "kind": "charity"}),
        ),
    ];
    writes.push((
        Method::POST,
        "/api/v1/employments".to_owned(),
        json!({"participant_id": d.participant, "enrolment_id": d.enrolment,
               "employer_organisation_id": employer, "site": PAYLOADS[8],
               "job_title": PAYLOADS[9], "staff_group": "estates_and_facilities", "band": 2,
               "hours_per_week": 37.5, "contract": "permanent", "start_date": "2026-11-16"}),
    ));
    let mut employment = None;
    for (method, path, body) in writes {
        let r = api.json(method, &path, body).await;
        assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
        if path.ends_with("/employments") {
            employment = r.json()["id"].as_i64();
        }
    }
    let employment = employment.expect("the job was recorded");

    let web = app.login_as(Role::Admin, org).await;
    let mut pages = vec![
        "/".to_owned(),
        "/participants".to_owned(),
        "/participants?q=%3C".to_owned(),
        "/cohorts".to_owned(),
        format!("/cohorts/{cohort}"),
        format!("/cohorts/{cohort}/edit"),
        format!("/cohorts/{cohort}/report"),
        format!("/cohorts/{}", d.cohort),
        format!("/cohorts/{}/report", d.cohort),
        format!("/sessions/{}/register", d.sessions[0]),
        format!("/sessions/{}/edit", d.sessions[0]),
        "/reports".to_owned(),
        "/programmes".to_owned(),
        format!("/programmes/{}", d.programme),
        format!("/programmes/{}/edit", d.programme),
        format!("/employments/{employment}"),
        format!("/participants/{}", d.participant),
        "/checkpoints".to_owned(),
        "/admin/organisations".to_owned(),
    ];
    let mut markers = std::collections::HashMap::new();
    for (id, n) in &residents {
        for page in [
            format!("/participants/{id}"),
            format!("/participants/{id}/edit"),
        ] {
            markers.insert(page.clone(), format!("Marker{n}"));
            pages.push(page);
        }
    }
    for path in &pages {
        let page = web.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.text();
        for payload in PAYLOADS {
            assert!(
                !html.contains(payload),
                "{path} shows {payload:?} unescaped"
            );
        }
        assert!(!html.contains("<script"), "{path} holds a script element");
        if let Some(marker) = markers.get(path) {
            // The page really renders the resident whose given name is the payload.
            assert!(
                html.contains(marker.as_str()),
                "{path} does not show {marker}"
            );
        }
    }
}
