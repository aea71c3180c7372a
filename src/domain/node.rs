//! A node of a cluster (several browserd sharing one PostgreSQL): its id, where the other
//! nodes reach it, and what the registry knows of it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

/// A node's id: 1 to 63 of `A-Z a-z 0-9 . _ -` (a host name or a pod's name fits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeId(String);

impl NodeId {
    /// A fresh id, for a node given none.
    pub fn generate() -> Self {
        Self(format!(
            "node-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for NodeId {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fits = (1..=63).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if fits {
            Ok(Self(text.to_string()))
        } else {
            Err(format!(
                "a node id is 1 to 63 letters, digits, `.`, `_` or `-`; got {text:?}"
            ))
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a node is serving, as the registry has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    /// Heartbeating.
    Up,
    /// Stopped heartbeating for longer than the bound: its sessions ended as `error`.
    Lost,
    /// Stopped on purpose, its sessions closed.
    Left,
}

impl NodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Lost => "lost",
            Self::Left => "left",
        }
    }
}

impl FromStr for NodeState {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "up" => Ok(Self::Up),
            "lost" => Ok(Self::Lost),
            "left" => Ok(Self::Left),
            other => Err(format!("node state {other:?}")),
        }
    }
}

/// A node as it registers itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub id: NodeId,
    /// Where the other nodes reach it (`http://10.0.0.7:8000`).
    pub url: String,
    /// Most sessions it holds at once.
    pub capacity: u32,
}

/// A node as the registry has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRecord {
    pub info: NodeInfo,
    pub state: NodeState,
    /// Its active sessions, as the sessions' records count them.
    pub load: u32,
    pub heartbeat_at: DateTime<Utc>,
}

/// Which node holds a session, as the records have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub node: NodeId,
    pub url: String,
    /// The session is active and its node up: requests for it go there.
    pub serving: bool,
}
