//! The node registry on PostgreSQL: registering, heartbeating (on the database's clock),
//! declaring silent nodes lost together with their sessions, and who holds a session.

use std::time::Duration;

use tokio_postgres::Row;

use super::{classify, Postgres};
use crate::domain::{Holder, NodeId, NodeInfo, NodeRecord, SessionId};
use crate::store::StoreError;

/// What a session of a lost node says it ended of.
const NODE_LOST: &str = "node lost: the node holding this session stopped answering";

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn node_record(row: &Row) -> Result<NodeRecord, StoreError> {
    let corrupt = |e: tokio_postgres::Error| StoreError::Corrupt(format!("node row: {e}"));
    let id: String = row.try_get(0).map_err(corrupt)?;
    let state: String = row.try_get(3).map_err(corrupt)?;
    let capacity: i32 = row.try_get(2).map_err(corrupt)?;
    let load: i64 = row.try_get(5).map_err(corrupt)?;
    Ok(NodeRecord {
        info: NodeInfo {
            id: id.parse().map_err(StoreError::Corrupt)?,
            url: row.try_get(1).map_err(corrupt)?,
            capacity: u32::try_from(capacity).unwrap_or(0),
        },
        state: state.parse().map_err(StoreError::Corrupt)?,
        heartbeat_at: row.try_get(4).map_err(corrupt)?,
        load: u32::try_from(load).unwrap_or(u32::MAX),
    })
}

impl Postgres {
    /// Registers (or re-registers) a node as up, heartbeating now.
    pub(in crate::store) async fn register_node(&self, node: &NodeInfo) -> Result<(), StoreError> {
        let client = self.client().await?;
        let capacity = i32::try_from(node.capacity).unwrap_or(i32::MAX);
        client
            .execute(
                "INSERT INTO nodes (id, url, capacity, state, started_at, heartbeat_at, load)
                 VALUES ($1, $2, $3, 'up', now(), now(), 0)
                 ON CONFLICT (id) DO UPDATE SET url = $2, capacity = $3, state = 'up',
                     started_at = now(), heartbeat_at = now(), load = 0",
                &[&node.id.as_str(), &node.url, &capacity],
            )
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Records a node's heartbeat and load; `false` if the registry no longer has it up
    /// (it was declared lost): then nothing is written.
    pub(in crate::store) async fn heartbeat(
        &self,
        node: &NodeId,
        load: u32,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "UPDATE nodes SET heartbeat_at = now(), load = $2 WHERE id = $1 AND state = 'up'",
            )
            .await
            .map_err(classify)?;
        let load = i32::try_from(load).unwrap_or(i32::MAX);
        let updated = client
            .execute(&statement, &[&node.as_str(), &load])
            .await
            .map_err(classify)?;
        Ok(updated == 1)
    }

    /// Declares lost every node but `except` silent for longer than `silent_for`, and
    /// ends as `error` the active sessions of every node not up, in one statement. The
    /// lost nodes' ids, and how many sessions ended.
    pub(in crate::store) async fn declare_lost(
        &self,
        silent_for: Duration,
        except: &NodeId,
    ) -> Result<(Vec<NodeId>, u64), StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "WITH lost AS (
                     UPDATE nodes SET state = 'lost'
                     WHERE state = 'up' AND id <> $2
                       AND heartbeat_at < now() - $1 * INTERVAL '1 millisecond'
                     RETURNING id),
                 ended AS (
                     UPDATE sessions SET status = 'error', ended_at = now(), error = $3
                     WHERE status = 'active'
                       AND (node_id IN (SELECT id FROM lost)
                            OR node_id IN (SELECT id FROM nodes WHERE state <> 'up'))
                     RETURNING id)
                 SELECT COALESCE((SELECT array_agg(id) FROM lost), '{}'), (SELECT count(*) FROM ended)",
            )
            .await
            .map_err(classify)?;
        let row = client
            .query_one(
                &statement,
                &[&millis(silent_for), &except.as_str(), &NODE_LOST],
            )
            .await
            .map_err(classify)?;
        let corrupt = |e: tokio_postgres::Error| StoreError::Corrupt(format!("lost nodes: {e}"));
        let lost: Vec<String> = row.try_get(0).map_err(corrupt)?;
        let ended: i64 = row.try_get(1).map_err(corrupt)?;
        let lost = lost
            .into_iter()
            .map(|id| id.parse().map_err(StoreError::Corrupt))
            .collect::<Result<_, _>>()?;
        Ok((lost, u64::try_from(ended).unwrap_or(0)))
    }

    /// The nodes up whose heartbeat is within `fresh_within`, with their load counted from
    /// the sessions' records, least loaded (for their capacity) first.
    pub(in crate::store) async fn nodes_up(
        &self,
        fresh_within: Duration,
    ) -> Result<Vec<NodeRecord>, StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT n.id, n.url, n.capacity, n.state, n.heartbeat_at,
                        (SELECT count(*) FROM sessions s WHERE s.node_id = n.id AND s.status = 'active') AS load
                 FROM nodes n
                 WHERE n.state = 'up' AND n.heartbeat_at >= now() - $1 * INTERVAL '1 millisecond'
                 ORDER BY load::FLOAT8 / n.capacity, n.id",
            )
            .await
            .map_err(classify)?;
        let rows = client
            .query(&statement, &[&millis(fresh_within)])
            .await
            .map_err(classify)?;
        rows.iter().map(node_record).collect()
    }

    /// Every node the registry has, in any state.
    pub(in crate::store) async fn nodes(&self) -> Result<Vec<NodeRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT n.id, n.url, n.capacity, n.state, n.heartbeat_at,
                        (SELECT count(*) FROM sessions s WHERE s.node_id = n.id AND s.status = 'active')
                 FROM nodes n ORDER BY n.id",
                &[],
            )
            .await
            .map_err(classify)?;
        rows.iter().map(node_record).collect()
    }

    /// Which node holds session `id`, if the records name one.
    pub(in crate::store) async fn holder(
        &self,
        id: &SessionId,
    ) -> Result<Option<Holder>, StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT s.node_id, n.url, (s.status = 'active' AND n.state = 'up')
                 FROM sessions s JOIN nodes n ON n.id = s.node_id WHERE s.id = $1",
            )
            .await
            .map_err(classify)?;
        let row = client
            .query_opt(&statement, &[&id.as_str()])
            .await
            .map_err(classify)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let corrupt = |e: tokio_postgres::Error| StoreError::Corrupt(format!("holder: {e}"));
        let node: String = row.try_get(0).map_err(corrupt)?;
        Ok(Some(Holder {
            node: node.parse().map_err(StoreError::Corrupt)?,
            url: row.try_get(1).map_err(corrupt)?,
            serving: row.try_get(2).map_err(corrupt)?,
        }))
    }

    /// Marks a node stopped on purpose (its sessions were closed first).
    pub(in crate::store) async fn leave(&self, node: &NodeId) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE nodes SET state = 'left' WHERE id = $1",
                &[&node.as_str()],
            )
            .await
            .map_err(classify)?;
        Ok(())
    }
}
