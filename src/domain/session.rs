//! The values of a session: its id, owner, status, timeout and record.
//!
//! Owns what a valid value is (a timeout of 1..=30 minutes, a status that only leaves
//! `active` once). Parsing from the wire happens in `api`, which builds these types;
//! the rest of the server takes them as valid.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The current time at the precision the store keeps (microseconds), so a record reads
/// back equal to what was written.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

/// A session's id: a UUID v4 in its hyphenated form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SessionId {
    type Err = uuid::Error;

    /// Any UUID is accepted; it is kept in the hyphenated lower-case form we hand out.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(|id| Self(id.hyphenated().to_string()))
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who owns a session: a fingerprint of the API key that created it, so the raw key is
/// never written to the database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Owner(String);

impl Owner {
    pub fn of_api_key(key: &str) -> Self {
        let digest = Sha256::digest(key.as_bytes());
        Self(digest[..12].iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn from_stored(fingerprint: String) -> Self {
        Self(fingerprint)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A session's status: `active` moves to exactly one of the others, never back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Active,
    Closed,
    Error,
    TimedOut,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 4] = [Self::Active, Self::Closed, Self::Error, Self::TimedOut];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Closed => "closed",
            Self::Error => "error",
            Self::TimedOut => "timed_out",
        }
    }
}

impl FromStr for SessionStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown session status {s:?}: expected one of active, closed, error, timed_out"))
    }
}

/// How a session ended: a status other than `active`, with an optional reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    status: SessionStatus,
    reason: Option<String>,
}

impl Ending {
    pub fn closed() -> Self {
        Self {
            status: SessionStatus::Closed,
            reason: None,
        }
    }

    pub fn timed_out(reason: Option<String>) -> Self {
        Self {
            status: SessionStatus::TimedOut,
            reason,
        }
    }

    pub fn error(reason: impl Into<String>) -> Self {
        Self {
            status: SessionStatus::Error,
            reason: Some(reason.into()),
        }
    }

    pub fn status(&self) -> SessionStatus {
        self.status
    }

    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
}

/// The ending as a person reads it: `session closed`, `session timed_out: …`.
impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "session {}", self.status.as_str())?;
        match &self.reason {
            Some(reason) => write!(f, ": {reason}"),
            None => Ok(()),
        }
    }
}

/// The idle timeout of a session, in (timeout) minutes: always within 1..=30.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimeout(u8);

impl SessionTimeout {
    pub const MAX_MINUTES: i64 = 30;
    /// The default when the value comes in a JSON body.
    pub const BODY_DEFAULT: SessionTimeout = SessionTimeout(5);
    /// The longest idle timeout.
    pub const MAX: SessionTimeout = SessionTimeout(Self::MAX_MINUTES as u8);
    /// The default when the value comes as `/session/start`'s query parameter.
    pub const QUERY_DEFAULT: SessionTimeout = SessionTimeout(10);

    pub fn minutes(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for SessionTimeout {
    type Error = String;

    fn try_from(minutes: i64) -> Result<Self, Self::Error> {
        if (1..=Self::MAX_MINUTES).contains(&minutes) {
            Ok(Self(minutes as u8))
        } else {
            Err(format!(
                "session timeout must be a whole number of minutes with 0 < x <= 30, got {minutes}"
            ))
        }
    }
}

/// What a caller asks for when starting a session.
#[derive(Debug, Clone)]
pub struct StartOptions {
    pub timeout: SessionTimeout,
    pub keep_alive: bool,
    pub screenshot: bool,
    /// The profile the session starts from, if any.
    pub profile: Option<super::ProfileUse>,
}

/// A session as it is on record.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub id: SessionId,
    pub owner: Owner,
    pub status: SessionStatus,
    pub timeout: SessionTimeout,
    pub keep_alive: bool,
    pub created_at: DateTime<Utc>,
    pub last_accessed_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// Where the session's latest step left its page; none before its first step.
    pub last_url: Option<String>,
}

impl SessionRecord {
    /// From creation to the end, or to `now` while the session is active.
    pub fn duration(&self, now: DateTime<Utc>) -> chrono::Duration {
        self.ended_at
            .unwrap_or(now)
            .signed_duration_since(self.created_at)
            .max(chrono::Duration::zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_accepts_only_1_to_30() {
        for bad in [0, 31, -1, i64::MAX, i64::MIN] {
            assert!(
                SessionTimeout::try_from(bad).is_err(),
                "{bad} should be refused"
            );
        }
        assert_eq!(SessionTimeout::try_from(1).map(|t| t.minutes()), Ok(1));
        assert_eq!(SessionTimeout::try_from(30).map(|t| t.minutes()), Ok(30));
    }

    #[test]
    fn owner_fingerprint_is_stable_and_hides_the_key() {
        let a = Owner::of_api_key("secret-key");
        assert_eq!(a, Owner::of_api_key("secret-key"));
        assert_ne!(a, Owner::of_api_key("other-key"));
        assert!(!a.as_str().contains("secret"));
        assert_eq!(a.as_str().len(), 24);
    }

    #[test]
    fn status_round_trips_through_text() {
        for status in SessionStatus::ALL {
            assert_eq!(status.as_str().parse::<SessionStatus>(), Ok(status));
        }
        assert!("ACTIVE".parse::<SessionStatus>().is_err());
    }

    #[test]
    fn session_id_is_normalised() {
        let id: SessionId = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11".parse().unwrap();
        assert_eq!(id.as_str(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assert!("not-a-uuid".parse::<SessionId>().is_err());
    }
}
