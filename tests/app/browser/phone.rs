//! A register taken on a phone (issue 14): fifteen residents in a 390 × 844 window make
//! a short page (it was 4,300px tall), with Save in the window from the start; marks
//! chosen by tapping and by the keyboard are saved and shown when the register is
//! opened again.

use fantoccini::Locator;
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use pathways::auth::Role;
use serde_json::Value;

use super::{BrowserSession, DESKTOP, PHONE, wait_for_count, wait_for_page};
use crate::common::TestApp;

const ORG: &str = "Learning Partnerships";

/// The tallest a fifteen-person register may be at 390px.
const MAX_HEIGHT: u64 = 1_800;

/// Fourteen more residents on the delivery's cohort (fifteen with Amina Khan): their
/// enrolment ids, in the register's order.
const NAMES: [(&str, &str); 14] = [
    ("Ben", "Ode"),
    ("Chloé", "Zhang"),
    ("Dariusz", "Nowak"),
    ("Efua", "Mensah"),
    ("Fatima", "Begum"),
    ("Gareth", "Llewellyn-Price"),
    ("Hannah", "Brown"),
    ("Imran", "Hussain"),
    ("Jade", "Wilson"),
    ("Kwame", "Asante"),
    ("Lucy", "O'Connor"),
    ("Mohammed", "Iqbal"),
    ("Niamh", "Kelly"),
    ("Oluwaseun", "Adeyemi-Johnson"),
];

/// Where the page and its Save button are: the page's size and scroll, and Save's box.
async fn layout(browser: &fantoccini::Client) -> Result<Value, CmdError> {
    browser
        .execute(
            r"const r = document.querySelector('.action-bar .button').getBoundingClientRect();
return { height: document.documentElement.scrollHeight,
         scrollWidth: document.documentElement.scrollWidth,
         innerWidth: window.innerWidth, innerHeight: window.innerHeight,
         scrollY: window.scrollY, top: r.top, bottom: r.bottom, left: r.left, right: r.right };",
            vec![],
        )
        .await
}

/// Asserts that the page fits its window's width and Save is wholly inside the window.
fn assert_save_in_reach(at: &Value, window: &str) {
    let n = |k: &str| at[k].as_f64().unwrap_or(f64::NAN);
    assert!(
        n("scrollWidth") <= n("innerWidth"),
        "{window}: the page is wider than the window: {at}"
    );
    assert!(
        n("top") >= 0.0
            && n("bottom") <= n("innerHeight")
            && n("left") >= 0.0
            && n("right") <= n("innerWidth"),
        "{window}: Save is not inside the window: {at}"
    );
}

#[tokio::test]
async fn a_fifteen_person_register_is_short_and_saved_on_a_phone() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (admin, _) = app.user(Role::Admin, ORG).await;
    let cohort = app
        .state
        .db
        .run(move |conn| Ok(pathways::models::Cohort::find(conn, d.cohort)?))
        .await
        .unwrap();
    let mut enrolments = vec![d.enrolment];
    for (i, (given, family)) in NAMES.into_iter().enumerate() {
        let resident = app
            .participant()
            .named(given, family)
            .born(&format!("19{}-0{}-1{}", 70 + i, 1 + i % 9, i % 10))
            .owner(ORG)
            .by(admin)
            .create()
            .await;
        enrolments.push(
            app.enrolment(&cohort, &resident)
                .by(admin)
                .create()
                .await
                .id,
        );
    }
    let (_, email) = app.user(Role::Coordinator, ORG).await;
    let (width, height) = PHONE;
    let Some(session) = BrowserSession::start_sized(&app, width, height).await else {
        return;
    };
    let browser = &session.browser;
    let first = d.sessions[0];
    let register = format!("/sessions/{first}/register");
    // Resident i gets mark `MARKS[i % 4]` (Present, Late, Authorised, Unauthorised).
    const MARKS: [&str; 4] = [
        "present",
        "late",
        "authorised_absence",
        "unauthorised_absence",
    ];
    let id = |i: usize, mark: &str| match mark {
        "present" => format!("status_{}", enrolments[i]),
        other => format!("status_{}-{other}", enrolments[i]),
    };
    let outcome = async {
        session.sign_in(&email).await?;
        browser.goto(&format!("{}{register}", session.base)).await?;
        wait_for_page(browser, &register).await?;
        session.screenshot("register-390").await?;
        let at = layout(browser).await?;
        eprintln!("a fifteen-person register at 390 × 844: {at}");
        assert_eq!(at["scrollY"].as_f64(), Some(0.0), "opened at the top");
        assert!(
            at["height"].as_u64().unwrap_or(u64::MAX) <= MAX_HEIGHT,
            "the register is taller than {MAX_HEIGHT}px on a phone: {at}"
        );
        assert_save_in_reach(&at, "at the top of the page");
        assert_eq!(
            browser
                .find_all(Locator::Css("fieldset.register__fieldset"))
                .await?
                .len(),
            15
        );
        // Saved with nobody marked, it comes back naming each of them, still fitting
        // the window at either width.
        browser
            .find(Locator::Css(".action-bar .button"))
            .await?
            .click()
            .await?;
        wait_for_count(browser, ".register__error", 15).await?;
        super::axe::check(browser).await?;
        session.screenshot("register-errors-390").await?;
        assert_save_in_reach(&layout(browser).await?, "sent back with errors");
        let (w, h) = DESKTOP;
        session.resize(w, h).await?;
        session.screenshot("register-errors-1024").await?;
        assert_save_in_reach(&layout(browser).await?, "sent back with errors at 1024");
        session.resize(width, height).await?;
        // Tapping a mark's segment (the radio covering it) chooses it (the first resident by the keyboard below),
        // scrolled to the middle of the window as a thumb would.
        for (i, _) in enrolments.iter().enumerate().skip(1) {
            let segment = browser.find(Locator::Id(&id(i, MARKS[i % 4]))).await?;
            browser
                .execute(
                    "arguments[0].scrollIntoView({block: 'center'});",
                    vec![serde_json::to_value(&segment)?],
                )
                .await?;
            segment.click().await?;
        }
        // A mark reached by the keyboard is never hidden under the bar (WCAG 2.4.11): the
        // page scrolls it clear of it.
        for i in 0..enrolments.len() {
            let hidden = browser
                .execute(
                    r"window.scrollTo(0, 0);
const input = document.getElementById(arguments[0]);
input.focus();
const mark = input.nextElementSibling.getBoundingClientRect();
const bar = document.querySelector('.action-bar').getBoundingClientRect();
return mark.bottom > bar.top ? [mark.bottom, bar.top] : null;",
                    vec![Value::String(id(i, "present"))],
                )
                .await?;
            assert!(hidden.is_null(), "row {i} is under the Save bar: {hidden}");
        }
        // The keyboard: a radio group is one tab stop and the arrow keys move the mark.
        let present = browser.find(Locator::Id(&id(0, "present"))).await?;
        present.send_keys(" ").await?;
        present.send_keys(&Key::Right.to_string()).await?;
        browser
            .find(Locator::Css(&format!("#{}:checked", id(0, "late"))))
            .await?;
        // Halfway down the list Save is still in the window.
        let at = layout(browser).await?;
        assert!(at["scrollY"].as_f64().unwrap_or_default() > 0.0, "{at}");
        assert_save_in_reach(&at, "scrolled down the list");
        browser
            .find(Locator::Css(".action-bar .button"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, &format!("/cohorts/{}", d.cohort)).await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("The register has been saved"), "{main}");
        // Opened again, the register shows every saved mark.
        browser.goto(&format!("{}{register}", session.base)).await?;
        wait_for_page(browser, &register).await?;
        for i in 0..enrolments.len() {
            let mark = if i == 0 { "late" } else { MARKS[i % 4] };
            browser
                .find(Locator::Css(&format!("#{}:checked", id(i, mark))))
                .await?;
        }
        assert_eq!(
            browser
                .find_all(Locator::Css(".register__input:checked"))
                .await?
                .len(),
            15
        );
        // The same register on a desktop fits too, Save in reach.
        let (w, h) = DESKTOP;
        session.resize(w, h).await?;
        assert_save_in_reach(&layout(browser).await?, "at 1024 × 800");
        super::axe::check(browser).await?;
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
