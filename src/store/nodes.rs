//! The node registry of a cluster, which only a shared store (PostgreSQL) keeps: one
//! machine's SQLite answers [`StoreError::NotShared`].

use std::time::Duration;

use super::{Store, StoreError};
use crate::domain::{Holder, NodeId, NodeInfo, NodeRecord, SessionId};

impl Store {
    fn shared(&self) -> Result<&super::postgres::Postgres, StoreError> {
        self.postgres().ok_or(StoreError::NotShared)
    }

    /// Registers (or re-registers) a node as up.
    pub async fn register_node(&self, node: &NodeInfo) -> Result<(), StoreError> {
        self.shared()?.register_node(node).await
    }

    /// Records a node's heartbeat; `false` if the registry has declared it lost.
    pub async fn heartbeat(&self, node: &NodeId, load: u32) -> Result<bool, StoreError> {
        self.shared()?.heartbeat(node, load).await
    }

    /// Declares lost the nodes but `except` silent for longer than `silent_for`, ending
    /// their active sessions as `error`: their ids, and how many sessions ended.
    pub async fn declare_lost(
        &self,
        silent_for: Duration,
        except: &NodeId,
    ) -> Result<(Vec<NodeId>, u64), StoreError> {
        self.shared()?.declare_lost(silent_for, except).await
    }

    /// The nodes up and heartbeating within `fresh_within`, least loaded first.
    pub async fn nodes_up(&self, fresh_within: Duration) -> Result<Vec<NodeRecord>, StoreError> {
        self.shared()?.nodes_up(fresh_within).await
    }

    /// Every node on record.
    pub async fn nodes(&self) -> Result<Vec<NodeRecord>, StoreError> {
        self.shared()?.nodes().await
    }

    /// Which node holds session `id`.
    pub async fn holder(&self, id: &SessionId) -> Result<Option<Holder>, StoreError> {
        self.shared()?.holder(id).await
    }

    /// Marks a node stopped on purpose.
    pub async fn leave_node(&self, node: &NodeId) -> Result<(), StoreError> {
        self.shared()?.leave(node).await
    }
}
