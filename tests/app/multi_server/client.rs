//! A small HTTP/1 client for tests against real `pathways serve` processes.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// An HTTP/1 client that opens as many connections as there are requests in flight.
#[derive(Clone)]
pub struct Http(Client<HttpConnector, Full<Bytes>>);

/// A collected response.
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as text.
    pub body: String,
}

impl Reply {
    /// The value of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next()?.split_once('='))
            .find(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v.to_owned())
    }

    /// The CSRF token in the page's first form.
    pub fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).expect("a form") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}

impl Http {
    /// A client with an empty connection pool.
    pub fn new() -> Http {
        Http(Client::builder(TokioExecutor::new()).build_http())
    }

    async fn try_send(&self, req: Request<Full<Bytes>>) -> Option<Reply> {
        let response = self.0.request(req).await.ok()?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.ok()?.to_bytes();
        Some(Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    /// GET `url`; `None` when nothing answers (the server is not up yet).
    pub async fn get_opt(&self, url: &str, cookie: Option<&str>) -> Option<Reply> {
        let mut req = Request::get(url);
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        self.try_send(req.body(Full::default()).unwrap()).await
    }

    /// POST a urlencoded form, optionally through a pretend proxy's `X-Forwarded-For`.
    pub async fn post_form(
        &self,
        url: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        forwarded_for: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(url)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(address) = forwarded_for {
            req = req.header("x-forwarded-for", address);
        }
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = req.body(Full::new(Bytes::from(body))).unwrap();
        self.try_send(req).await.expect("the server answers")
    }
}
