//! The domain's state enums on the connection enum: each is stored as its TEXT code (the
//! per-database conversions live beside the enum in `domain/`), and these impls let
//! queries through [`DbConnection`](super::DbConnection) bind and read them.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;

use super::multi_connection_impl::MultiBackend;
use crate::domain::checkpoint::CheckpointOutcome;
use crate::domain::employment::{Contract, EndReason, StaffGroup};
use crate::domain::organisation_kind::OrganisationKind;
use crate::domain::progression::ProgressionKind;
use crate::domain::resident::{BenefitStatus, EmploymentStatus, LawfulBasis};
use crate::domain::{CohortStatus, Mark, Role, Stage, WithdrawalReason};

/// Passes a TEXT-stored enum through to whichever database the connection is.
macro_rules! text_on_both {
    ($($ty:ty),* $(,)?) => {$(
        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Text>()
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )*};
}

// Every type declared with `code_list!` (`domain/code_list.rs`), and only here.
text_on_both!(
    Stage,
    WithdrawalReason,
    CohortStatus,
    Mark,
    Role,
    StaffGroup,
    Contract,
    EndReason,
    CheckpointOutcome,
    ProgressionKind,
    EmploymentStatus,
    BenefitStatus,
    LawfulBasis,
    OrganisationKind,
);
