//! Where a session's register stands on a given day: not yet due, due today, outstanding
//! (a past day with no register), taken, or not needed (the session is cancelled). Worked
//! out from the session and `today`, never stored.

use chrono::NaiveDate;

/// A session's register status (`register_status` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegisterStatus {
    /// The session is after today.
    Upcoming,
    /// The session is today and its register is not yet taken.
    Due,
    /// The session is before today, not cancelled, and its register was never taken.
    Outstanding,
    /// The register has been saved at least once.
    Taken,
    /// The session is cancelled, so it takes no register.
    Cancelled,
}

impl RegisterStatus {
    /// The status of a session on `held_on` (cancelled or not, its register taken or not)
    /// as at `today`. A cancelled session is cancelled even if a register was once taken:
    /// it is not held.
    pub fn of(held_on: NaiveDate, cancelled: bool, taken: bool, today: NaiveDate) -> Self {
        if cancelled {
            RegisterStatus::Cancelled
        } else if taken {
            RegisterStatus::Taken
        } else if held_on > today {
            RegisterStatus::Upcoming
        } else if held_on == today {
            RegisterStatus::Due
        } else {
            RegisterStatus::Outstanding
        }
    }

    /// The API's code.
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterStatus::Upcoming => "upcoming",
            RegisterStatus::Due => "due",
            RegisterStatus::Outstanding => "outstanding",
            RegisterStatus::Taken => "taken",
            RegisterStatus::Cancelled => "cancelled",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            RegisterStatus::Upcoming => "Upcoming",
            RegisterStatus::Due => "Due today",
            RegisterStatus::Outstanding => "Outstanding",
            RegisterStatus::Taken => "Taken",
            RegisterStatus::Cancelled => "Cancelled",
        }
    }

    /// The extra class of its tag: red when outstanding (someone must act), blue when due,
    /// green when taken, grey when there is nothing to do.
    pub fn tag_class(self) -> &'static str {
        match self {
            RegisterStatus::Outstanding => " tag--red",
            RegisterStatus::Due => " tag--blue",
            RegisterStatus::Taken => " tag--green",
            RegisterStatus::Upcoming | RegisterStatus::Cancelled => " tag--grey",
        }
    }

    /// Whether a register can be opened for marking (due, outstanding or taken).
    pub fn takes_marks(self) -> bool {
        matches!(
            self,
            RegisterStatus::Due | RegisterStatus::Outstanding | RegisterStatus::Taken
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_day_the_cancellation_and_the_register() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let yesterday = today.pred_opt().unwrap();
        let tomorrow = today.succ_opt().unwrap();
        assert_eq!(
            RegisterStatus::of(tomorrow, false, false, today),
            RegisterStatus::Upcoming
        );
        assert_eq!(
            RegisterStatus::of(today, false, false, today),
            RegisterStatus::Due
        );
        assert_eq!(
            RegisterStatus::of(yesterday, false, false, today),
            RegisterStatus::Outstanding
        );
        assert_eq!(
            RegisterStatus::of(yesterday, false, true, today),
            RegisterStatus::Taken
        );
        assert_eq!(
            RegisterStatus::of(today, false, true, today),
            RegisterStatus::Taken
        );
        assert_eq!(
            RegisterStatus::of(yesterday, true, true, today),
            RegisterStatus::Cancelled
        );
        assert_eq!(
            serde_json::to_value(RegisterStatus::Outstanding).unwrap(),
            serde_json::json!("outstanding")
        );
        assert!(!RegisterStatus::Upcoming.takes_marks());
    }
}
