//! An HTTP/1 client over a real socket to the app under test: signs in through the real
//! sign-in form (the token from `GET /sign-in`, then the credentials posted), or carries
//! an API token, and fetches pages whole.

use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// One signed-in (or token-carrying) client.
#[derive(Clone)]
pub struct Browser {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    cookie: Option<String>,
    bearer: Option<String>,
}

/// One response, read whole.
pub struct Fetched {
    pub status: StatusCode,
    pub bytes: usize,
    pub took: Duration,
}

impl Browser {
    /// A client with no credentials for the app at `base` (`http://127.0.0.1:port`).
    pub fn anonymous(base: &str) -> Browser {
        Browser {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: base.to_owned(),
            cookie: None,
            bearer: None,
        }
    }

    /// A client that sends `token` as its bearer token.
    pub fn with_token(&self, token: String) -> Browser {
        Browser {
            bearer: Some(token),
            cookie: None,
            ..self.clone()
        }
    }

    /// Signs in through the form as `email`; the returned client carries the session.
    pub async fn sign_in(&self, email: &str, password: &str) -> anyhow::Result<Browser> {
        let form = self
            .client
            .request(Request::get(format!("{}/sign-in", self.base)).body(Full::default())?)
            .await?;
        let token = cookie(&form, "pathways_signin").context("no sign-in token cookie")?;
        let body = serde_urlencoded::to_string([
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ])?;
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("{}/sign-in", self.base))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("pathways_signin={token}"))
            .body(Full::from(body))?;
        let signed_in = self.client.request(request).await?;
        anyhow::ensure!(
            signed_in.status() == StatusCode::SEE_OTHER,
            "sign-in as {email} answered {}",
            signed_in.status()
        );
        let session = cookie(&signed_in, "pathways_session").context("no session cookie")?;
        Ok(Browser {
            cookie: Some(format!("pathways_session={session}")),
            bearer: None,
            ..self.clone()
        })
    }

    /// Fetches `path` and reads the whole body.
    pub async fn fetch(&self, path: &str) -> anyhow::Result<Fetched> {
        let mut request = Request::get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(token) = &self.bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request.body(Full::default())?;
        let started = Instant::now();
        let response = self.client.request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Fetched {
            status,
            bytes: body.len(),
            took: started.elapsed(),
        })
    }
}

/// The value of cookie `name` set by `response`.
fn cookie<B>(response: &axum::http::Response<B>, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let pair = v.split(';').next()?;
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim().to_owned())
        })
}
