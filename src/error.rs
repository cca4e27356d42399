//! The one error type of the application. Handlers return [`AppResult`]; the error renders
//! as `{"error": {"code", "message", "fields"}}` for the API, and the web router's
//! middleware (`web::errors`) turns the same error into an HTML page.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

/// Result alias used by handlers, models and commands.
pub type AppResult<T> = Result<T, AppError>;

/// Field-level problems with submitted input, in the order the form shows its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`; only the first problem per field is kept.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|(f, _)| f == field) {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Every (field, message) pair in order.
    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }

    /// `Ok(())` when empty, otherwise a 422 validation error carrying the problems.
    pub fn into_result(self) -> AppResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

/// Everything that can go wrong in a request or command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Malformed request (bad JSON, bad query string).
    #[error("{message}")]
    BadRequest {
        /// What was wrong, for people.
        message: String,
        /// The fields concerned, when known.
        fields: FieldErrors,
    },
    /// No valid session or token.
    #[error("Sign in to continue.")]
    Unauthorized,
    /// Signed in, but the role does not allow this.
    #[error("You do not have permission to do this.")]
    Forbidden,
    /// A state-changing request without a valid CSRF token or from another site.
    #[error(
        "The form was out of date or came from another site. Go back, reload the page and try again."
    )]
    CsrfRejected,
    /// An API token of a user who must first change a temporary password.
    #[error(
        "A new password must be set before the API can be used. Sign in to Pathways and change your password."
    )]
    PasswordChangeRequired,
    /// The object does not exist or the caller may not see it (deliberately the same).
    #[error("Page not found.")]
    NotFound,
    /// The change clashes with what is stored (a duplicate, a used name).
    #[error("{message}")]
    Conflict {
        /// What clashed.
        message: String,
        /// The fields concerned.
        fields: FieldErrors,
    },
    /// The client's `If-Match` (or a form's opened version) names a version of the
    /// thing that is no longer the stored one: someone else saved it meanwhile.
    #[error("{message}")]
    PreconditionFailed {
        /// What changed, for people.
        message: String,
    },
    /// Input that parsed but broke a rule.
    #[error("Check the highlighted fields.")]
    Validation(FieldErrors),
    /// The path exists but not for this method.
    #[error("This address does not accept that method.")]
    MethodNotAllowed,
    /// The request body is larger than the server accepts.
    #[error("The request is too large.")]
    PayloadTooLarge,
    /// Wrong `Content-Type` for the API.
    #[error("Send JSON with Content-Type: application/json.")]
    UnsupportedMediaType,
    /// Too many attempts; try again later.
    #[error("Too many attempts. Wait {retry_after_secs} seconds and try again.")]
    TooManyRequests {
        /// Seconds until another attempt is accepted.
        retry_after_secs: u64,
    },
    /// The database could not be reached in time.
    #[error("The service is busy. Try again in a moment.")]
    Unavailable,
    /// A real fault; the detail is logged, never shown.
    #[error("Something went wrong on our side. Try again later.")]
    Internal(#[source] anyhow::Error),
}

/// The error facts the HTML renderer needs, attached to every error response.
#[derive(Debug, Clone)]
pub struct RenderedError {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine code, as in the JSON body.
    pub code: &'static str,
    /// Sentence for people.
    pub message: String,
    /// Field problems, if any.
    pub fields: FieldErrors,
}

impl AppError {
    /// A 400 with a message and no fields.
    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            fields: FieldErrors::new(),
        }
    }

    /// A 422 naming one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        fields.add(field, message);
        AppError::Validation(fields)
    }

    /// A 409 naming one field.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = FieldErrors::new();
        fields.add(field, message.clone());
        AppError::Conflict { message, fields }
    }

    /// HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfRejected | AppError::PasswordChangeRequired => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::CsrfRejected => "csrf_rejected",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::PreconditionFailed { .. } => "precondition_failed",
            AppError::Validation(_) => "validation_failed",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable => "unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    fn fields(&self) -> FieldErrors {
        match self {
            AppError::BadRequest { fields, .. }
            | AppError::Conflict { fields, .. }
            | AppError::Validation(fields) => fields.clone(),
            _ => FieldErrors::new(),
        }
    }
}

impl From<DieselError> for AppError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => AppError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict {
                    message: "This record already exists.".into(),
                    fields: FieldErrors::new(),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        AppError::Internal(err)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    fields: BTreeMap<&'a str, &'a str>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let mut response = RenderedError {
            status: self.status(),
            code: self.code(),
            message: self.to_string(),
            fields: self.fields(),
        }
        .into_response();
        if let AppError::TooManyRequests { retry_after_secs } = &self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl RenderedError {
    /// The error facts for a response that did not come from an [`AppError`] (axum's own
    /// rejections, the body limit): the code follows the status, the message is generic.
    pub fn for_status(status: StatusCode) -> Self {
        let error = match status {
            StatusCode::BAD_REQUEST => AppError::bad_request("The request could not be read."),
            StatusCode::UNAUTHORIZED => AppError::Unauthorized,
            StatusCode::FORBIDDEN => AppError::Forbidden,
            StatusCode::NOT_FOUND => AppError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            StatusCode::CONFLICT => AppError::Conflict {
                message: "The change clashes with what is stored.".into(),
                fields: FieldErrors::new(),
            },
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => AppError::Validation(FieldErrors::new()),
            StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable,
            s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("{s}")),
            _ => AppError::bad_request("The request could not be handled."),
        };
        RenderedError {
            status,
            code: error.code(),
            message: error.to_string(),
            fields: error.fields(),
        }
    }
}

impl IntoResponse for RenderedError {
    /// The JSON error envelope, with these facts attached for the HTML renderer.
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
                fields: self
                    .fields
                    .iter()
                    .map(|(f, m)| (f.as_str(), m.as_str()))
                    .collect(),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(self);
        response
    }
}
