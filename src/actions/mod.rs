//! One function per thing a person can do. Each takes the connection, the [`Actor`] and
//! the parsed input, and does the permission check, the visibility check, the validation,
//! the write and its audit row in one transaction, so "who may do X" is answered by reading
//! one function. Web pages, the JSON API and the command line call these and only render.
//!
//! [`Actor`]: crate::domain::Actor
pub mod closures;
pub mod cohorts;
pub mod dashboard;
pub mod employments;
pub mod enrolments;
pub mod history;
pub mod imports;
pub mod information_sessions;
pub mod organisations;
pub mod participants;
pub mod personal_data;
pub mod pickers;
pub mod programmes;
pub mod registers;
pub mod reports;
pub mod sessions;
pub mod users;
