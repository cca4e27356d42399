//! Renders [`AppError`](crate::error::AppError) responses as HTML pages for the web, and
//! sends people who are not signed in to the sign-in page. API responses keep their JSON.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Layout, see_other};
use crate::error::{FieldErrors, RenderedError};

/// A page explaining an error.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    fields: FieldErrors,
}

impl ErrorPage {
    /// A field's name as people read it: the error carries the form's field code
    /// (`date_of_birth`), which becomes "Date of birth".
    fn field_label(&self, code: &str) -> String {
        let words = code.replace('_', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// Middleware: swaps the JSON body of an error for a page, outside `/api/`.
pub async fn render_html_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if is_api {
        return response;
    }
    let Some(error) = response.extensions().get::<RenderedError>().cloned() else {
        return response;
    };
    if error.status == StatusCode::UNAUTHORIZED {
        return see_other("/sign-in");
    }
    let heading = match error.status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::FORBIDDEN => "You cannot do this",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::SERVICE_UNAVAILABLE => "Sorry, the service is busy",
        s if s.is_server_error() => "Sorry, there is a problem with the service",
        _ => "There is a problem",
    };
    let mut page_response = ErrorPage {
        layout: Layout::anonymous(heading),
        heading,
        message: error.message.clone(),
        fields: error.fields.clone(),
    }
    .into_response();
    *page_response.status_mut() = error.status;
    for (name, value) in response.headers() {
        if name == axum::http::header::RETRY_AFTER {
            page_response.headers_mut().insert(name, value.clone());
        }
    }
    page_response.extensions_mut().insert(error);
    page_response
}
