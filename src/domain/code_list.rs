//! The one way the crate declares a fixed code list (a stage, a cohort status, a mark, a
//! role, a staff group, …): an enum stored as TEXT under the same snake_case code on both
//! databases, codes and labels written once, side by side. The rules that belong to a
//! state stay as methods in its own file; `db/codes.rs` names every list once more so
//! queries through the connection enum can bind and read them.

/// Declares a code list: an enum stored as TEXT under its code, with `ALL` (the values) and
/// `OPTIONS` (code, label) in the order forms offer them and the OpenAPI document lists
/// them, `as_str`, `label`, `parse`, `Display` as the code, serde under the same codes, a
/// utoipa schema, and diesel conversions for SQLite and PostgreSQL. A stored code the list
/// does not know is a read error, never a silent default. Doc comments on the enum and on
/// each variant are kept.
macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            utoipa::ToSchema, diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        // Every code is its variant's name in snake_case (a test holds them to it): the
        // OpenAPI derive reads this container rule, not the per-variant renames.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            /// Every value, in the order forms and the OpenAPI document list them.
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant,)+];
            /// (code, label) pairs, in the order of `ALL`: what forms offer and the OpenAPI
            /// document lists.
            pub const OPTIONS: &'static [(&'static str, &'static str)] = &[$(($code, $label),)+];

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// What people read.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// The value of a stored or submitted code.
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        /// Shows the stored code (what messages and the CLI print).
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.as_str());
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    &mut out.reborrow(),
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn from_sql(
                value: <diesel::sqlite::Sqlite as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let code = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::sqlite::Sqlite,
                >>::from_sql(value)?;
                Self::parse(&code).ok_or_else(|| format!("unknown {} code {code:?}", stringify!($name)).into())
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(
                value: <diesel::pg::Pg as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let code = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(value)?;
                Self::parse(&code).ok_or_else(|| format!("unknown {} code {code:?}", stringify!($name)).into())
            }
        }
    };
}
pub(crate) use code_list;

#[cfg(test)]
mod tests {
    use crate::domain::checkpoint::CheckpointOutcome;
    use crate::domain::employment::{Contract, EndReason, StaffGroup};
    use crate::domain::organisation_kind::OrganisationKind;
    use crate::domain::progression::ProgressionKind;
    use crate::domain::resident::{BenefitStatus, EmploymentStatus, LawfulBasis};
    use crate::domain::{CohortStatus, Mark, Role, Stage, WithdrawalReason};

    /// The codes a type's OpenAPI schema lists.
    fn documented<T: utoipa::PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap();
        schema["enum"]
            .as_array()
            .map(|codes| {
                codes
                    .iter()
                    .map(|c| c.as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Serde, the OpenAPI document and the stored code say the same thing, in the order of
    /// `OPTIONS`.
    macro_rules! agree {
        ($($ty:ty),+ $(,)?) => {$(
            let codes: Vec<String> = <$ty>::OPTIONS.iter().map(|(c, _)| (*c).to_owned()).collect();
            let serialised: Vec<String> = <$ty>::ALL
                .iter()
                .map(|v| serde_json::to_value(v).unwrap().as_str().unwrap().to_owned())
                .collect();
            assert_eq!(serialised, codes, "serde of {}", stringify!($ty));
            assert_eq!(documented::<$ty>(), codes, "OpenAPI of {}", stringify!($ty));
            for v in <$ty>::ALL {
                assert_eq!(<$ty>::parse(v.as_str()), Some(v));
            }
        )+};
    }

    #[test]
    fn serde_the_openapi_document_and_the_stored_codes_agree() {
        agree!(
            Stage,
            WithdrawalReason,
            CohortStatus,
            Mark,
            Role,
            OrganisationKind,
            StaffGroup,
            Contract,
            EndReason,
            CheckpointOutcome,
            ProgressionKind,
            EmploymentStatus,
            BenefitStatus,
            LawfulBasis,
        );
    }
}
