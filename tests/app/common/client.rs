//! Clients of the router under test: requests with a session cookie, a CSRF token or an
//! API token, and the collected responses.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A urlencoded form request.
pub fn form_request(method: Method, path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = serde_urlencoded::to_string(fields).unwrap();
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "pathways.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// A client: credentials to add to each request.
#[derive(Clone)]
pub struct TestClient {
    /// The router requests go to.
    pub router: Router,
    /// `name=value` of the session cookie.
    pub cookie: Option<String>,
    /// The session's CSRF token (read from a page).
    pub csrf: Option<String>,
    /// An API token.
    pub bearer: Option<String>,
}

impl TestClient {
    /// Sends `req` with this client's credentials.
    pub async fn send(&self, mut req: Request<Body>, csrf_header: Option<&str>) -> TestResponse {
        let headers = req.headers_mut();
        headers
            .entry(header::HOST)
            .or_insert("pathways.test".parse().unwrap());
        if let Some(cookie) = &self.cookie {
            headers.insert(header::COOKIE, cookie.parse().unwrap());
        }
        if let Some(token) = &self.bearer {
            headers.insert(
                header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            );
        }
        if let Some(csrf) = csrf_header {
            headers.insert("x-csrf-token", csrf.parse().unwrap());
        }
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        self.send(req, None).await
    }

    /// POST a form to `path`, adding this session's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(form_request(Method::POST, path, &all), None)
            .await
    }

    /// Sends JSON with `method` to `path` (with the CSRF header when using a session).
    pub async fn json(&self, method: Method, path: &str, body: serde_json::Value) -> TestResponse {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let csrf = self.csrf.clone();
        self.send(req, csrf.as_deref()).await
    }
}

/// A collected response.
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl TestResponse {
    /// Body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text()))
    }

    /// The value of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v.to_owned())
    }

    /// The `Set-Cookie` header for cookie `name`, whole.
    pub fn set_cookie_header(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// `Location` header.
    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The CSRF token in the page's first form.
    pub fn csrf_token(&self) -> Option<String> {
        let text = self.text();
        let marker = "name=\"csrf_token\" value=\"";
        let start = text.find(marker)? + marker.len();
        let end = text[start..].find('"')? + start;
        Some(text[start..end].to_owned()).filter(|t| !t.is_empty())
    }
}
