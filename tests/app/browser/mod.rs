//! The browser harness: a real browser (headless Chromium driven through chromedriver)
//! at a desktop or phone window, signing in through the form, with the waits the journeys
//! share; the journeys live in the modules below. Skipped with a message when chromedriver is missing,
//! unless `PATHWAYS_REQUIRE_BROWSER=1`, when a missing browser fails the test. Every page
//! a test waits for is checked for accessibility (`axe`).

mod axe;

mod add_and_enrol;
mod checkpoints;
mod crawl;
mod journeys;
mod labels;
mod phone;
mod registers;
mod report_phone;
mod schedule;

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};

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
