//! The application state every request can reach: the pool, the settings, the clock and
//! the download turns. It knows nothing of routes, so handlers, extractors and the router
//! can all depend on it without a cycle.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::downloads::{ExportLimits, Exports};

/// The largest request body accepted (CSV imports are the biggest bodies).
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What every handler can reach. Holds no per-user state: sessions, throttles and tokens
/// live in the database so any number of app servers can share one PostgreSQL.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: Db,
    /// Settings.
    pub config: Arc<Config>,
    /// Source of "now".
    pub clock: Arc<dyn Clock>,
    /// Turns for CSV downloads, which each hold a connection while they stream.
    pub exports: Exports,
}

impl AppState {
    /// State over `db` with the given settings and clock.
    pub fn new(db: Db, config: Config, clock: Arc<dyn Clock>) -> Self {
        let exports = Exports::new(ExportLimits::for_backend(db.backend()));
        Self {
            db,
            config: Arc::new(config),
            clock,
            exports,
        }
    }
}
