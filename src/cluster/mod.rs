//! The cluster: several browserd nodes sharing one PostgreSQL store. Owns this node's
//! place in the node registry (registering, the heartbeat, declaring silent nodes lost),
//! where a new session goes (placement), and which node holds a session (so that a request
//! for it can be sent there).
//!
//! Speaks no HTTP: `api/forward.rs` asks it where a request goes and carries the request
//! there. Without `--database-url` there is no cluster and none of this runs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::domain::{Ending, Holder, NodeId, NodeInfo, SessionId};
use crate::session::Sessions;
use crate::shutdown::Shutdown;
use crate::store::{Store, StoreError};

/// Holders remembered at most before the memory is cleared.
const HOLDERS_KEPT: usize = 10_000;

/// How long a session's holder is remembered. A session never moves, so a remembered
/// holder is stale only once it stopped serving: a live node then answers from the
/// records itself, a lost one no longer answers, and after this long the records say so.
const HOLDER_KEPT_FOR: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("this node cannot reach its database ({0}); it takes no new session until the database is back, retry shortly")]
    Unavailable(String),
    #[error("every node of the cluster is at its limit of sessions ({0} nodes up); close one or retry later")]
    NoRoom(usize),
    #[error("no node `{0}` is up in this cluster")]
    UnknownNode(NodeId),
    #[error("{0}")]
    Store(StoreError),
}

impl From<StoreError> for ClusterError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(reason) => Self::Unavailable(reason),
            other => Self::Store(other),
        }
    }
}

/// Where a new session goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Here,
    There(NodeInfo),
}

/// This node in its cluster; cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    sessions: Sessions,
    me: NodeInfo,
    /// A node silent this long is declared lost.
    lost_after: Duration,
    /// Whether the last heartbeat reached the database.
    healthy: AtomicBool,
    holders: Mutex<HashMap<SessionId, (Holder, Instant)>>,
}

impl Cluster {
    /// Registers this node (up, heartbeating now) in the store's registry.
    pub async fn join(
        store: Store,
        sessions: Sessions,
        me: NodeInfo,
        lost_after: Duration,
    ) -> Result<Self, StoreError> {
        store.register_node(&me).await?;
        tracing::info!(node = %me.id, url = %me.url, capacity = me.capacity, "joined the cluster");
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                sessions,
                me,
                lost_after,
                healthy: AtomicBool::new(true),
                holders: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn me(&self) -> &NodeInfo {
        &self.inner.me
    }

    /// Whether the database answered this node's last heartbeat.
    pub fn is_healthy(&self) -> bool {
        self.inner.healthy.load(Ordering::SeqCst)
    }

    /// Where a new session goes: the node `named`, else here while this node has room,
    /// else the least loaded node up with room.
    pub async fn place(&self, named: Option<&NodeId>) -> Result<Placement, ClusterError> {
        if !self.is_healthy() {
            return Err(ClusterError::Unavailable(
                "its last heartbeat did not reach it".into(),
            ));
        }
        let me = &self.inner.me;
        if named == Some(&me.id) || (named.is_none() && self.inner.sessions.has_room()) {
            return Ok(Placement::Here);
        }
        let up = self.inner.store.nodes_up(self.inner.lost_after).await?;
        if let Some(named) = named {
            return up
                .into_iter()
                .find(|node| &node.info.id == named)
                .map(|node| Placement::There(node.info))
                .ok_or_else(|| ClusterError::UnknownNode(named.clone()));
        }
        let count = up.len();
        up.into_iter()
            .find(|node| node.info.id != me.id && node.load < node.info.capacity)
            .map(|node| Placement::There(node.info))
            .ok_or(ClusterError::NoRoom(count))
    }

    /// The node a request for session `id` goes to; `None` for this one (it holds the
    /// session, or no node serves it and the records answer here).
    pub async fn holder(&self, id: &SessionId) -> Result<Option<Holder>, ClusterError> {
        if self.inner.sessions.is_live(id) {
            return Ok(None);
        }
        let remembered = self.holders().get(id).cloned();
        if let Some((holder, since)) = remembered {
            if since.elapsed() < HOLDER_KEPT_FOR {
                return Ok(Some(holder));
            }
        }
        let holder = self.inner.store.holder(id).await?;
        let Some(holder) = holder.filter(|h| h.serving && h.node != self.inner.me.id) else {
            return Ok(None);
        };
        let mut holders = self.holders();
        if holders.len() >= HOLDERS_KEPT {
            holders.clear();
        }
        holders.insert(id.clone(), (holder.clone(), Instant::now()));
        Ok(Some(holder))
    }

    /// Forgets where session `id` is held (its node did not answer).
    pub fn forget(&self, id: &SessionId) {
        self.holders().remove(id);
    }

    fn holders(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, (Holder, Instant)>> {
        self.inner.holders.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Heartbeats, and declares silent nodes lost, until `shutdown`. A node declares
    /// others lost only once it has itself reached the database for a whole `lost_after`
    /// without a break: after the database was away, every node gets that long to
    /// heartbeat again before anyone's silence counts.
    pub async fn run(self, shutdown: Shutdown) {
        let lost_after = self.inner.lost_after;
        let beat = (lost_after / 5).clamp(Duration::from_millis(100), Duration::from_secs(5));
        let mut interval = tokio::time::interval(beat);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut reachable_since = Some(Instant::now());
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                _ = shutdown.wait() => return,
            }
            if !self.heartbeat(&mut reachable_since).await {
                continue;
            }
            if reachable_since.is_some_and(|since| since.elapsed() >= lost_after) {
                self.declare_lost().await;
            }
        }
    }

    /// One heartbeat; whether the database answered it.
    async fn heartbeat(&self, reachable_since: &mut Option<Instant>) -> bool {
        let inner = &self.inner;
        let load = u32::try_from(inner.sessions.active_count()).unwrap_or(u32::MAX);
        match inner.store.heartbeat(&inner.me.id, load).await {
            Ok(true) => {}
            Ok(false) => {
                // Declared lost while away: what it held ended as `error` on record, so
                // it ends here too (its records keep their first ending), then rejoins
                // empty.
                tracing::warn!(node = %inner.me.id, "this node was declared lost; ending its sessions and joining again");
                inner
                    .sessions
                    .end_all_live(Ending::error(
                        "node lost: this node stopped answering the cluster",
                    ))
                    .await;
                if let Err(error) = inner.store.register_node(&inner.me).await {
                    tracing::warn!(%error, "cannot join the cluster again");
                    return false;
                }
            }
            Err(error) => {
                if inner.healthy.swap(false, Ordering::SeqCst) {
                    tracing::error!(%error, "the database is unreachable: refusing new sessions until it is back");
                }
                *reachable_since = None;
                return false;
            }
        }
        if !inner.healthy.swap(true, Ordering::SeqCst) {
            tracing::info!("the database is reachable again: taking new sessions");
        }
        reachable_since.get_or_insert_with(Instant::now);
        inner.sessions.record_unrecorded_endings().await;
        true
    }

    async fn declare_lost(&self) {
        let inner = &self.inner;
        match inner
            .store
            .declare_lost(inner.lost_after, &inner.me.id)
            .await
        {
            Ok((lost, ended)) if !lost.is_empty() || ended > 0 => {
                let lost: Vec<String> = lost.iter().map(ToString::to_string).collect();
                tracing::warn!(?lost, sessions_ended = ended, "declared silent nodes lost");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot look for lost nodes"),
        }
    }

    /// Leaves the registry (on stop, after this node's sessions were closed).
    pub async fn leave(&self) {
        if let Err(error) = self.inner.store.leave_node(&self.inner.me.id).await {
            tracing::warn!(%error, "cannot mark this node as left");
        }
    }
}
