//! Storing a state enum as its TEXT code, the same code on SQLite and PostgreSQL, so the
//! row structs carry the enum and no code string travels through the crate.

/// For an enum with `ALL` and `as_str`: `parse` and `codes`, `Display` as the code, and
/// diesel's TEXT conversions for both databases. The type also derives `AsExpression` and
/// `FromSqlRow` with `#[diesel(sql_type = Text)]`. A stored code the enum does not know is
/// a read error, never a silent default.
macro_rules! stored_as_text {
    ($ty:ty) => {
        impl $ty {
            /// Parses a stored or submitted code.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == code)
            }

            /// Every code, in the order of `ALL` (what the API documents).
            pub fn codes() -> impl Iterator<Item = &'static str> {
                Self::ALL.into_iter().map(Self::as_str)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $ty {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>>::to_sql(self.as_str(), out)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $ty {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $ty {
            fn from_sql(
                bytes: <diesel::sqlite::Sqlite as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let code = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::sqlite::Sqlite,
                >>::from_sql(bytes)?;
                <$ty>::parse(&code).ok_or_else(|| format!("unknown code {code:?}").into())
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $ty {
            fn from_sql(
                bytes: <diesel::pg::Pg as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let code = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                <$ty>::parse(&code).ok_or_else(|| format!("unknown code {code:?}").into())
            }
        }
    };
}

pub(crate) use stored_as_text;
