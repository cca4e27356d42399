//! Run-time configuration shared by every command: where the database is and how the
//! web server presents itself.

/// Settings for the web application.
#[derive(Debug, Clone)]
pub struct Config {
    /// Database URL: `sqlite://path`, a bare path, or `postgres://…`.
    pub database_url: String,
    /// Set when the app is served over HTTPS (directly or behind a TLS-terminating proxy):
    /// cookies then carry `Secure` and the `__Host-` prefix, and HSTS is sent.
    pub secure_cookies: bool,
    /// The request header a trusted reverse proxy sets to the client's address (e.g.
    /// `X-Forwarded-For`), read by the sign-in throttle. `None`: the TCP peer is the client,
    /// and such headers are ignored, since anyone can send them.
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
}

impl Config {
    /// The session cookie's name: `__Host-` prefixed when served over HTTPS, so the browser
    /// refuses it from a sub-domain or over plain HTTP.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pathways_session"
        } else {
            "pathways_session"
        }
    }

    /// The cookie that carries the sign-in form's CSRF token before anyone is signed in.
    pub fn signin_csrf_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pathways_signin"
        } else {
            "pathways_signin"
        }
    }
}
