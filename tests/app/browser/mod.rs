//! A real browser (headless Chromium driven through chromedriver) signs in through the
//! form and lands on the dashboard. Skipped with a message when chromedriver is missing,
//! unless `PATHWAYS_REQUIRE_BROWSER=1`, when a missing browser fails the test. Every page
//! a test waits for is checked for accessibility (`axe`).

mod axe;

mod add_and_enrol;
mod checkpoints;
mod crawl;
mod labels;
mod phone;

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use pathways::auth::Role;

use crate::common::{PASSWORD, TestApp};

mod registers;
mod report_phone;
mod schedule;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (up to ten seconds) until the browser has navigated to `path` and the new page's
/// `<main>` is there, so elements are never read from the page being left.
async fn wait_for_page(
    browser: &fantoccini::Client,
    path: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let url = browser.current_url().await?;
        if url.path() == path && browser.find(Locator::Css("footer")).await.is_ok() {
            return axe::check(browser).await;
        }
        assert!(
            Instant::now() < deadline,
            "the browser never reached {path} (at {url})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (up to ten seconds) until the browser's address has `part` in its query string.
async fn wait_for_query(
    browser: &fantoccini::Client,
    part: &str,
    what: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !browser
        .current_url()
        .await?
        .query()
        .unwrap_or_default()
        .contains(part)
    {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Waits (up to ten seconds) until exactly `n` elements match `css`: for a form that
/// posts back to its own address, where the URL cannot tell the new page has arrived.
async fn wait_for_count(
    browser: &fantoccini::Client,
    css: &str,
    n: usize,
) -> Result<(), fantoccini::error::CmdError> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // Elements of the page being left may go stale: count again.
        if let Ok(found) = browser.find_all(Locator::Css(css)).await
            && found.len() == n
        {
            return Ok(());
        }
        assert!(Instant::now() < deadline, "never {n} of {css}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver, or says why not (and fails when the browser is required).
fn start_driver() -> Option<(Driver, u16)> {
    let required = std::env::var("PATHWAYS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        assert!(
            !required,
            "PATHWAYS_REQUIRE_BROWSER=1 but {CHROMEDRIVER} or {CHROMIUM} is missing"
        );
        eprintln!("skipping the browser test: install chromium and chromium-driver to run it");
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start listening"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((Driver(child), port))
}

/// The window a desktop test uses.
const DESKTOP: (u32, u32) = (1024, 800);
/// A phone's window (an iPhone 12 to 15 held upright).
const PHONE: (u32, u32) = (390, 844);

/// A browser pointed at the app served on a real loopback port; dropped at the end.
struct BrowserSession {
    browser: fantoccini::Client,
    base: String,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl BrowserSession {
    /// Starts chromedriver, serves `app`, opens headless Chromium in a desktop-sized
    /// window; `None` when skipped.
    async fn start(app: &TestApp) -> Option<BrowserSession> {
        let (width, height) = DESKTOP;
        Self::start_sized(app, width, height).await
    }

    /// As [`BrowserSession::start`], with a window whose page area is `width` × `height`
    /// CSS pixels (a phone's is [`PHONE`]).
    async fn start_sized(app: &TestApp, width: u32, height: u32) -> Option<BrowserSession> {
        let (driver, port) = start_driver()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = app.router.clone();
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", format!("--window-size={width},{height}"),
                         format!("--user-data-dir={}", profile.path().display())]
            }),
        );
        let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a browser session starts");
        let session = BrowserSession {
            browser,
            base,
            server,
            _driver: driver,
            _profile: profile,
        };
        session
            .resize(width, height)
            .await
            .expect("the window takes its size");
        Some(session)
    }

    /// Makes the page area `width` × `height` CSS pixels and waits until the page has
    /// laid itself out again at that width (media queries and all). The window's frame,
    /// if the browser draws one, is added so the page itself gets the size asked for.
    async fn resize(&self, width: u32, height: u32) -> Result<(), fantoccini::error::CmdError> {
        let b = &self.browser;
        let inner = || async {
            let v = b
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await?;
            let n = |i: usize| v[i].as_u64().unwrap_or_default();
            Ok::<_, fantoccini::error::CmdError>((n(0), n(1)))
        };
        b.set_window_size(width, height).await?;
        let (w, h) = inner().await?;
        let (extra_w, extra_h) = (
            u32::try_from(u64::from(width).saturating_sub(w)).unwrap_or(0),
            u32::try_from(u64::from(height).saturating_sub(h)).unwrap_or(0),
        );
        if extra_w > 0 || extra_h > 0 {
            b.set_window_size(width + extra_w, height + extra_h).await?;
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let (w, h) = inner().await?;
            if w == u64::from(width) && h == u64::from(height) {
                return Ok(());
            }
            assert!(
                Instant::now() < deadline,
                "the window is {w}×{h}, not {width}×{height}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Saves a picture of the whole page as `name`.png in the folder named by
    /// `PATHWAYS_SCREENSHOTS`, when set (to see what a failing check saw); the window is
    /// made as tall as the page for the picture, then given its height back.
    async fn screenshot(&self, name: &str) -> Result<(), fantoccini::error::CmdError> {
        let Some(dir) = std::env::var_os("PATHWAYS_SCREENSHOTS") else {
            return Ok(());
        };
        let b = &self.browser;
        let size = b
            .execute(
                "return [window.innerWidth, window.innerHeight, document.documentElement.scrollHeight];",
                vec![],
            )
            .await?;
        let n = |i: usize| u32::try_from(size[i].as_u64().unwrap_or_default()).unwrap_or(0);
        self.resize(n(0), n(2).min(8000)).await?;
        let png = b.screenshot().await?;
        self.resize(n(0), n(1)).await?;
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png)
            .expect("the screenshot is written");
        Ok(())
    }

    /// Signs in through the form with `email` and `password` (the demo's accounts have
    /// their own) and waits for the dashboard.
    async fn sign_in_with(
        &self,
        email: &str,
        password: &str,
    ) -> Result<(), fantoccini::error::CmdError> {
        let b = &self.browser;
        b.goto(&format!("{}/sign-in", self.base)).await?;
        wait_for_page(b, "/sign-in").await?;
        b.find(Locator::Id("email")).await?.send_keys(email).await?;
        b.find(Locator::Id("password"))
            .await?
            .send_keys(password)
            .await?;
        b.find(Locator::Css("main button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_page(b, "/").await
    }

    /// Signs in through the form with the test password and waits for the dashboard.
    async fn sign_in(&self, email: &str) -> Result<(), fantoccini::error::CmdError> {
        self.sign_in_with(email, PASSWORD).await
    }

    async fn finish(self, outcome: Result<(), fantoccini::error::CmdError>) {
        let _ = self.browser.close().await;
        self.server.abort();
        outcome.expect("the browser steps succeed");
    }
}

#[tokio::test]
async fn a_coordinator_signs_in_through_the_form_and_sees_the_dashboard() {
    let app = TestApp::new().await;
    app.programme("Health and Care Careers", &["Learning Partnerships"])
        .await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        browser.goto(&format!("{}/", session.base)).await?;
        // Not signed in: sent to the sign-in page.
        wait_for_page(browser, "/sign-in").await?;
        assert_eq!(browser.title().await?, "Sign in – Pathways");
        session.sign_in(&email).await?;
        let heading = browser.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(heading, "Dashboard");
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("Health and Care Careers"), "{main}");
        assert_eq!(browser.title().await?, "Dashboard – Pathways");
        // Sign out through the header button.
        browser
            .find(Locator::Css(".app-nav__button"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, "/sign-in").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("You have signed out"));
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}

#[tokio::test]
async fn a_coordinator_takes_a_register_and_sees_the_attendance_rates() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    // Two more residents on the roster.
    let (actor, _) = app.user(Role::Admin, "Learning Partnerships").await;
    let owner = app.organisation("Learning Partnerships").await;
    let (today, now) = (app.state.clock.today(), app.state.clock.now());
    app.state
        .db
        .run(move |conn| {
            use pathways::models::participant_input::{
                ParticipantInput, check, create_participant,
            };
            let cohort = pathways::models::Cohort::find(conn, d.cohort)?;
            for (given, family) in [("Ben", "Ode"), ("Chloé", "Zhang")] {
                let input = ParticipantInput {
                    given_name: Some(given.into()),
                    family_name: Some(family.into()),
                    date_of_birth: Some("1988-06-01".into()),
                    postcode: Some("LS9 6AB".into()),
                    ..ParticipantInput::default()
                };
                let record = check(&input, today).map_err(pathways::AppError::Validation)?;
                let p = create_participant(conn, actor, owner, Some(owner), record, now)?;
                crate::common::enrol_as(conn, actor, cohort.id, p.id, (today, now))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let first = d.sessions[0];
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .goto(&format!("{}/sessions/{first}/register", session.base))
            .await?;
        wait_for_page(browser, &format!("/sessions/{first}/register")).await?;
        assert!(
            browser
                .title()
                .await?
                .starts_with("Register for Monday 2 November 2026")
        );
        // "Mark all present" fills in the form without saving anything.
        browser
            .find(Locator::Css("button[name=fill][value=present]"))
            .await?
            .click()
            .await?;
        // The form posts back to its own address: wait for the filled form itself.
        wait_for_count(browser, "input[value=present]:checked", 3).await?;
        // Ben Ode was absent.
        let ben = browser
            .find(Locator::XPath(
                "//fieldset[legend[normalize-space()='Ben Ode']]",
            ))
            .await?;
        ben.find(Locator::Css("input[value=unauthorised_absence]"))
            .await?
            .click()
            .await?;
        browser
            .find(Locator::XPath(
                "//button[normalize-space()='Save attendance' and not(@aria-hidden)]",
            ))
            .await?
            .click()
            .await?;
        wait_for_page(browser, &format!("/cohorts/{}", d.cohort)).await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("The register has been saved"), "{main}");
        let ben_row = browser
            .find(Locator::XPath("//tr[th[normalize-space()='Ben Ode']]"))
            .await?
            .text()
            .await?;
        assert!(
            ben_row.contains("0 of 1") && ben_row.contains("0.0%"),
            "{ben_row}"
        );
        let amina_row = browser
            .find(Locator::XPath("//tr[th[normalize-space()='Amina Khan']]"))
            .await?
            .text()
            .await?;
        assert!(
            amina_row.contains("1 of 1")
                && amina_row.contains("100.0%")
                && amina_row.contains("Started"),
            "{amina_row}"
        );
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}

/// Waits until the page's `h1` reads `heading` (a form posted to its own address leaves
/// the URL unchanged, so the URL cannot tell the new page has arrived).
async fn wait_for_heading(
    browser: &fantoccini::Client,
    heading: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // The old page's heading may go stale while the new page loads: try again.
        if let Ok(h1) = browser.find(Locator::Css("main h1")).await
            && h1.text().await.is_ok_and(|text| text == heading)
        {
            return axe::check(browser).await;
        }
        assert!(Instant::now() < deadline, "no page headed {heading:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_coordinator_imports_a_spreadsheet_file_through_the_browser() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("residents.csv");
    let sheet = "\u{feff}given_name,family_name,date_of_birth,postcode\r\n\
        Siobhán,O'Brien,14/02/1988,ls97tf\r\nمحمد,Rahman,1992-07-30,LS8 5QB\r\n";
    std::fs::write(&file, sheet).unwrap();
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .goto(&format!("{}/cohorts/{}", session.base, d.cohort))
            .await?;
        browser
            .find(Locator::LinkText("Import residents from a spreadsheet"))
            .await?
            .click()
            .await?;
        wait_for_heading(browser, "Import residents from a spreadsheet").await?;
        browser
            .find(Locator::Id("file"))
            .await?
            .send_keys(file.to_str().unwrap())
            .await?;
        browser
            .find(Locator::Css("main form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_heading(browser, "Check the import before you confirm").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(
            main.contains("Siobhán O'Brien") && main.contains("محمد Rahman"),
            "{main}"
        );
        browser
            .find(Locator::Css("main form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_heading(browser, "Import complete").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("2 residents enrolled"), "{main}");
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}

#[tokio::test]
async fn a_manager_reads_the_pilot_report_and_its_funnel() {
    let app = TestApp::new().await;
    pathways::demo::load(&app.state, |_| {})
        .await
        .expect("the demo loads");
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .find(Locator::LinkText("Reports"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, "/reports").await?;
        browser
            .find(Locator::LinkText("Lincoln Green pilot 2019"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, "/cohorts/1/report").await?;
        let headline = browser.find(Locator::Id("headline")).await?.text().await?;
        assert_eq!(headline, "55 referred, 49 started, 29 employed (59.2 %).");
        assert!(
            browser
                .find(Locator::Css("figure svg[role=img] title"))
                .await
                .is_ok()
        );
        let csv = browser
            .find(Locator::LinkText("Cohort report (CSV)"))
            .await?
            .attr("href")
            .await?
            .unwrap_or_default();
        assert!(
            csv.starts_with("/api/v1/cohorts/1/report.csv?as_at="),
            "{csv}"
        );
        // The publishable switch keeps the as-at date and suppresses small counts.
        browser
            .find(Locator::Id("publishable"))
            .await?
            .click()
            .await?;
        browser
            .find(Locator::Css("form.filter button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_query(
            browser,
            "publishable=1",
            "the publishable report did not load",
        )
        .await?;
        wait_for_page(browser, "/cohorts/1/report").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(
            main.contains("<5") && !main.contains("Ethnic group"),
            "{main}"
        );
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
