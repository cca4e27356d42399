//! Pathways: tracks employability programmes on the Lincoln Green model, from outreach
//! through a six-week course into hospital jobs, and on through a career.
//!
//! The crate is one binary (`src/main.rs`) over this library so that integration tests
//! drive the same router, models and commands the binary does.

pub mod actions;
pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod downloads;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod models;
pub mod openapi;
pub mod panic_hook;
pub mod progress;
pub mod reports;
pub mod schema;
pub mod state;
pub mod validate;
pub mod web;

pub use app::build_router;
pub use error::{AppError, AppResult};
pub use state::AppState;
