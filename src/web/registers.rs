//! The registers lists the dashboard links to: today's sessions and the registers
//! outstanding (oldest first), across the cohorts the user may see, a page at a time.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDate;

use super::paging::Pager;
use super::{Layout, Section};
use crate::actions::dashboard::{self, Registers};
use crate::auth::CurrentUser;
use crate::domain::{Actor, RegisterStatus};
use crate::error::AppResult;
use crate::extract::Paging;
use crate::models::register_list::RegisterRow;
use crate::state::AppState;

/// A page of registers.
#[derive(Template, WebTemplate)]
#[template(path = "registers/list.html")]
pub struct RegistersPage {
    layout: Layout,
    outstanding: bool,
    rows: Vec<RegisterRow>,
    total: i64,
    today: NaiveDate,
    pager: Pager,
}

/// The page of `which` registers.
async fn page(
    state: AppState,
    actor: Actor,
    user: &CurrentUser,
    which: Registers,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<RegistersPage> {
    let today = actor.today;
    let (rows, total) = state
        .db
        .run(move |conn| dashboard::registers(conn, &actor, which, &paging))
        .await?;
    let (title, path) = match which {
        Registers::Today => ("Today’s registers", "/registers/today"),
        Registers::Outstanding => ("Registers outstanding", "/registers/outstanding"),
    };
    Ok(RegistersPage {
        layout: Layout::new(title, user, Section::Cohorts),
        outstanding: which == Registers::Outstanding,
        pager: Pager::new(path, &[], &paging, &rows),
        rows: rows.items,
        total,
        today,
    })
}

/// `GET /registers/today`
pub async fn today(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<RegistersPage> {
    page(state, actor, &user, Registers::Today, paging).await
}

/// `GET /registers/outstanding`: oldest first.
pub async fn outstanding(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<RegistersPage> {
    page(state, actor, &user, Registers::Outstanding, paging).await
}
