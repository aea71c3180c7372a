//! The embedded SQLite database under the data directory: schema migrations and the
//! rows of sessions, steps and profiles (whose states are sealed, `sealed.rs`).
//!
//! Owns every SQL statement of the server. Callers get and give domain types; they know
//! nothing of SQL. Each write is committed (WAL, `synchronous = FULL`) before the call
//! returns, so a response never reports what is not on disk.

mod migrations;
mod profiles;
mod sealed;
mod sessions;
mod steps;

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
    /// The key that seals profiles cannot be read or made.
    #[error("the profile key {0}")]
    Key(String),
    /// A profile's sealed state does not open.
    #[error("the profile's state cannot be read: {0}")]
    Sealed(String),
}

/// A handle to the database; cheap to clone. Statements run on tokio's blocking pool so a
/// slow disk never stalls the request workers.
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
    sealer: sealed::Sealer,
}

impl Store {
    /// Opens (creating if needed) `browserd.sqlite3` in `data_dir` and brings its schema
    /// up to date; reads (or makes, on first start) the key that seals profiles.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let mut connection = Connection::open(data_dir.join("browserd.sqlite3"))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            sealer: sealed::Sealer::of_data_dir(data_dir)?,
        })
    }

    /// Runs `work` with the connection on the blocking pool.
    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
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
