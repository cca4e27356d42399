//! The JSON API under `/api/v1`. Routes are registered through utoipa's router, so the
//! OpenAPI document at `/api/v1/openapi.json` is generated from the same code that serves
//! the requests and cannot miss a route.

pub mod checkpoints;
pub mod cohorts;
pub mod contract;
pub mod employments;
pub mod enrolments;
pub mod imports;
pub mod information_sessions;
pub mod me;
pub mod organisations;
pub mod participants;
pub mod programmes;
pub mod reports;
pub mod sessions;
pub mod subject_access;

use std::sync::OnceLock;

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::rejection::JsonRejection};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{AppError, FieldErrors};
use crate::extract::Paging;
use crate::models::page::Paged;
use crate::state::AppState;

/// The API's fixed description; paths are added by the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pathways API",
        version = "1",
        description = "Employability programmes from outreach to a sustained job and a career. \
            Authenticate with `Authorization: Bearer TOKEN` (create a token on your account page \
            or with `pathways token create`). Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`."
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// The error envelope every API error uses.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ErrorDetail {
    /// Machine code, e.g. `validation_failed`.
    code: String,
    /// Sentence for people.
    message: String,
    /// Field name → what is wrong with it.
    fields: std::collections::BTreeMap<String, String>,
}

/// Every API route, with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .routes(routes!(me::show))
        .routes(routes!(organisations::list, organisations::create))
        .routes(routes!(programmes::list, programmes::create))
        .routes(routes!(programmes::show, programmes::update))
        .routes(routes!(cohorts::list, cohorts::create))
        .routes(routes!(cohorts::show, cohorts::update))
        .routes(routes!(cohorts::generate))
        .routes(routes!(cohorts::sessions))
        .routes(routes!(cohorts::enrolments, cohorts::enrol_participant))
        .routes(routes!(imports::import))
        .routes(routes!(sessions::update))
        .routes(routes!(sessions::register, sessions::save_register))
        .routes(routes!(sessions::outstanding))
        .routes(routes!(participants::list, participants::create))
        .routes(routes!(participants::show, participants::update))
        .routes(routes!(participants::equality, participants::save_equality))
        .routes(routes!(subject_access::export))
        .routes(routes!(enrolments::update))
        .routes(routes!(employments::create))
        .routes(routes!(employments::show, employments::update))
        .routes(routes!(employments::checkpoint))
        .routes(routes!(checkpoints::list))
        .routes(routes!(employments::progression))
        .routes(routes!(employments::for_participant))
        .routes(routes!(
            information_sessions::list,
            information_sessions::create
        ))
        .routes(routes!(information_sessions::add_attendee))
        .routes(routes!(reports::cohort))
        .routes(routes!(reports::cohort_csv))
        .routes(routes!(reports::participants_csv))
        .routes(routes!(reports::programme_csv))
        .routes(routes!(openapi_json));
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", v1)
}

/// The generated OpenAPI document.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = router().into_openapi();
        contract::add_shared_responses(&mut doc);
        doc
    })
}

/// The OpenAPI 3.1 description of this API.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}

/// A JSON body, read after the caller is authorised: the extractor only captures the
/// outcome, and [`ApiJson::into_inner`] reports it, so someone without the permission gets
/// 403 whatever they send. Wrong content type is 415, malformed JSON 400, and a body of
/// the wrong shape 422 naming the field.
pub struct ApiJson<T>(Result<T, AppError>);

impl<T> ApiJson<T> {
    /// The parsed body, or the error describing why it could not be read.
    pub fn into_inner(self) -> Result<T, AppError> {
        self.0
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Ok(ApiJson(Err(AppError::UnsupportedMediaType)));
        }
        Ok(ApiJson(
            Json::<T>::from_request(req, state)
                .await
                .map(|Json(v)| v)
                .map_err(json_error),
        ))
    }
}

/// A JSON body that may be left out entirely (an empty body is `None`); otherwise read
/// like [`ApiJson`], after the caller is authorised.
pub struct OptionalJson<T>(Result<Option<T>, AppError>);

impl<T> OptionalJson<T> {
    /// The parsed body (`None` when empty), or why it could not be read.
    pub fn into_inner(self) -> Result<Option<T>, AppError> {
        self.0
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let has_body = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.trim() != "0")
            && req.headers().contains_key(CONTENT_TYPE);
        if !has_body {
            return Ok(OptionalJson(Ok(None)));
        }
        // A body of `null` is the same as no body.
        let ApiJson(parsed) = ApiJson::<Option<T>>::from_request(req, state).await?;
        Ok(OptionalJson(parsed))
    }
}

fn json_error(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            let text = e.body_text();
            let detail = text
                .split_once("target type: ")
                .map_or(text.as_str(), |(_, d)| d)
                .to_owned();
            let (field, message) = field_of(&detail);
            let mut fields = FieldErrors::new();
            fields.add(&field, message);
            AppError::Validation(fields)
        }
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
        other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge
        }
        other => AppError::bad_request(format!(
            "The request body is not valid JSON: {}",
            other.body_text()
        )),
    }
}

/// Splits serde's message into the field it concerns and the problem.
fn field_of(detail: &str) -> (String, String) {
    let strip_position = |s: &str| s.split(" at line ").next().unwrap_or(s).to_owned();
    if let Some(rest) = detail.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("body");
        return (name.to_owned(), format!("{name} is required"));
    }
    if let Some(rest) = detail.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("body");
        return (
            name.to_owned(),
            format!("{name} is not a field of this object"),
        );
    }
    match detail.split_once(": ") {
        Some((path, problem)) if !path.contains(' ') => (path.to_owned(), strip_position(problem)),
        _ => ("body".to_owned(), strip_position(detail)),
    }
}

/// A page of a list: `{"items": [...], "next_cursor": null}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> From<Paged<T>> for Page<T> {
    fn from(page: Paged<T>) -> Self {
        Page {
            items: page.items,
            next_cursor: page.next,
        }
    }
}

/// A list handler's one step: runs `fetch` (a list action, which reads the page the
/// request's cursor names) and answers the page as `{"items", "next_cursor"}`.
pub async fn list_page<T, F>(state: &AppState, fetch: F) -> crate::error::AppResult<Json<Page<T>>>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConnection) -> crate::error::AppResult<Paged<T>> + Send + 'static,
{
    Ok(Json(state.db.run(fetch).await?.into()))
}

/// `?cursor=&limit=` for lists: the API reads the same paging as the pages.
pub type Cursor<K = i32> = Paging<K>;

/// The paging parameters of every list, as the API documents them.
pub use crate::extract::{KeyedPagingQuery as KeyedCursorQuery, PagingQuery as CursorQuery};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_their_field() {
        assert_eq!(
            field_of("missing field `kind` at line 1 column 14").0,
            "kind"
        );
        assert_eq!(
            field_of("unknown field `role`, expected `name` at line 1 column 9").0,
            "role"
        );
        let (field, message) =
            field_of("kind: unknown variant `shop`, expected one of `council` at line 1 column 30");
        assert_eq!(field, "kind");
        assert!(message.starts_with("unknown variant"));
        assert_eq!(
            field_of("invalid type: string \"x\", expected i32 at line 1 column 3").0,
            "body"
        );
    }
}
