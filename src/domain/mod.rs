//! The vocabulary of the programme, free of SQL and HTTP: who is acting ([`Actor`]), the
//! roles and what each may do, and the typed states things move through. Everything else
//! builds on this folder; it imports nothing from the rest of the crate but the error type.

pub mod actor;
pub mod age;
pub mod audit_text;
pub mod bank_holidays;
pub mod calendar;
pub mod checkpoint;
pub mod code_list;
pub mod cohort_status;
pub mod employment;
pub mod local_time;
pub mod mark;
pub mod organisation_kind;
pub mod progression;
pub mod register_status;
pub mod resident;
pub mod role;
pub mod stage;

pub use actor::Actor;
pub use cohort_status::CohortStatus;
pub use mark::Mark;
pub use register_status::RegisterStatus;
pub use role::{Permission, Role};
pub use stage::{Stage, WithdrawalReason};
