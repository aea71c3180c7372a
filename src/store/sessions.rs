//! The `sessions` table: insert, read, touch, and the one transition out of `active`.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::{Store, StoreError};
use crate::domain::{Ending, Owner, SessionId, SessionRecord, SessionStatus, SessionTimeout};

const COLUMNS: &str =
    "id, owner, status, timeout_minutes, keep_alive, created_at, last_accessed_at, ended_at, error";
/// What a read gives: the columns, and the URL the latest step left the page at.
const READ_COLUMNS: &str = "id, owner, status, timeout_minutes, keep_alive, created_at, last_accessed_at, ended_at, error, \
     (SELECT url_after FROM steps WHERE steps.session_id = sessions.id ORDER BY seq DESC LIMIT 1)";

pub(super) fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(super) fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {text:?}: {e}")))
}

/// The raw columns of one row, converted to a record outside rusqlite's row callback so
/// that conversion errors keep their own type.
struct RawRow {
    id: String,
    owner: String,
    status: String,
    timeout_minutes: i64,
    keep_alive: bool,
    created_at: String,
    last_accessed_at: String,
    ended_at: Option<String>,
    error: Option<String>,
    last_url: Option<String>,
}

impl RawRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            owner: row.get(1)?,
            status: row.get(2)?,
            timeout_minutes: row.get(3)?,
            keep_alive: row.get(4)?,
            created_at: row.get(5)?,
            last_accessed_at: row.get(6)?,
            ended_at: row.get(7)?,
            error: row.get(8)?,
            last_url: row.get(9)?,
        })
    }

    fn into_record(self) -> Result<SessionRecord, StoreError> {
        Ok(SessionRecord {
            id: self
                .id
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("session id {:?}: {e}", self.id)))?,
            owner: Owner::from_stored(self.owner),
            status: self.status.parse().map_err(StoreError::Corrupt)?,
            timeout: SessionTimeout::try_from(self.timeout_minutes).map_err(StoreError::Corrupt)?,
            keep_alive: self.keep_alive,
            created_at: parse_time(&self.created_at)?,
            last_accessed_at: parse_time(&self.last_accessed_at)?,
            ended_at: self.ended_at.as_deref().map(parse_time).transpose()?,
            error: self.error,
            last_url: self.last_url,
        })
    }
}

impl Store {
    pub async fn insert_session(&self, record: &SessionRecord) -> Result<(), StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.insert_session(record).await;
        }
        let record = record.clone();
        self.write("insert_session", move |connection| {
            connection.execute(
                &format!(
                    "INSERT INTO sessions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                ),
                params![
                    record.id.as_str(),
                    record.owner.as_str(),
                    record.status.as_str(),
                    record.timeout.minutes(),
                    record.keep_alive,
                    time_text(record.created_at),
                    time_text(record.last_accessed_at),
                    record.ended_at.map(time_text),
                    record.error,
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The session `id` if `owner` owns it.
    pub async fn session(
        &self,
        owner: &Owner,
        id: &SessionId,
    ) -> Result<Option<SessionRecord>, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.session(Some(owner), id).await;
        }
        let (owner, id) = (owner.clone(), id.clone());
        self.run(move |connection| {
            connection
                .query_row(
                    &format!("SELECT {READ_COLUMNS} FROM sessions WHERE id = ?1 AND owner = ?2"),
                    params![id.as_str(), owner.as_str()],
                    RawRow::read,
                )
                .optional()?
                .map(RawRow::into_record)
                .transpose()
        })
        .await
    }

    /// The session `id`, whoever owns it (for a caller that proved it may see it by other
    /// means than its key).
    pub async fn session_by_id(&self, id: &SessionId) -> Result<Option<SessionRecord>, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.session(None, id).await;
        }
        let id = id.clone();
        self.run(move |connection| {
            connection
                .query_row(
                    &format!("SELECT {READ_COLUMNS} FROM sessions WHERE id = ?1"),
                    params![id.as_str()],
                    RawRow::read,
                )
                .optional()?
                .map(RawRow::into_record)
                .transpose()
        })
        .await
    }

    /// The owner's sessions, newest first, optionally of one status.
    pub async fn sessions(
        &self,
        owner: &Owner,
        status: Option<SessionStatus>,
        limit: u32,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.sessions(owner, status, limit).await;
        }
        let owner = owner.clone();
        self.run(move |connection| {
            let mut statement = connection.prepare_cached(&format!(
                "SELECT {READ_COLUMNS} FROM sessions WHERE owner = ?1 AND (?2 IS NULL OR status = ?2)
                 ORDER BY created_at DESC, id LIMIT ?3"
            ))?;
            let rows = statement
                .query_map(
                    params![owner.as_str(), status.map(SessionStatus::as_str), limit],
                    RawRow::read,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(RawRow::into_record).collect()
        })
        .await
    }

    /// Records an access to an active session.
    pub async fn touch_session(&self, id: &SessionId, at: DateTime<Utc>) -> Result<(), StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.touch_session(id, at).await;
        }
        let id = id.clone();
        self.write("touch_session", move |connection| {
            connection.execute(
                "UPDATE sessions SET last_accessed_at = ?2 WHERE id = ?1 AND status = 'active'",
                params![id.as_str(), time_text(at)],
            )?;
            Ok(())
        })
        .await
    }

    /// Moves an active session to its end. Returns the record as it now is; a session
    /// that had already ended keeps its first ending.
    pub async fn end_session(
        &self,
        id: &SessionId,
        ending: &Ending,
        at: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.end_session(id, ending, at).await;
        }
        let (id, ending) = (id.clone(), ending.clone());
        self.write("end_session", move |connection| {
            connection.execute(
                "UPDATE sessions SET status = ?2, ended_at = ?3, error = ?4 WHERE id = ?1 AND status = 'active'",
                params![id.as_str(), ending.status().as_str(), time_text(at), ending.reason()],
            )?;
            connection
                .query_row(&format!("SELECT {READ_COLUMNS} FROM sessions WHERE id = ?1"), params![id.as_str()], RawRow::read)
                .optional()?
                .map(RawRow::into_record)
                .transpose()
        })
        .await
    }

    /// Ends every session still `active` (left so by a process that is gone) with
    /// `ending`: on PostgreSQL, those of this node only. Returns how many there were.
    pub async fn end_all_active(
        &self,
        ending: &Ending,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.end_all_active(ending, at).await;
        }
        let ending = ending.clone();
        self.write("end_all_active", move |connection| {
            Ok(connection.execute(
                "UPDATE sessions SET status = ?1, ended_at = ?2, error = ?3 WHERE status = 'active'",
                params![ending.status().as_str(), time_text(at), ending.reason()],
            )?)
        })
        .await
    }
}
