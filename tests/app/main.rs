//! Integration tests: one binary, in-process requests through the real router, a fresh
//! database per test. Run with `cargo test` (SQLite) or with `TEST_DATABASE_URL` set to a
//! PostgreSQL server URL (each test then creates its own database there).

mod common;

mod access_matrix;
mod api;
mod api_contract;
mod backup;
mod browser;
mod cli;
mod csrf;
mod delivery_api;
mod delivery_web;
mod erasure;
mod headers;
mod imports;
mod outcomes_api;
mod outcomes_web;
mod reports;
mod retention;
mod schema_parity;
mod sessions;
mod signin;
mod subject_access;
mod web_admin;
