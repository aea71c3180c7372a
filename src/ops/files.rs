//! A session's files: what its pages downloaded and what was uploaded into it, in one
//! folder of the data directory, `sessions/<id>/files/`.
//!
//! Owns that folder: listing it, reading a file of it, receiving an upload into it (under
//! the session's cap; a name taken gets a number, `report (1).pdf`), giving a file of it to
//! a file input, and removing files past the retention period. The session's other data
//! (replay pictures) lives beside it in `sessions/<id>/`; deleting a session's data is
//! deleting that folder. How downloads get there is the browser room's.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use super::{Operations, OpsError};
use crate::browser::{self, INCOMING};
use crate::domain::{FileName, Owner, SessionFile, SessionId, SessionStatus};
use crate::session::{files_folder, SessionError};

/// The list of a session's uploads' names, in its folder beside `files/`.
const UPLOADED: &str = "uploaded";

/// The limits on sessions' files.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    /// Most bytes one session's files may take, downloads and uploads together.
    pub cap: u64,
    /// How long a file is kept; `None`: until its session's data is deleted.
    pub retention: Option<Duration>,
}

/// The media type a file's name suggests.
pub fn media_type(name: &FileName) -> String {
    mime_guess::from_path(name.as_str())
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}

fn io_error(error: std::io::Error) -> OpsError {
    OpsError::Files(error.to_string())
}

/// What a listing says of the file at `path`, if it is a file of a session.
fn describe(name: &str, meta: &std::fs::Metadata) -> Option<SessionFile> {
    if !meta.is_file() {
        return None;
    }
    let name: FileName = name.parse().ok()?;
    Some(SessionFile {
        media_type: media_type(&name),
        name,
        size: meta.len(),
        modified_at: meta
            .modified()
            .map(chrono::DateTime::from)
            .unwrap_or_else(|_| crate::domain::now()),
    })
}

impl Operations {
    /// The folder of session `id`'s files.
    pub fn files_folder(&self, id: &SessionId) -> PathBuf {
        files_folder(&self.data_dir, id)
    }

    /// Session `id`'s files (downloaded and uploaded), by name; the session may have ended.
    pub async fn files(&self, owner: &Owner, id: &SessionId) -> Result<Vec<SessionFile>, OpsError> {
        self.sessions.get(owner, id).await?;
        let folder = self.files_folder(id);
        tokio::task::spawn_blocking(move || {
            let entries = match std::fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(error) => return Err(io_error(error)),
            };
            let mut files: Vec<SessionFile> = entries
                .flatten()
                .filter_map(|entry| {
                    let meta = entry.metadata().ok()?;
                    describe(&entry.file_name().to_string_lossy(), &meta)
                })
                .collect();
            files.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(files)
        })
        .await
        .map_err(|e| OpsError::Files(e.to_string()))?
    }

    /// One file of session `id`, opened for reading; another session's or key's is
    /// [`OpsError::NoFile`] as much as a missing one.
    pub async fn file(
        &self,
        owner: &Owner,
        id: &SessionId,
        name: &FileName,
    ) -> Result<(SessionFile, tokio::fs::File), OpsError> {
        self.sessions
            .get(owner, id)
            .await
            .map_err(|error| match error {
                SessionError::NotFound(_) => OpsError::NoFile(name.clone()),
                other => other.into(),
            })?;
        let path = self.files_folder(id).join(name.as_str());
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(OpsError::NoFile(name.clone()))
            }
            Err(error) => return Err(io_error(error)),
        };
        let meta = file.metadata().await.map_err(io_error)?;
        let described = describe(name.as_str(), &meta).ok_or(OpsError::NoFile(name.clone()))?;
        Ok((described, file))
    }

    /// Receives a file into active session `id` under `name` (numbered if taken), for a
    /// file input to take. Over `limit` bytes ([`OpsError::OverLimit`]) or the session's
    /// cap ([`OpsError::OverCap`]) nothing is kept.
    pub async fn upload<B: AsRef<[u8]>>(
        &self,
        owner: &Owner,
        id: &SessionId,
        name: FileName,
        limit: u64,
        mut content: impl Stream<Item = Result<B, String>> + Unpin,
    ) -> Result<SessionFile, OpsError> {
        let record = self.sessions.get(owner, id).await?;
        if record.status != SessionStatus::Active {
            return Err(SessionError::Ended(Box::new(record)).into());
        }
        let folder = self.files_folder(id);
        let incoming = folder.join(INCOMING);
        tokio::fs::create_dir_all(&incoming)
            .await
            .map_err(io_error)?;
        let temporary = incoming.join(format!("upload-{}", uuid::Uuid::new_v4()));
        let cap = self.file_limits.cap;
        let received = async {
            let mut file = tokio::fs::File::create(&temporary)
                .await
                .map_err(io_error)?;
            let room = cap.saturating_sub(browser::used(&folder));
            let mut written: u64 = 0;
            while let Some(chunk) = content.next().await {
                let chunk = chunk.map_err(OpsError::Upload)?;
                written += chunk.as_ref().len() as u64;
                if written > limit {
                    return Err(OpsError::OverLimit(limit));
                }
                if written > room {
                    return Err(OpsError::OverCap(cap));
                }
                file.write_all(chunk.as_ref()).await.map_err(io_error)?;
            }
            file.sync_all().await.map_err(io_error)?;
            let placed = tokio::task::spawn_blocking({
                let (folder, temporary) = (folder.clone(), temporary.clone());
                move || browser::place(&folder, &temporary, name)
            })
            .await
            .map_err(|e| OpsError::Files(e.to_string()))?
            .map_err(io_error)?;
            Ok::<_, OpsError>((placed, written))
        }
        .await;
        let _ = tokio::fs::remove_file(&temporary).await;
        let (name, size) = received?;
        self.note_upload(id, &name).await;
        tracing::info!(session_id = %id, size, "file uploaded into a session");
        Ok(SessionFile {
            media_type: media_type(&name),
            name,
            size,
            modified_at: crate::domain::now(),
        })
    }

    /// The names of the files that came into session `id` as uploads (the others are its
    /// pages' downloads), as far as its folder says.
    pub async fn uploaded(&self, id: &SessionId) -> std::collections::HashSet<String> {
        let list = crate::session::session_folder(&self.data_dir, id).join(UPLOADED);
        tokio::fs::read_to_string(list)
            .await
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// When a file written `at` is deleted by the retention sweep; `None` when files are
    /// kept until their session's data is deleted.
    pub fn expiry(
        &self,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        let retention = chrono::Duration::from_std(self.file_limits.retention?).ok()?;
        Some(at + retention)
    }

    /// Notes that `name` came in as an upload, beside (not among) the session's files.
    async fn note_upload(&self, id: &SessionId, name: &FileName) {
        let list = crate::session::session_folder(&self.data_dir, id).join(UPLOADED);
        let noted = async {
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&list)
                .await?;
            file.write_all(format!("{name}\n").as_bytes()).await
        };
        if let Err(error) = noted.await {
            tracing::warn!(session_id = %id, %error, "cannot note an upload's name");
        }
    }

    /// How often files past retention are looked for: a tenth of the period, at least once
    /// an hour and at most once a minute; `None` when files are kept until deleted.
    pub fn sweep_interval(&self) -> Option<Duration> {
        self.file_limits.retention.map(|retention| {
            (retention / 10).clamp(Duration::from_secs(60), Duration::from_secs(3600))
        })
    }

    /// Removes every session's files older than the retention period; returns how many.
    pub async fn sweep_files(&self) -> usize {
        let Some(retention) = self.file_limits.retention else {
            return 0;
        };
        let sessions = self.data_dir.join("sessions");
        tokio::task::spawn_blocking(move || sweep(&sessions, retention, SystemTime::now()))
            .await
            .unwrap_or(0)
    }
}

/// Removes the files under `sessions/*/files/` (those still coming in, which a stopped
/// server left, included) last written more than `retention` before `now`.
fn sweep(sessions: &Path, retention: Duration, now: SystemTime) -> usize {
    let Ok(folders) = std::fs::read_dir(sessions) else {
        return 0;
    };
    let mut removed = 0;
    for folder in folders.flatten() {
        let files = folder.path().join("files");
        for place in [files.join(INCOMING), files] {
            let Ok(entries) = std::fs::read_dir(place) else {
                continue;
            };
            for file in entries.flatten() {
                let old = file
                    .metadata()
                    .ok()
                    .filter(|meta| meta.is_file())
                    .and_then(|meta| meta.modified().ok())
                    .and_then(|modified| now.duration_since(modified).ok())
                    .is_some_and(|age| age > retention);
                if old && std::fs::remove_file(file.path()).is_ok() {
                    removed += 1;
                }
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_past_retention_are_removed_and_the_rest_kept() {
        let data = tempfile::tempdir().unwrap();
        let id = SessionId::generate();
        let folder = files_folder(data.path(), &id);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("old.txt"), b"old").unwrap();
        std::fs::write(folder.join("new.txt"), b"new").unwrap();
        let now = SystemTime::now();
        let old = std::fs::File::options()
            .write(true)
            .open(folder.join("old.txt"))
            .unwrap();
        old.set_modified(now - Duration::from_secs(3 * 3600))
            .unwrap();
        let removed = sweep(
            &data.path().join("sessions"),
            Duration::from_secs(3600),
            now,
        );
        assert_eq!(removed, 1);
        assert!(!folder.join("old.txt").exists());
        assert!(folder.join("new.txt").exists());
    }

    #[test]
    fn media_types_come_from_names() {
        assert_eq!(media_type(&"a.pdf".parse().unwrap()), "application/pdf");
        assert_eq!(media_type(&"a.txt".parse().unwrap()), "text/plain");
        assert_eq!(
            media_type(&"noext".parse().unwrap()),
            "application/octet-stream"
        );
    }
}
