//! The rows of sessions, steps and profiles on PostgreSQL: the statements of the SQLite
//! backend (`store/sessions.rs`, `steps.rs`, `profiles.rs`) in PostgreSQL's dialect.

use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use super::{classify, Postgres};
use crate::domain::{
    Ending, Owner, ProfileId, ProfileRecord, SessionId, SessionRecord, SessionStatus,
    SessionTimeout, StepRecord,
};
use crate::store::StoreError;

/// What a read gives: the columns, and the URL the latest step left the page at.
const READ_COLUMNS: &str = "id, owner, status, timeout_minutes, keep_alive, created_at, last_accessed_at, ended_at, error, \
     (SELECT url_after FROM steps WHERE steps.session_id = sessions.id ORDER BY seq DESC LIMIT 1)";
const PROFILE_COLUMNS: &str = "id, owner, name, created_at, updated_at";

fn corrupt(what: &str) -> impl Fn(tokio_postgres::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

fn session_record(row: &Row) -> Result<SessionRecord, StoreError> {
    let id: String = row.try_get(0).map_err(corrupt("session id"))?;
    let status: String = row.try_get(2).map_err(corrupt("status"))?;
    let timeout: i32 = row.try_get(3).map_err(corrupt("timeout"))?;
    Ok(SessionRecord {
        id: id
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("session id {id:?}: {e}")))?,
        owner: Owner::from_stored(row.try_get(1).map_err(corrupt("owner"))?),
        status: status.parse().map_err(StoreError::Corrupt)?,
        timeout: SessionTimeout::try_from(i64::from(timeout)).map_err(StoreError::Corrupt)?,
        keep_alive: row.try_get(4).map_err(corrupt("keep_alive"))?,
        created_at: row.try_get(5).map_err(corrupt("created_at"))?,
        last_accessed_at: row.try_get(6).map_err(corrupt("last_accessed_at"))?,
        ended_at: row.try_get(7).map_err(corrupt("ended_at"))?,
        error: row.try_get(8).map_err(corrupt("error"))?,
        last_url: row.try_get(9).map_err(corrupt("last url"))?,
    })
}

pub(in crate::store) fn profile_record(row: &Row) -> Result<ProfileRecord, StoreError> {
    let id: String = row.try_get(0).map_err(corrupt("profile id"))?;
    let name: String = row.try_get(2).map_err(corrupt("profile name"))?;
    Ok(ProfileRecord {
        id: id
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("profile id {id:?}: {e}")))?,
        owner: Owner::from_stored(row.try_get(1).map_err(corrupt("owner"))?),
        name: name.parse().map_err(StoreError::Corrupt)?,
        created_at: row.try_get(3).map_err(corrupt("created_at"))?,
        updated_at: row.try_get(4).map_err(corrupt("updated_at"))?,
    })
}

impl Postgres {
    pub(in crate::store) async fn insert_session(
        &self,
        record: &SessionRecord,
    ) -> Result<(), StoreError> {
        Self::timed("insert_session", async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "INSERT INTO sessions (id, owner, status, timeout_minutes, keep_alive, created_at, last_accessed_at, ended_at, error, node_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .await
                .map_err(classify)?;
            let timeout = i32::from(record.timeout.minutes());
            client
                .execute(
                    &statement,
                    &[
                        &record.id.as_str(),
                        &record.owner.as_str(),
                        &record.status.as_str(),
                        &timeout,
                        &record.keep_alive,
                        &record.created_at,
                        &record.last_accessed_at,
                        &record.ended_at,
                        &record.error,
                        &self.node.as_ref().map(|n| n.as_str()),
                    ],
                )
                .await
                .map_err(classify)?;
            Ok(())
        })
        .await
    }

    /// Session `id`, if `owner` (when given) owns it.
    pub(in crate::store) async fn session(
        &self,
        owner: Option<&Owner>,
        id: &SessionId,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {READ_COLUMNS} FROM sessions WHERE id = $1 AND ($2::TEXT IS NULL OR owner = $2)"
            ))
            .await
            .map_err(classify)?;
        let row = client
            .query_opt(&statement, &[&id.as_str(), &owner.map(Owner::as_str)])
            .await
            .map_err(classify)?;
        row.as_ref().map(session_record).transpose()
    }

    pub(in crate::store) async fn sessions(
        &self,
        owner: &Owner,
        status: Option<SessionStatus>,
        limit: u32,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {READ_COLUMNS} FROM sessions WHERE owner = $1 AND ($2::TEXT IS NULL OR status = $2)
                 ORDER BY created_at DESC, id LIMIT $3"
            ))
            .await
            .map_err(classify)?;
        let rows = client
            .query(
                &statement,
                &[
                    &owner.as_str(),
                    &status.map(SessionStatus::as_str),
                    &i64::from(limit),
                ],
            )
            .await
            .map_err(classify)?;
        rows.iter().map(session_record).collect()
    }

    pub(in crate::store) async fn touch_session(
        &self,
        id: &SessionId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Self::timed("touch_session", async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "UPDATE sessions SET last_accessed_at = $2 WHERE id = $1 AND status = 'active'",
                )
                .await
                .map_err(classify)?;
            client
                .execute(&statement, &[&id.as_str(), &at])
                .await
                .map_err(classify)?;
            Ok(())
        })
        .await
    }

    pub(in crate::store) async fn end_session(
        &self,
        id: &SessionId,
        ending: &Ending,
        at: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError> {
        Self::timed("end_session", async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "UPDATE sessions SET status = $2, ended_at = $3, error = $4 WHERE id = $1 AND status = 'active'",
                )
                .await
                .map_err(classify)?;
            client
                .execute(
                    &statement,
                    &[&id.as_str(), &ending.status().as_str(), &at, &ending.reason()],
                )
                .await
                .map_err(classify)?;
            Ok(())
        })
        .await?;
        self.session(None, id).await
    }

    /// Ends this node's sessions still `active` (left so by its previous process).
    pub(in crate::store) async fn end_all_active(
        &self,
        ending: &Ending,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Self::timed("end_all_active", async {
            let client = self.client().await?;
            let ended = client
                .execute(
                    "UPDATE sessions SET status = $1, ended_at = $2, error = $3
                     WHERE status = 'active' AND node_id IS NOT DISTINCT FROM $4",
                    &[
                        &ending.status().as_str(),
                        &at,
                        &ending.reason(),
                        &self.node.as_ref().map(|n| n.as_str()),
                    ],
                )
                .await
                .map_err(classify)?;
            Ok(usize::try_from(ended).unwrap_or(usize::MAX))
        })
        .await
    }

    /// Appends a step, numbering it after the session's last one, in one statement.
    pub(in crate::store) async fn insert_step(
        &self,
        session: &SessionId,
        step: &StepRecord,
    ) -> Result<u32, StoreError> {
        Self::timed("insert_step", async {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "INSERT INTO steps (session_id, seq, at, action_id, element, value, url_before, url_after, outcome, error, duration_ms)
                     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10
                     FROM steps WHERE session_id = $1
                     RETURNING seq",
                )
                .await
                .map_err(classify)?;
            let duration = i64::try_from(step.duration_ms).unwrap_or(i64::MAX);
            let row = client
                .query_one(
                    &statement,
                    &[
                        &session.as_str(),
                        &step.at,
                        &step.action_id,
                        &step.element,
                        &step.value,
                        &step.url_before,
                        &step.url_after,
                        &step.outcome,
                        &step.error,
                        &duration,
                    ],
                )
                .await
                .map_err(classify)?;
            let seq: i32 = row.try_get(0).map_err(corrupt("step seq"))?;
            u32::try_from(seq).map_err(|e| StoreError::Corrupt(format!("step seq {seq}: {e}")))
        })
        .await
    }

    pub(in crate::store) async fn steps(
        &self,
        session: &SessionId,
    ) -> Result<Vec<StepRecord>, StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT seq, at, action_id, element, value, url_before, url_after, outcome, error, duration_ms
                 FROM steps WHERE session_id = $1 ORDER BY seq",
            )
            .await
            .map_err(classify)?;
        let rows = client
            .query(&statement, &[&session.as_str()])
            .await
            .map_err(classify)?;
        rows.iter()
            .map(|row| {
                let seq: i32 = row.try_get(0).map_err(corrupt("step seq"))?;
                let duration: i64 = row.try_get(9).map_err(corrupt("step duration"))?;
                Ok(StepRecord {
                    seq: u32::try_from(seq).unwrap_or(0),
                    at: row.try_get(1).map_err(corrupt("step time"))?,
                    action_id: row.try_get(2).map_err(corrupt("action id"))?,
                    element: row.try_get(3).map_err(corrupt("element"))?,
                    value: row.try_get(4).map_err(corrupt("value"))?,
                    url_before: row.try_get(5).map_err(corrupt("url_before"))?,
                    url_after: row.try_get(6).map_err(corrupt("url_after"))?,
                    outcome: row.try_get(7).map_err(corrupt("outcome"))?,
                    error: row.try_get(8).map_err(corrupt("error"))?,
                    duration_ms: duration.max(0) as u64,
                })
            })
            .collect()
    }

    pub(in crate::store) async fn insert_profile(
        &self,
        record: &ProfileRecord,
        sealed: Vec<u8>,
    ) -> Result<(), StoreError> {
        Self::timed("insert_profile", async {
            let client = self.client().await?;
            client
                .execute(
                    &format!("INSERT INTO profiles ({PROFILE_COLUMNS}, state) VALUES ($1, $2, $3, $4, $5, $6)"),
                    &[
                        &record.id.as_str(),
                        &record.owner.as_str(),
                        &record.name.as_str(),
                        &record.created_at,
                        &record.updated_at,
                        &sealed,
                    ],
                )
                .await
                .map_err(classify)?;
            Ok(())
        })
        .await
    }

    pub(in crate::store) async fn profiles(
        &self,
        owner: &Owner,
    ) -> Result<Vec<ProfileRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {PROFILE_COLUMNS} FROM profiles WHERE owner = $1 ORDER BY created_at DESC"),
                &[&owner.as_str()],
            )
            .await
            .map_err(classify)?;
        rows.iter().map(profile_record).collect()
    }

    /// Profile `id` and its sealed state, if `owner` owns it.
    pub(in crate::store) async fn profile(
        &self,
        owner: &Owner,
        id: &ProfileId,
    ) -> Result<Option<(ProfileRecord, Vec<u8>)>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!(
                    "SELECT {PROFILE_COLUMNS}, state FROM profiles WHERE id = $1 AND owner = $2"
                ),
                &[&id.as_str(), &owner.as_str()],
            )
            .await
            .map_err(classify)?;
        row.map(|row| {
            let sealed: Vec<u8> = row.try_get(5).map_err(corrupt("profile state"))?;
            Ok((profile_record(&row)?, sealed))
        })
        .transpose()
    }

    pub(in crate::store) async fn update_profile_state(
        &self,
        owner: &Owner,
        id: &ProfileId,
        sealed: Vec<u8>,
        at: DateTime<Utc>,
    ) -> Result<Option<ProfileRecord>, StoreError> {
        Self::timed("update_profile_state", async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!("UPDATE profiles SET state = $1, updated_at = $2 WHERE id = $3 AND owner = $4 RETURNING {PROFILE_COLUMNS}"),
                    &[&sealed, &at, &id.as_str(), &owner.as_str()],
                )
                .await
                .map_err(classify)?;
            row.as_ref().map(profile_record).transpose()
        })
        .await
    }

    pub(in crate::store) async fn delete_profile(
        &self,
        owner: &Owner,
        id: &ProfileId,
    ) -> Result<bool, StoreError> {
        Self::timed("delete_profile", async {
            let client = self.client().await?;
            let deleted = client
                .execute(
                    "DELETE FROM profiles WHERE id = $1 AND owner = $2",
                    &[&id.as_str(), &owner.as_str()],
                )
                .await
                .map_err(classify)?;
            Ok(deleted > 0)
        })
        .await
    }
}
