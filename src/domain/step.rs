//! One step of a session's history, as the operations room writes it and the store keeps
//! it.

use chrono::{DateTime, Utc};

/// One step as recorded. A value typed into a password field is stored masked.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub action_id: String,
    pub element: Option<String>,
    pub value: Option<String>,
    pub url_before: Option<String>,
    pub url_after: Option<String>,
    /// `ok`, or the kind of failure.
    pub outcome: String,
    pub error: Option<String>,
    pub duration_ms: u64,
}
