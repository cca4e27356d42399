//! The app served over real HTTP on a loopback port, with a small client, for tests that
//! need requests to arrive truly at once (the in-process `oneshot` client of `common`
//! runs one request at a time per call).

use axum::body::Bytes;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;

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
