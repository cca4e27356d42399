//! The pages linked from every footer: accessibility statement, privacy notice, cookies.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;

use super::Layout;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

/// One help page.
#[derive(Template, WebTemplate)]
#[template(path = "help.html")]
pub struct HelpPage {
    layout: Layout,
    topic: &'static str,
}

/// `GET /help/{topic}`
pub async fn show(user: Option<CurrentUser>, Path(topic): Path<String>) -> AppResult<HelpPage> {
    let (topic, title) = match topic.as_str() {
        "accessibility" => ("accessibility", "Accessibility statement"),
        "privacy" => ("privacy", "Privacy notice"),
        "cookies" => ("cookies", "Cookies"),
        _ => return Err(AppError::NotFound),
    };
    let layout = match &user {
        Some(user) => Layout::new(title, user, super::Section::None),
        None => Layout::anonymous(title),
    };
    Ok(HelpPage { layout, topic })
}
