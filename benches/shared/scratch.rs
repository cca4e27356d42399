//! A scratch PostgreSQL database for a benchmark run, named after the process, on the
//! server `BENCH_DATABASE_URL` names; shared by the benchmarks through `#[path]`.

use anyhow::Context;
use diesel::connection::SimpleConnection;
use pathways::db::{DbConnection, DbManager};

/// A database created for this run, dropped by [`Scratch::drop_database`].
pub struct Scratch {
    admin: DbConnection,
    name: String,
    /// Its URL.
    pub url: String,
}

impl Scratch {
    /// Creates `{prefix}_{pid}` on `server` (dropping a leftover of that name first).
    pub fn create(server: &str, prefix: &str) -> anyhow::Result<Scratch> {
        let name = format!("{prefix}_{}", std::process::id());
        let url = database_url(server, &name)?;
        let mut admin = DbManager::from_url(server)?.open()?;
        // One statement per call: CREATE DATABASE refuses to run inside a transaction block.
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(Scratch { admin, name, url })
    }

    /// Drops the database, whoever is still connected to it.
    pub fn drop_database(mut self) -> anyhow::Result<()> {
        self.admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))?;
        Ok(())
    }
}

/// `server` with its database name replaced by `name`.
fn database_url(server: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = server.split_once('?').unwrap_or((server, ""));
    let after_scheme = base
        .find("://")
        .context("BENCH_DATABASE_URL needs a scheme")?
        + 3;
    let path = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Ok(format!("{}/{name}{query}", &base[..path]))
}
