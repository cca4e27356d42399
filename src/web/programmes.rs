//! Programme pages: the programmes the user's organisation partners in.

use crate::extract::PathId;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{Layout, Section};
use crate::app::AppState;
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult};
use crate::models::{MAX_PAGE_SIZE, Programme, ProgrammeDetails};

/// The list of programmes.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/list.html")]
pub struct ProgrammeListPage {
    layout: Layout,
    programmes: Vec<ProgrammeDetails>,
}

/// One programme.
#[derive(Template, WebTemplate)]
#[template(path = "programmes/show.html")]
pub struct ProgrammePage {
    layout: Layout,
    programme: ProgrammeDetails,
}

/// `GET /programmes`
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<ProgrammeListPage> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let programmes = state
        .db
        .run(move |conn| {
            let programmes = Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?;
            Ok(Programme::with_details(conn, programmes)?)
        })
        .await?;
    Ok(ProgrammeListPage {
        layout: Layout::new("Programmes", &user, Section::Programmes),
        programmes,
    })
}

/// `GET /programmes/{id}`: 404 unless the user's organisation partners in it.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<ProgrammePage> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let programme = state
        .db
        .run(move |conn| {
            let programme = Programme::find_visible(conn, id, scope)?;
            Programme::with_details(conn, vec![programme])?
                .pop()
                .ok_or(AppError::NotFound)
        })
        .await?;
    Ok(ProgrammePage {
        layout: Layout::new(programme.name.clone(), &user, Section::Programmes),
        programme,
    })
}
