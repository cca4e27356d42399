//! The JSON API under `/api/v1`. Routes are registered through utoipa's router, so the
//! OpenAPI document at `/api/v1/openapi.json` is generated from the same code that serves
//! the requests and cannot miss a route.

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

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::rejection::JsonRejection};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{AppError, FieldErrors};
use crate::models::MAX_PAGE_SIZE;
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
        .routes(routes!(participants::list, participants::create))
        .routes(routes!(participants::show, participants::update))
        .routes(routes!(participants::equality, participants::save_equality))
        .routes(routes!(subject_access::export))
        .routes(routes!(enrolments::update))
        .routes(routes!(employments::create))
        .routes(routes!(employments::show, employments::update))
        .routes(routes!(employments::checkpoint))
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

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched items (the extra one only shows that
    /// more exist).
    pub fn from_fetched(mut items: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i32) -> Self {
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        let next_cursor = more
            .then(|| items.last().map(|i| id_of(i).to_string()))
            .flatten();
        Page { items, next_cursor }
    }
}

/// A page of a list: `fetch(conn, after, how_many)` reads up to `how_many` items after
/// the cursor's id (one more than the page, which only shows that more exist), and the
/// page ends at the last item's `id_of`. The shape every list handler shares.
pub async fn list_page<T, F>(
    state: &AppState,
    cursor: Cursor,
    fetch: F,
    id_of: fn(&T) -> i32,
) -> crate::error::AppResult<Json<Page<T>>>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConnection, i32, i64) -> crate::error::AppResult<Vec<T>>
        + Send
        + 'static,
{
    let (after, limit) = (cursor.after, cursor.limit);
    let items = state
        .db
        .run(move |conn| fetch(conn, after, limit + 1))
        .await?;
    Ok(Json(Page::from_fetched(items, limit, id_of)))
}

/// `?cursor=&limit=` for lists.
#[derive(Debug, Clone, Copy)]
pub struct Cursor {
    /// Items after this id.
    pub after: i32,
    /// Page size (1–500, default 100).
    pub limit: i64,
}

/// The paging parameters of every list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CursorQuery {
    /// `next_cursor` of the previous page (empty or left out: the first page).
    #[param(pattern = r"^[0-9]{0,9}$")]
    cursor: Option<String>,
    /// Page size (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Cursor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query: CursorQuery = serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map_err(|_| AppError::bad_request("The query string could not be read."))?;
        let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => 0,
            // Only what next_cursor gives: 1 to 9 digits, no sign.
            Some(c) => c
                .parse()
                .ok()
                .filter(|_| c.len() <= 9 && c.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    AppError::invalid("cursor", "cursor must be a value from next_cursor")
                })?,
        };
        let limit = match query.limit.as_deref() {
            None => 100,
            Some(l) => l
                .parse::<i64>()
                .ok()
                .filter(|l| (1..=MAX_PAGE_SIZE).contains(l))
                .ok_or_else(|| {
                    AppError::invalid(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_PAGE_SIZE}"),
                    )
                })?,
        };
        Ok(Cursor { after, limit })
    }
}

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

    #[test]
    fn pages_know_whether_more_follow() {
        let page = Page::from_fetched(vec![1, 2, 3], 2, |i| *i);
        assert_eq!(
            (page.items, page.next_cursor),
            (vec![1, 2], Some("2".to_owned()))
        );
        let page = Page::from_fetched(vec![1, 2], 2, |i| *i);
        assert_eq!(page.next_cursor, None);
    }
}
