//! Request extractors shared by the web pages and the API.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::error::AppError;

/// An integer id from the path. Anything that is not a positive id names no object, so it
/// answers 404 like any other unknown id (never axum's plain-text 400).
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<i32>::from_request_parts(parts, state).await {
            Ok(Path(id)) if id > 0 => Ok(PathId(id)),
            _ => Err(AppError::NotFound),
        }
    }
}
