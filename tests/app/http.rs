//! The app served over real HTTP on a loopback port, with a small client, for tests that
//! need requests to arrive truly at once (the in-process `oneshot` client of `common`
//! runs one request at a time per call), and bursts: calls sent at the same moment, their
//! statuses tallied, 5xx refused.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use pathways::db::retries_so_far;

use crate::common::{TestApp, TestResponse};

/// The app served over real HTTP on a loopback port (127.0.0.1, port chosen by the
/// system), so bursts of requests reach it concurrently through the same stack as in
/// production: TCP, hyper, the router, the pool. The server stops when this is dropped.
pub struct Served {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    client: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        http_body_util::Full<Bytes>,
    >,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    /// Serves this app's router on a real socket until the returned [`Served`] is dropped.
    pub async fn serve(&self) -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = self.router.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http();
        Served {
            base,
            client,
            server,
        }
    }
}

impl Served {
    /// Sends one request with these extra headers and returns the collected response.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> TestResponse {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = req.body(http_body_util::Full::new(body.into())).unwrap();
        let response = self.client.request(req).await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// Sends JSON as an API client holding `token`.
    pub async fn api(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> TestResponse {
        let bearer = format!("Bearer {token}");
        let headers = [
            (header::AUTHORIZATION.as_str(), bearer.as_str()),
            (header::CONTENT_TYPE.as_str(), "application/json"),
        ];
        self.send(method, path, &headers, body.to_string()).await
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// One request of a burst.
pub struct Call {
    /// Method.
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl Call {
    /// A JSON call as an API client holding `token`.
    pub fn api(token: &str, method: Method, path: String, body: String) -> Call {
        Call {
            method,
            path,
            headers: vec![
                (header::AUTHORIZATION.to_string(), format!("Bearer {token}")),
                (header::CONTENT_TYPE.to_string(), "application/json".into()),
            ],
            body,
        }
    }
}

/// Sends every call at the same moment (they wait on one barrier) and returns the
/// responses in call order, after printing the burst's time, statuses and retries.
pub async fn burst(served: &Arc<Served>, name: &str, calls: Vec<Call>) -> Vec<TestResponse> {
    let barrier = Arc::new(tokio::sync::Barrier::new(calls.len()));
    let (retries, started) = (retries_so_far(), Instant::now());
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|call| {
            let (served, barrier) = (served.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let headers: Vec<(&str, &str)> = call
                    .headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                served
                    .send(call.method, &call.path, &headers, call.body)
                    .await
            })
        })
        .collect();
    let mut responses = Vec::new();
    for task in tasks {
        responses.push(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    let tally = statuses(&responses);
    eprintln!(
        "burst {name}: {} requests in {} ms, statuses {tally:?}, retries (whole process) {}",
        responses.len(),
        elapsed.as_millis(),
        retries_so_far() - retries
    );
    for r in &responses {
        assert!(!r.status.is_server_error(), "{name}: {}", r.text());
    }
    assert!(elapsed < Duration::from_secs(30), "{name} took {elapsed:?}");
    responses
}

/// How many responses had each status.
pub fn statuses(responses: &[TestResponse]) -> BTreeMap<u16, usize> {
    let mut tally = BTreeMap::new();
    for r in responses {
        *tally.entry(r.status.as_u16()).or_default() += 1;
    }
    tally
}
