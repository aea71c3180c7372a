//! The `steps` table: the history of a session's actions, oldest first.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;

use super::{Store, StoreError};
use crate::domain::{SessionId, StepRecord};

impl Store {
    /// Appends a step to the session's history, numbering it after the last one.
    pub async fn insert_step(
        &self,
        session: &SessionId,
        step: &StepRecord,
    ) -> Result<u32, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.insert_step(session, step).await;
        }
        let (session, step) = (session.clone(), step.clone());
        self.write("insert_step", move |connection| {
            let transaction = connection.transaction()?;
            let seq: u32 = transaction.query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE session_id = ?1",
                params![session.as_str()],
                |row| row.get(0),
            )?;
            transaction.execute(
                "INSERT INTO steps (session_id, seq, at, action_id, element, value, url_before, url_after, outcome, error, duration_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    session.as_str(),
                    seq,
                    step.at.to_rfc3339_opts(SecondsFormat::Micros, true),
                    step.action_id,
                    step.element,
                    step.value,
                    step.url_before,
                    step.url_after,
                    step.outcome,
                    step.error,
                    step.duration_ms as i64,
                ],
            )?;
            transaction.commit()?;
            Ok(seq)
        })
        .await
    }

    /// The session's steps, oldest first.
    pub async fn steps(&self, session: &SessionId) -> Result<Vec<StepRecord>, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.steps(session).await;
        }
        let session = session.clone();
        self.run(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT seq, at, action_id, element, value, url_before, url_after, outcome, error, duration_ms
                 FROM steps WHERE session_id = ?1 ORDER BY seq",
            )?;
            let rows = statement
                .query_map(params![session.as_str()], |row| {
                    Ok((
                        row.get::<_, u32>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, Option<String>>(4)?,
                        row.get::<_, Option<String>>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, String>(7)?,
                        row.get::<_, Option<String>>(8)?,
                        row.get::<_, i64>(9)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(seq, at, action_id, element, value, url_before, url_after, outcome, error, duration_ms)| {
                    Ok(StepRecord {
                        seq,
                        at: DateTime::parse_from_rfc3339(&at)
                            .map(|t| t.with_timezone(&Utc))
                            .map_err(|e| StoreError::Corrupt(format!("step time {at:?}: {e}")))?,
                        action_id,
                        element,
                        value,
                        url_before,
                        url_after,
                        outcome,
                        error,
                        duration_ms: duration_ms.max(0) as u64,
                    })
                })
                .collect()
        })
        .await
    }
}
