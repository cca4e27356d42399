//! Integration tests: one binary, in-process requests through the real router, a fresh
//! database per test. Run with `cargo test` (SQLite) or with `TEST_DATABASE_URL` set to a
//! PostgreSQL server URL (each test then creates its own database there).

mod common;

mod access_matrix;
mod api;
mod api_contract;
mod backup;
mod browser;
mod checkpoint_rule;
mod cli;
mod closures;
mod concurrency;
mod csrf;
mod csrf_routes;
mod csv_injection;
mod delivery_api;
mod delivery_web;
mod download_failures;
mod downloads;
mod equality_crawl;
mod erasure;
mod headers;
mod headers_crawl;
mod http;
mod import_properties;
mod imports;
mod input_safety;
mod layers;
mod logs;
mod multi_server;
mod national;
mod outcomes_api;
mod outcomes_web;
mod paging;
mod paging_api;
mod password_upgrade;
mod pg_backup;
mod pickers;
mod report_pages;
mod reports;
mod residents;
mod retention;
mod routes;
mod schedule;
mod schema_parity;
mod scope;
mod sessions;
mod signin;
mod subject_access;
mod trail;
mod validators;
mod web_admin;
mod work_queue;
mod write_retry;
mod xss;
