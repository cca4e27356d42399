//! A real browser (headless Chromium driven through chromedriver) signs in through the
//! form and lands on the dashboard. Skipped with a message when chromedriver is missing,
//! unless `PATHWAYS_REQUIRE_BROWSER=1`, when a missing browser fails the test.

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use pathways::auth::Role;

use crate::common::{PASSWORD, TestApp};

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
            return Ok(());
        }
        assert!(
            Instant::now() < deadline,
            "the browser never reached {path} (at {url})"
        );
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

#[tokio::test]
async fn a_coordinator_signs_in_through_the_form_and_sees_the_dashboard() {
    let Some((_driver, port)) = start_driver() else {
        return;
    };
    let app = TestApp::new().await;
    app.programme("Health and Care Careers", &["Learning Partnerships"])
        .await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
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
                     "--disable-dev-shm-usage", "--window-size=1024,800",
                     format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session starts");

    let outcome = async {
        browser.goto(&format!("{base}/")).await?;
        // Not signed in: sent to the sign-in page.
        wait_for_page(&browser, "/sign-in").await?;
        assert_eq!(browser.title().await?, "Sign in – Pathways");
        browser
            .find(Locator::Id("email"))
            .await?
            .send_keys(&email)
            .await?;
        browser
            .find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        browser
            .find(Locator::Css("main button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_page(&browser, "/").await?;
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
        wait_for_page(&browser, "/sign-in").await?;
        assert!(
            browser
                .find(Locator::Css("main"))
                .await?
                .text()
                .await?
                .contains("You have signed out")
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = browser.close().await;
    server.abort();
    outcome.expect("the browser steps succeed");
}
