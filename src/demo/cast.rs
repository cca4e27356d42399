//! What the demo's history and its jobs share: who does what ([`Cast`]), the time of day
//! the demo acts at, and the error when a fixture names something unknown. Apart from
//! both, so neither imports the other's internals.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::{Actor, Role};
use crate::error::AppError;

/// Who does what in the demo.
#[derive(Debug, Clone, Copy)]
pub struct Cast {
    /// The programme.
    pub programme_id: i32,
    /// The admin, who creates cohorts.
    pub admin: i32,
    /// The coordinator and their organisation, who enrol and take registers.
    pub coordinator: (i32, i32),
    /// Trust HR and the trust, who record jobs.
    pub hr: (i32, i32),
}

/// Nine in the morning of `day`: when the demo's actions happen.
pub(super) fn at(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
}

/// The error when a fixture names something no earlier fixture made.
pub(super) fn missing(what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("demo fixtures refer to an unknown {what}"))
}

/// Someone of the cast acting on `day` at nine o'clock.
pub(super) fn acting(user_id: i32, role: Role, organisation_id: i32, day: NaiveDate) -> Actor {
    Actor {
        user_id,
        role,
        organisation_id,
        today: day,
        now: at(day),
    }
}

/// The admin acting on `day`. Admins are unscoped, so their organisation is never read.
pub(super) fn admin(cast: Cast, day: NaiveDate) -> Actor {
    acting(cast.admin, Role::Admin, 0, day)
}

/// The programme coordinator, acting on `day`.
pub(super) fn coordinator(cast: Cast, day: NaiveDate) -> Actor {
    acting(
        cast.coordinator.0,
        Role::Coordinator,
        cast.coordinator.1,
        day,
    )
}
