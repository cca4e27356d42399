//! Transaction-scoped advisory locks on PostgreSQL, for rules no row can carry: "the same
//! person" (names, date of birth, postcode among the residents a caller can see) and "an
//! organisation name, whatever its case". Writers that could break such a rule lock its
//! key first, so they take turns and the second one's check sees the first one's row.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};
use sha2::{Digest, Sha256};

use crate::db::DbConnection;

/// Takes, and holds until the transaction ends, an advisory lock for each key, in
/// ascending order of their hashes so two writers never wait on each other crosswise. A
/// key's lock is a 64-bit hash of it: it orders writers and tells nobody what exists.
/// SQLite needs none: its write transactions already run one at a time.
pub fn lock_keys(
    conn: &mut DbConnection,
    keys: impl IntoIterator<Item = String>,
) -> QueryResult<()> {
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(());
    };
    let hashes: BTreeSet<i64> = keys.into_iter().map(|k| hash(&k)).collect();
    if hashes.is_empty() {
        return Ok(());
    }
    // unnest yields the (sorted) array in order, so the locks are taken in that order.
    diesel::sql_query("SELECT pg_advisory_xact_lock(k) FROM unnest($1) AS k")
        .bind::<Array<BigInt>, _>(hashes.into_iter().collect::<Vec<_>>())
        .execute(pg)
        .map(drop)
}

/// The first 64 bits of the key's SHA-256, so every app server computes the same lock.
fn hash(key: &str) -> i64 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_always_hashes_alike_and_keys_differ() {
        assert_eq!(hash("participant\u{1f}a"), hash("participant\u{1f}a"));
        assert_ne!(hash("participant\u{1f}a"), hash("participant\u{1f}b"));
    }
}
