//! The `profiles` table: a profile's record, and its state sealed (`sealed.rs`).

use rusqlite::{params, OptionalExtension, Row};

use super::sessions::{parse_time, time_text};
use super::{Store, StoreError};
use crate::domain::{Owner, ProfileId, ProfileRecord, StorageState};

const COLUMNS: &str = "id, owner, name, created_at, updated_at";

/// What a profile's sealed state is bound to: its row, so that it opens for no other.
fn binding(id: &ProfileId, owner: &Owner) -> String {
    format!("browserd profile v1 {} {}", id.as_str(), owner.as_str())
}

fn read(row: &Row<'_>) -> rusqlite::Result<[String; 5]> {
    Ok([
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ])
}

fn record(
    [id, owner, name, created_at, updated_at]: [String; 5],
) -> Result<ProfileRecord, StoreError> {
    Ok(ProfileRecord {
        id: id
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("profile id {id:?}: {e}")))?,
        owner: Owner::from_stored(owner),
        name: name.parse().map_err(StoreError::Corrupt)?,
        created_at: parse_time(&created_at)?,
        updated_at: parse_time(&updated_at)?,
    })
}

impl Store {
    /// Writes a new profile with its state.
    pub async fn insert_profile(
        &self,
        record: &ProfileRecord,
        state: &StorageState,
    ) -> Result<(), StoreError> {
        let sealed = self.seal_state(record, state)?;
        if let Some(pg) = self.postgres() {
            return pg.insert_profile(record, sealed).await;
        }
        let record = record.clone();
        self.write("insert_profile", move |connection| {
            connection.execute(
                &format!("INSERT INTO profiles ({COLUMNS}, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
                params![
                    record.id.as_str(),
                    record.owner.as_str(),
                    record.name.as_str(),
                    time_text(record.created_at),
                    time_text(record.updated_at),
                    sealed,
                ],
            )?;
            Ok(())
        })
        .await
    }

    fn seal_state(
        &self,
        record: &ProfileRecord,
        state: &StorageState,
    ) -> Result<Vec<u8>, StoreError> {
        let plain = serde_json::to_vec(state).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.sealer
            .seal(&plain, &binding(&record.id, &record.owner))
    }

    /// The owner's profiles, newest first.
    pub async fn profiles(&self, owner: &Owner) -> Result<Vec<ProfileRecord>, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.profiles(owner).await;
        }
        let owner = owner.clone();
        self.run(move |connection| {
            let mut statement = connection.prepare(&format!(
                "SELECT {COLUMNS} FROM profiles WHERE owner = ?1 ORDER BY created_at DESC"
            ))?;
            let rows = statement.query_map(params![owner.as_str()], read)?;
            rows.map(|row| record(row?)).collect()
        })
        .await
    }

    /// Profile `id` with its state, if `owner` owns it; a state that does not open is
    /// [`StoreError::Sealed`].
    pub async fn profile(
        &self,
        owner: &Owner,
        id: &ProfileId,
    ) -> Result<Option<(ProfileRecord, StorageState)>, StoreError> {
        let row = match self.postgres() {
            Some(pg) => pg.profile(owner, id).await?,
            None => self.sqlite_profile(owner, id).await?,
        };
        let Some((record, sealed)) = row else {
            return Ok(None);
        };
        let plain = self
            .sealer
            .open(&sealed, &binding(&record.id, &record.owner))?;
        let state = serde_json::from_slice(&plain)
            .map_err(|e| StoreError::Sealed(format!("its state is not readable: {e}")))?;
        Ok(Some((record, state)))
    }

    async fn sqlite_profile(
        &self,
        owner: &Owner,
        id: &ProfileId,
    ) -> Result<Option<(ProfileRecord, Vec<u8>)>, StoreError> {
        let (owner, id) = (owner.clone(), id.clone());
        let row = self
            .run(move |connection| {
                Ok(connection
                    .query_row(
                        &format!(
                            "SELECT {COLUMNS}, state FROM profiles WHERE id = ?1 AND owner = ?2"
                        ),
                        params![id.as_str(), owner.as_str()],
                        |row| Ok((read(row)?, row.get::<_, Vec<u8>>(5)?)),
                    )
                    .optional()?)
            })
            .await?;
        row.map(|(row, sealed)| Ok((record(row)?, sealed)))
            .transpose()
    }

    /// Replaces profile `id`'s state (if `owner` owns it); the record as it is now.
    pub async fn update_profile_state(
        &self,
        owner: &Owner,
        id: &ProfileId,
        state: &StorageState,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<ProfileRecord>, StoreError> {
        let probe = ProfileRecord {
            id: id.clone(),
            owner: owner.clone(),
            name: "-".parse().map_err(StoreError::Corrupt)?,
            created_at: at,
            updated_at: at,
        };
        let sealed = self.seal_state(&probe, state)?;
        if let Some(pg) = self.postgres() {
            return pg.update_profile_state(owner, id, sealed, at).await;
        }
        let (owner, id) = (owner.clone(), id.clone());
        self.write("update_profile_state", move |connection| {
            connection
                .query_row(
                    &format!("UPDATE profiles SET state = ?1, updated_at = ?2 WHERE id = ?3 AND owner = ?4 RETURNING {COLUMNS}"),
                    params![sealed, time_text(at), id.as_str(), owner.as_str()],
                    read,
                )
                .optional()?
                .map(record)
                .transpose()
        })
        .await
    }

    /// Deletes profile `id` if `owner` owns it; whether it did.
    pub async fn delete_profile(&self, owner: &Owner, id: &ProfileId) -> Result<bool, StoreError> {
        if let Some(pg) = self.postgres() {
            return pg.delete_profile(owner, id).await;
        }
        let (owner, id) = (owner.clone(), id.clone());
        self.write("delete_profile", move |connection| {
            Ok(connection.execute(
                "DELETE FROM profiles WHERE id = ?1 AND owner = ?2",
                params![id.as_str(), owner.as_str()],
            )? > 0)
        })
        .await
    }
}
