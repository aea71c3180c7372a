//! A session's replay: its steps in order, each with a picture of the page after it.
//!
//! Owns the pictures: taken after each step without holding up its answer, kept as JPEG
//! files in the session's own folder (`<data>/sessions/<id>/replay/<seq>.jpg`), within a
//! per-session cap, and deleted after the retention period. The steps themselves are the
//! session's history in the store; a replay is that history beside the pictures that are
//! still on disk. It knows nothing of how a front end shows them.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::live::Feeds;
use super::{Operations, OpsError};
use crate::browser::Screen;
use crate::domain::{SessionId, SessionRecord, StepRecord};
use crate::session::Credential;

/// JPEG quality of a picture: text stays legible, a page costs tens of kilobytes.
const QUALITY: u8 = 60;
/// The largest picture, in device pixels: a 1280-pixel page is kept 800 wide.
const MAX_SIZE: (u32, u32) = (800, 800);

/// Where and how much of the replays' pictures are kept.
#[derive(Debug, Clone)]
pub struct ReplaySettings {
    /// The folder of every session's own folder (`<data>/sessions`).
    pub sessions_dir: PathBuf,
    /// Bytes of pictures one session may keep.
    pub max_bytes: u64,
    /// How long a picture is kept.
    pub retention: Duration,
}

/// A session's steps, each with whether its picture is on disk.
pub struct Replay {
    pub record: SessionRecord,
    pub steps: Vec<ReplayStep>,
}

pub struct ReplayStep {
    pub step: StepRecord,
    pub picture: bool,
}

/// Which picture of a replay.
#[derive(Debug, Clone, Copy)]
pub enum Picture {
    Step(u32),
    /// The picture of the latest step that has one.
    Latest,
}

impl ReplaySettings {
    fn folder(&self, id: &SessionId) -> PathBuf {
        self.sessions_dir.join(id.as_str()).join("replay")
    }

    /// Takes a picture of `screen` after step `seq` and keeps it, in the background: the
    /// step's answer waits for neither the picture nor the disk.
    ///
    /// Taken beside the step's observation instead, a picture lengthened every step;
    /// taken after the answer, it costs only an operation that follows at once (a
    /// script's; an agent thinks first). It is a screencast's frame scaled to
    /// [`MAX_SIZE`] as the browser reads it back: a full-size screenshot cost twice as
    /// much of the browser's time.
    pub(super) fn keep_picture(
        &self,
        id: SessionId,
        seq: u32,
        screen: Option<Screen>,
        feeds: &Feeds,
    ) {
        let Some(screen) = screen.filter(|_| self.max_bytes > 0) else {
            return;
        };
        let folder = self.folder(&id);
        let max_bytes = self.max_bytes;
        let feeds = feeds.clone();
        tokio::spawn(async move {
            let kept = async {
                let jpeg = feeds
                    .picture(&screen, QUALITY, MAX_SIZE)
                    .await
                    .map_err(|e| e.to_string())?;
                write_within_cap(&folder, seq, &jpeg, max_bytes)
                    .await
                    .map_err(|e| e.to_string())
            };
            match kept.await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::debug!(session_id = %id, seq, "replay picture over the session's cap; not kept")
                }
                Err(error) => {
                    tracing::debug!(session_id = %id, seq, %error, "no replay picture for this step")
                }
            }
        });
    }

    /// Deletes pictures older than the retention period, and folders left empty.
    pub async fn sweep(&self) {
        let root = self.sessions_dir.clone();
        let retention = self.retention;
        let swept = tokio::task::spawn_blocking(move || sweep_pictures(&root, retention)).await;
        match swept {
            Ok(0) | Err(_) => {}
            Ok(removed) => tracing::info!(removed, "deleted replay pictures past their retention"),
        }
    }
}

fn picture_name(seq: u32) -> String {
    format!("{seq:06}.jpg")
}

/// Writes the picture unless the folder would then hold more than `max_bytes`. The file
/// appears whole or not at all (written aside, then renamed).
async fn write_within_cap(
    folder: &Path,
    seq: u32,
    jpeg: &[u8],
    max_bytes: u64,
) -> std::io::Result<bool> {
    tokio::fs::create_dir_all(folder).await?;
    let mut used = 0;
    let mut entries = tokio::fs::read_dir(folder).await?;
    while let Some(entry) = entries.next_entry().await? {
        used += entry.metadata().await.map(|m| m.len()).unwrap_or(0);
    }
    if used + jpeg.len() as u64 > max_bytes {
        return Ok(false);
    }
    let path = folder.join(picture_name(seq));
    let partial = path.with_extension("part");
    tokio::fs::write(&partial, jpeg).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(true)
}

fn sweep_pictures(root: &Path, retention: Duration) -> usize {
    let Some(cutoff) = SystemTime::now().checked_sub(retention) else {
        return 0;
    };
    let Ok(sessions) = std::fs::read_dir(root) else {
        return 0;
    };
    let mut removed = 0;
    for session in sessions.flatten() {
        let folder = session.path().join("replay");
        let Ok(pictures) = std::fs::read_dir(&folder) else {
            continue;
        };
        for picture in pictures.flatten() {
            let old = picture
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified < cutoff);
            if old && std::fs::remove_file(picture.path()).is_ok() {
                removed += 1;
            }
        }
        // Only an empty folder goes; a session's other files stay.
        let _ = std::fs::remove_dir(&folder);
        let _ = std::fs::remove_dir(session.path());
    }
    removed
}

impl Operations {
    /// Session `id`'s replay, live or ended, if `credential` opens it.
    pub async fn replay(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<Replay, OpsError> {
        let record = self.sessions.record_for(id, credential).await?;
        let steps = self.sessions.history(id).await?;
        let folder = self.replays.folder(id);
        let steps = steps
            .into_iter()
            .map(|step| ReplayStep {
                picture: folder.join(picture_name(step.seq)).is_file(),
                step,
            })
            .collect();
        Ok(Replay { record, steps })
    }

    /// A picture of session `id`'s replay as JPEG bytes; `None` when there is none.
    pub async fn replay_picture(
        &self,
        id: &SessionId,
        credential: &Credential,
        which: Picture,
    ) -> Result<Option<Vec<u8>>, OpsError> {
        self.sessions.record_for(id, credential).await?;
        let folder = self.replays.folder(id);
        let path = match which {
            Picture::Step(seq) => folder.join(picture_name(seq)),
            Picture::Latest => match latest_picture(&folder).await {
                Some(path) => path,
                None => return Ok(None),
            },
        };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => {
                tracing::warn!(session_id = %id, %error, "cannot read a replay picture");
                Ok(None)
            }
        }
    }
}

/// The picture of the highest step number in `folder`.
async fn latest_picture(folder: &Path) -> Option<PathBuf> {
    let mut entries = tokio::fs::read_dir(folder).await.ok()?;
    let mut latest: Option<PathBuf> = None;
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "jpg")
            && latest
                .as_ref()
                .is_none_or(|l| path.file_name() > l.file_name())
        {
            latest = Some(path);
        }
    }
    latest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_picture_over_the_session_s_cap_is_not_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("s").join("replay");
        assert!(write_within_cap(&folder, 1, &[1; 60], 100).await.unwrap());
        assert!(!write_within_cap(&folder, 2, &[2; 50], 100).await.unwrap());
        assert!(write_within_cap(&folder, 3, &[3; 40], 100).await.unwrap());
        let mut kept: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        kept.sort();
        assert_eq!(kept, ["000001.jpg", "000003.jpg"]);
        assert_eq!(
            latest_picture(&folder).await.unwrap(),
            folder.join("000003.jpg")
        );
    }

    #[test]
    fn pictures_past_their_retention_go_and_empty_folders_with_them() {
        let root = tempfile::tempdir().expect("temp dir");
        let old_folder = root.path().join("old").join("replay");
        let new_folder = root.path().join("new").join("replay");
        std::fs::create_dir_all(&old_folder).unwrap();
        std::fs::create_dir_all(&new_folder).unwrap();
        let old = old_folder.join("000001.jpg");
        std::fs::write(&old, b"jpeg").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(7200))
            .unwrap();
        std::fs::write(new_folder.join("000001.jpg"), b"jpeg").unwrap();
        assert_eq!(sweep_pictures(root.path(), Duration::from_secs(3600)), 1);
        assert!(!root.path().join("old").exists());
        assert!(new_folder.join("000001.jpg").exists());
    }
}
