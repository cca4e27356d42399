//! The home page: what the signed-in user works on, by role.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{Layout, Section};
use crate::app::AppState;
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::models::{MAX_PAGE_SIZE, Programme, ProgrammeDetails};

/// The dashboard.
#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    layout: Layout,
    user: CurrentUser,
    programmes: Vec<ProgrammeDetails>,
}

impl DashboardPage {
    fn can_admin(&self) -> bool {
        self.user.can(Permission::ManageUsers)
    }
}

/// `GET /`
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> AppResult<DashboardPage> {
    let scope = user.scope();
    let programmes = state
        .db
        .run(move |conn| {
            let programmes = Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?;
            Ok(Programme::with_details(conn, programmes)?)
        })
        .await?;
    Ok(DashboardPage {
        layout: Layout::new("Dashboard", &user, Section::Dashboard),
        user,
        programmes,
    })
}
