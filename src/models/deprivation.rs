//! The deprivation lookup: postcode → LSOA, neighbourhood and IMD decile (1 = the most
//! deprived tenth of areas), with the edition it came from. Loaded from the government's
//! published file; a small illustrative sample ships in `fixtures/deprivation.csv`.

use diesel::prelude::*;
use serde::Deserialize;

use crate::db::DbConnection;
use crate::schema::deprivation_lookup;

/// One postcode of the lookup.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Deserialize)]
#[diesel(table_name = deprivation_lookup)]
pub struct DeprivationArea {
    /// Normalised postcode, e.g. `LS9 7TF`.
    pub postcode: String,
    /// Lower-layer super output area code.
    pub lsoa_code: String,
    /// The neighbourhood residents know it by.
    pub neighbourhood: String,
    /// Index of Multiple Deprivation decile, 1–10.
    pub imd_decile: i32,
    /// Which edition of the index.
    pub edition: String,
}

impl DeprivationArea {
    /// Adds or replaces postcodes of the lookup.
    pub fn upsert(conn: &mut DbConnection, areas: &[DeprivationArea]) -> QueryResult<()> {
        for area in areas {
            diesel::delete(deprivation_lookup::table.find(&area.postcode)).execute(conn)?;
            diesel::insert_into(deprivation_lookup::table)
                .values(area)
                .execute(conn)?;
        }
        Ok(())
    }
}
