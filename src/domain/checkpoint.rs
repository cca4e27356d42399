//! What a 13-, 26- or 52-week checkpoint found, stored as TEXT under the same codes on both
//! databases; the code strings live only here.

use super::code_list::code_list;

code_list! {
    /// A recorded checkpoint outcome.
    CheckpointOutcome {
        /// Still in the job.
        InPost = "in_post", "In post";
        /// Left the job (the job must have an end date).
        Left = "left", "Left";
        /// Could not be reached.
        UnableToContact = "unable_to_contact", "Unable to contact";
    }
}

/// A checkpoint's status on a day: its outcome once recorded, otherwise where it stands
/// against its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointStatus {
    /// Before the due date.
    NotYetDue,
    /// From the due date, for the grace period.
    Due,
    /// After the grace period, still unrecorded.
    Overdue,
    /// Recorded.
    Recorded(CheckpointOutcome),
}

impl CheckpointStatus {
    /// The code the API and the pages use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotYetDue => "not_yet_due",
            Self::Due => "due",
            Self::Overdue => "overdue",
            Self::Recorded(outcome) => outcome.as_str(),
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotYetDue => "Not yet due",
            Self::Due => "Due",
            Self::Overdue => "Overdue",
            Self::Recorded(outcome) => outcome.label(),
        }
    }

    /// The tag colour pages show it in (the same colour everywhere).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Due => "tag--orange",
            Self::Overdue | Self::Recorded(CheckpointOutcome::Left) => "tag--red",
            Self::Recorded(CheckpointOutcome::InPost) => "tag--green",
            _ => "tag--grey",
        }
    }
}
