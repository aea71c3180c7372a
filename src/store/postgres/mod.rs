//! The PostgreSQL backend: a pool of connections (`tokio-postgres`, no TLS — a cluster
//! reaches its database on a private network), its migrations, and the mapping of its
//! failures: a database that cannot be reached is [`StoreError::Unavailable`], which a
//! node answers with `503` and recovers from by itself (the pool drops closed connections
//! and makes new ones when asked).
//!
//! The statements are the SQLite ones in spirit (`rows.rs`, `nodes.rs`); sessions also
//! record the node that holds them, and this node's id scopes "every active session of
//! mine" (`end_all_active`).

mod nodes;
mod rows;

use std::time::{Duration, Instant};

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;
use tokio_postgres::NoTls;

use super::StoreError;
use crate::domain::NodeId;

/// The schema, applied in order once each (the SQLite migrations' counterparts, and the
/// node registry).
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_sessions.sql"),
    include_str!("../migrations/postgres/0002_steps.sql"),
    include_str!("../migrations/postgres/0003_profiles.sql"),
    include_str!("../migrations/postgres/0004_nodes.sql"),
];

/// Taken by the node applying migrations, so that nodes starting together apply them once.
const MIGRATION_LOCK: i64 = 0x6272_6f77_7365_7264; // "browserd"

/// How to reach the database, and as which node.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// `postgres://user:password@host:port/database` (or the key=value form).
    pub url: String,
    /// The node whose sessions this store records; `None` for a store not serving
    /// sessions (a tool, a test of rows alone).
    pub node: Option<NodeId>,
    /// Connections kept open at most.
    pub pool_size: usize,
    /// Longest wait for a connection (made or from the pool) before a statement fails as
    /// [`StoreError::Unavailable`].
    pub connect_timeout: Duration,
}

#[derive(Clone)]
pub(super) struct Postgres {
    pool: Pool,
    node: Option<NodeId>,
}

impl Postgres {
    pub(super) async fn connect(options: PostgresOptions) -> Result<Self, StoreError> {
        let mut config: tokio_postgres::Config = options
            .url
            .parse()
            .map_err(|e| StoreError::Postgres(format!("the database URL: {e}")))?;
        config
            .connect_timeout(options.connect_timeout)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(10))
            .application_name("browserd");
        #[cfg(target_os = "linux")]
        config.tcp_user_timeout(Duration::from_secs(10));
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(options.connect_timeout))
            .create_timeout(Some(options.connect_timeout))
            .recycle_timeout(Some(options.connect_timeout))
            .build()
            .map_err(|e| StoreError::Postgres(format!("the connection pool: {e}")))?;
        let postgres = Self {
            pool,
            node: options.node,
        };
        postgres.migrate().await?;
        Ok(postgres)
    }

    /// A connection from the pool (made if none is idle).
    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|error| match error {
            deadpool_postgres::PoolError::Backend(e) => classify(e),
            other => StoreError::Unavailable(other.to_string()),
        })
    }

    /// Times a write for the metrics, as the SQLite backend does.
    async fn timed<T>(
        operation: &'static str,
        work: impl std::future::Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let started = Instant::now();
        let result = work.await;
        metrics::histogram!("browserd_store_write_duration_seconds", "operation" => operation)
            .record(started.elapsed().as_secs_f64());
        result
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await.map_err(classify)?;
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(classify)?;
        transaction
            .batch_execute("CREATE TABLE IF NOT EXISTS browserd_schema (version INTEGER NOT NULL)")
            .await
            .map_err(classify)?;
        let applied: i32 = transaction
            .query_one("SELECT COALESCE(MAX(version), 0) FROM browserd_schema", &[])
            .await
            .map_err(classify)?
            .get(0);
        let applied = usize::try_from(applied).unwrap_or(0);
        if applied > MIGRATIONS.len() {
            return Err(StoreError::Corrupt(format!(
                "schema version {applied} is newer than this server knows ({}); use a newer browserd",
                MIGRATIONS.len()
            )));
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            transaction.batch_execute(sql).await.map_err(classify)?;
            let version = i32::try_from(index + 1).unwrap_or(i32::MAX);
            transaction
                .execute(
                    "INSERT INTO browserd_schema (version) VALUES ($1)",
                    &[&version],
                )
                .await
                .map_err(classify)?;
        }
        transaction.commit().await.map_err(classify)
    }
}

/// A failure to reach the database (a closed connection, a refused or timed-out
/// connect, a server shutting down or starting) is [`StoreError::Unavailable`]; an error
/// the database answered with is [`StoreError::Postgres`].
fn classify(error: tokio_postgres::Error) -> StoreError {
    let unreachable = match error.code() {
        Some(code) => [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::CONNECTION_FAILURE,
            SqlState::CONNECTION_EXCEPTION,
            SqlState::SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
            SqlState::TOO_MANY_CONNECTIONS,
        ]
        .contains(code),
        None => true,
    };
    let message = match error.as_db_error() {
        Some(db) => db.message().to_string(),
        None => error.to_string(),
    };
    if unreachable {
        StoreError::Unavailable(message)
    } else {
        StoreError::Postgres(message)
    }
}
