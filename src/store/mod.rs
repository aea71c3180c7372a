//! The database: schema migrations and the rows of sessions, steps and profiles (whose
//! states are sealed, `sealed.rs`), on one of two backends behind one [`Store`] — the
//! embedded SQLite file under the data directory (the default, one machine), or a
//! PostgreSQL that several nodes share (`postgres/`), which also keeps the node registry.
//!
//! Owns every SQL statement of the server. Callers get and give domain types; they know
//! nothing of SQL nor of which backend answers. Each write is committed (SQLite: WAL,
//! `synchronous = FULL`; PostgreSQL: its own commit) before the call returns, so a
//! response never reports what is not on disk.

mod migrations;
mod nodes;
mod postgres;
mod profiles;
mod sealed;
mod sessions;
mod steps;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database holds a value this server cannot read: {0}")]
    Corrupt(String),
    #[error("database task failed: {0}")]
    Task(String),
    #[error("database error: {0}")]
    Postgres(String),
    /// The database cannot be reached now (PostgreSQL down or cut off); nothing was
    /// written. A node recovers by itself when it is back.
    #[error("the database cannot be reached ({0}); nothing was written, retry shortly")]
    Unavailable(String),
    /// A cluster's operation on a store that is one node's SQLite file.
    #[error("the node registry needs a shared database (`--database-url postgres://…`)")]
    NotShared,
    /// The key that seals profiles cannot be read or made.
    #[error("the profile key {0}")]
    Key(String),
    /// A profile's sealed state does not open.
    #[error("the profile's state cannot be read: {0}")]
    Sealed(String),
}

/// A handle to the database; cheap to clone. SQLite's statements run on tokio's blocking
/// pool so a slow disk never stalls the request workers; PostgreSQL's are async.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    sealer: sealed::Sealer,
}

#[derive(Clone)]
enum Backend {
    Sqlite(Arc<Mutex<Connection>>),
    Postgres(postgres::Postgres),
}

pub use postgres::PostgresOptions;

impl Store {
    /// Opens (creating if needed) `browserd.sqlite3` in `data_dir` and brings its schema
    /// up to date; reads (or makes, on first start) the key that seals profiles.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        Self::open_sqlite(data_dir, data_dir)
    }

    /// [`Store::open`], with the profiles' key kept in `keys_dir`.
    pub fn open_sqlite(data_dir: &Path, keys_dir: &Path) -> Result<Self, StoreError> {
        let mut connection = Connection::open(data_dir.join("browserd.sqlite3"))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut connection)?;
        Ok(Self {
            backend: Backend::Sqlite(Arc::new(Mutex::new(connection))),
            sealer: sealed::Sealer::of_data_dir(keys_dir)?,
        })
    }

    /// Connects to the PostgreSQL `options` name and brings its schema up to date (one
    /// node at a time); the profiles' key is read from (or made in) `keys_dir`, which
    /// every node of a cluster must share.
    pub async fn connect_postgres(
        options: PostgresOptions,
        keys_dir: &Path,
    ) -> Result<Self, StoreError> {
        let sealer = sealed::Sealer::of_data_dir(keys_dir)?;
        Ok(Self {
            backend: Backend::Postgres(postgres::Postgres::connect(options).await?),
            sealer,
        })
    }

    /// Whether several nodes share this store (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// The PostgreSQL backend, if this is one: every public method asks first.
    fn postgres(&self) -> Option<&postgres::Postgres> {
        match &self.backend {
            Backend::Postgres(pg) => Some(pg),
            Backend::Sqlite(_) => None,
        }
    }

    /// Runs `work` with the connection on the blocking pool.
    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let Backend::Sqlite(connection) = &self.backend else {
            return Err(StoreError::Task("an SQLite statement on PostgreSQL".into()));
        };
        let connection = Arc::clone(connection);
        tokio::task::spawn_blocking(move || {
            // A poisoned lock means a statement panicked mid-way; SQLite rolled it back, so
            // the connection itself is still sound.
            let mut guard = connection
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs a write like [`Store::run`], timing it (queueing included) for the metrics.
    async fn write<T, F>(&self, operation: &'static str, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let started = Instant::now();
        let result = self.run(work).await;
        metrics::histogram!("browserd_store_write_duration_seconds", "operation" => operation)
            .record(started.elapsed().as_secs_f64());
        result
    }
}
