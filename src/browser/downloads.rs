//! Downloads: a page's downloads land, under their own names, in the folder its session
//! keeps files in.
//!
//! Each browser context that keeps its downloads has them saved by the browser under a
//! temporary name (the download's guid, `allowAndName`) in its folder; when one completes
//! it is renamed to the name the page suggested, numbered when taken (`report (1).pdf`),
//! and listed for the session's next answer. The browser reports downloads on the browser
//! connection, not the page's: one [`Downloads`] per browser receives them and hands each
//! to its context. A download that would take the folder over its cap is cancelled (or
//! deleted, if it was not known to be too large before it finished).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chromiumoxide::cdp::browser_protocol::browser::{
    DownloadProgressState, EventDownloadProgress, EventDownloadWillBegin,
};
use chromiumoxide::Browser;
use futures_util::StreamExt;

use super::running::Running;
use serde_json::json;
use tokio::sync::watch;

use super::cdp::RawCommand;
use crate::domain::{Download, DownloadState, FileName};

impl DownloadMark {
    /// How many downloads the page `page` was sent since the mark, now that it has been
    /// sent `announced` in all (none when the tab holds another page now).
    pub(super) fn expected(&self, page: &str, announced: u64) -> u64 {
        match &self.page {
            Some(marked) if marked == page => announced.saturating_sub(self.announced),
            _ => 0,
        }
    }
}

/// One context's downloads: where they go, and those not reported yet.
pub(super) struct ContextDownloads {
    folder: PathBuf,
    /// Where the browser writes downloads under way (`<folder>/.incoming`).
    incoming: PathBuf,
    cap: u64,
    state: Mutex<Pending>,
    changed: watch::Sender<()>,
    /// The context's pages the session's tab has held (their main frames have the page's
    /// target id): a download they start is placed here without asking the browser.
    pages: Mutex<std::collections::HashSet<String>>,
}

#[derive(Default)]
struct Pending {
    /// How many downloads of the context have begun: the number of the next one.
    begun: u64,
    /// The numbers of those begun and not ended, by guid.
    in_progress: HashMap<String, u64>,
    ended: Vec<Download>,
}

/// Where a context's downloads stood when an operation began: those that begin after it
/// are the operation's; and how many its page had been sent (`network.rs`), so that one
/// sent during the operation is waited for even before the browser says it began.
#[derive(Debug, Clone, Default)]
pub struct DownloadMark {
    begun: u64,
    page: Option<String>,
    announced: u64,
}

impl ContextDownloads {
    pub(super) fn new(folder: PathBuf, cap: u64) -> Arc<Self> {
        Arc::new(Self {
            incoming: folder.join(INCOMING),
            folder,
            cap,
            state: Mutex::new(Pending::default()),
            changed: watch::Sender::new(()),
            pages: Mutex::default(),
        })
    }

    /// Notes a page of the context, by its target id.
    pub(super) fn add_page(&self, target: &str) {
        self.pages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(target.to_string());
    }

    fn has_page(&self, target: &str) -> bool {
        self.pages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(target)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn mark(&self, page: &str, announced: u64) -> DownloadMark {
        DownloadMark {
            begun: self.state().begun,
            page: Some(page.to_string()),
            announced,
        }
    }

    /// Waits until `count` downloads of the context have begun since `mark`.
    pub(super) async fn begun_since(&self, mark: &DownloadMark, count: u64) {
        let mut changed = self.changed.subscribe();
        while self.state().begun < mark.begun + count {
            if changed.changed().await.is_err() {
                return;
            }
        }
    }

    /// Waits until no download begun since `mark` is under way, then takes those that
    /// ended since the last call. Downloads begun earlier are not waited for: one that
    /// never ends holds up no later operation.
    pub(super) async fn take_ended(&self, mark: &DownloadMark) -> Vec<Download> {
        let mut changed = self.changed.subscribe();
        loop {
            {
                let mut state = self.state();
                if !state.in_progress.values().any(|&n| n >= mark.begun) {
                    return std::mem::take(&mut state.ended);
                }
            }
            if changed.changed().await.is_err() {
                return Vec::new();
            }
        }
    }

    /// Whether a download of the context is under way.
    pub(super) fn under_way(&self) -> bool {
        !self.state().in_progress.is_empty()
    }

    fn began(&self, guid: &str) {
        let mut state = self.state();
        let number = state.begun;
        state.begun += 1;
        state.in_progress.insert(guid.to_string(), number);
        drop(state);
        self.changed.send_replace(());
    }

    fn ended(&self, guid: &str, download: Download) {
        let mut state = self.state();
        state.in_progress.remove(guid);
        state.ended.push(download);
        drop(state);
        self.changed.send_replace(());
    }
}

/// A download between its start and its end.
struct Started {
    context: Option<(String, Arc<ContextDownloads>)>,
    suggested: String,
    url: String,
    /// Cancelled by us: it took the folder over its cap.
    over_cap: bool,
}

/// Every context's downloads in one browser.
#[derive(Default)]
pub(super) struct Downloads {
    contexts: Mutex<HashMap<String, Arc<ContextDownloads>>>,
}

impl Downloads {
    pub(super) fn register(&self, context: &str, downloads: Arc<ContextDownloads>) {
        self.contexts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(context.to_string(), downloads);
    }

    pub(super) fn unregister(&self, context: &str) {
        self.contexts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(context);
    }

    fn context(&self, context: &str) -> Option<Arc<ContextDownloads>> {
        self.contexts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(context)
            .cloned()
    }

    /// The context whose folder holds `path`.
    fn by_folder(&self, path: &Path) -> Option<(String, Arc<ContextDownloads>)> {
        let folder = path.parent()?;
        self.contexts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|(_, downloads)| downloads.incoming == folder)
            .map(|(id, downloads)| (id.clone(), Arc::clone(downloads)))
    }

    /// Follows the browser's download events until its connection ends.
    pub(super) async fn follow(running: Arc<Running>) {
        let this = &running.downloads;
        let browser = &running.browser;
        let (began, progress) = match tokio::try_join!(
            browser.event_listener::<EventDownloadWillBegin>(),
            browser.event_listener::<EventDownloadProgress>()
        ) {
            Ok(listeners) => listeners,
            Err(error) => {
                tracing::warn!(%error, "cannot follow the browser's downloads");
                return;
            }
        };
        enum Event {
            Began(Arc<EventDownloadWillBegin>),
            Progress(Arc<EventDownloadProgress>),
        }
        let mut events =
            futures_util::stream::select(began.map(Event::Began), progress.map(Event::Progress));
        let mut started: HashMap<String, Started> = HashMap::new();
        while let Some(event) = events.next().await {
            match event {
                Event::Began(event) => {
                    let context = this.context_of_frame(browser, event.frame_id.inner()).await;
                    tracing::debug!(guid = %event.guid, placed = context.is_some(), "a download began");
                    if let Some((_, downloads)) = &context {
                        downloads.began(&event.guid);
                    }
                    started.insert(
                        event.guid.clone(),
                        Started {
                            context,
                            suggested: event.suggested_filename.clone(),
                            url: event.url.clone(),
                            over_cap: false,
                        },
                    );
                }
                Event::Progress(event) => {
                    this.progress(browser, &mut started, &event).await;
                }
            }
        }
    }

    async fn progress(
        &self,
        browser: &Browser,
        started: &mut HashMap<String, Started>,
        event: &EventDownloadProgress,
    ) {
        let Some(download) = started.get_mut(&event.guid) else {
            return;
        };
        if matches!(event.state, DownloadProgressState::InProgress) {
            if let Some((context, downloads)) = &download.context {
                if !download.over_cap && used(&downloads.folder) > downloads.cap {
                    download.over_cap = true;
                    let cancel = RawCommand::new(
                        "Browser.cancelDownload",
                        json!({ "guid": event.guid, "browserContextId": context }),
                    );
                    let _ = browser.execute(cancel).await;
                }
            }
            return;
        }
        let Some(download) = started.remove(&event.guid) else {
            return;
        };
        let context = download.context.or_else(|| {
            event
                .file_path
                .as_deref()
                .and_then(|path| self.by_folder(Path::new(path)))
        });
        let Some((_, downloads)) = context else {
            return;
        };
        let name = FileName::sanitized(&download.suggested);
        let ended = match event.state {
            DownloadProgressState::Completed => {
                let saved = tokio::task::spawn_blocking({
                    let downloads = Arc::clone(&downloads);
                    let guid = event.guid.clone();
                    move || settle_file(&downloads.folder, &guid, name, downloads.cap)
                })
                .await;
                match saved {
                    Ok(Ok((name, size, state))) => Download {
                        name,
                        size,
                        url: download.url,
                        state,
                    },
                    Ok(Err(error)) => {
                        tracing::warn!(%error, "cannot keep a finished download");
                        return downloads.ended(
                            &event.guid,
                            Download {
                                name: FileName::sanitized(&download.suggested),
                                size: 0,
                                url: download.url,
                                state: DownloadState::Canceled,
                            },
                        );
                    }
                    Err(_) => return,
                }
            }
            _ => {
                let over = download.over_cap || used(&downloads.folder) > downloads.cap;
                let _ = std::fs::remove_file(downloads.incoming.join(&event.guid));
                Download {
                    name,
                    size: 0,
                    url: download.url,
                    state: if over {
                        DownloadState::OverCap
                    } else {
                        DownloadState::Canceled
                    },
                }
            }
        };
        tracing::debug!(guid = %event.guid, state = ?ended.state, "a download ended");
        downloads.ended(&event.guid, ended);
    }

    /// The registered context a download's frame belongs to: a page's main frame has its
    /// target's id, which its tab noted or the browser can place in a context. A frame
    /// inside a page is placed when its download ends, by the folder it landed in.
    async fn context_of_frame(
        &self,
        browser: &Browser,
        frame: &str,
    ) -> Option<(String, Arc<ContextDownloads>)> {
        let noted = self
            .contexts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|(_, downloads)| downloads.has_page(frame))
            .map(|(id, downloads)| (id.clone(), Arc::clone(downloads)));
        if noted.is_some() {
            return noted;
        }
        let info = RawCommand::new("Target.getTargetInfo", json!({ "targetId": frame }));
        let reply = browser.execute(info).await.ok()?;
        let context = reply.result["targetInfo"]["browserContextId"].as_str()?;
        self.context(context).map(|d| (context.to_string(), d))
    }
}

/// The folder under a session's files where files are written before they get their name
/// (downloads under way, uploads being received): not listed among the files, counted
/// against the cap.
pub const INCOMING: &str = ".incoming";

/// The bytes the files of `folder` take, those coming in included.
pub fn used(folder: &Path) -> u64 {
    let sum = |folder: &Path| -> u64 {
        std::fs::read_dir(folder)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|entry| entry.metadata().ok())
                    .filter(|meta| meta.is_file())
                    .map(|meta| meta.len())
                    .sum()
            })
            .unwrap_or(0)
    };
    sum(folder) + sum(&folder.join(INCOMING))
}

/// Gives a finished download (saved as its `guid`) its name, or removes it when the folder
/// is over its cap with it. A download a CDP client of the session let the browser name
/// itself is found under that name.
fn settle_file(
    folder: &Path,
    guid: &str,
    name: FileName,
    cap: u64,
) -> std::io::Result<(FileName, u64, DownloadState)> {
    let temporary = folder.join(INCOMING).join(guid);
    if !temporary.exists() {
        let size = std::fs::metadata(folder.join(name.as_str()))?.len();
        return Ok((name, size, DownloadState::Saved));
    }
    let size = std::fs::metadata(&temporary)?.len();
    if used(folder) > cap {
        std::fs::remove_file(&temporary)?;
        return Ok((name, size, DownloadState::OverCap));
    }
    let name = place(folder, &temporary, name)?;
    std::fs::remove_file(&temporary)?;
    Ok((name, size, DownloadState::Saved))
}

/// Links `file` into `folder` under `name`, or under the first numbered alternative to it
/// that no file there has (never replacing one), and returns the name it got.
pub fn place(folder: &Path, file: &Path, name: FileName) -> std::io::Result<FileName> {
    for n in 0..10_000 {
        let candidate = if n == 0 {
            name.clone()
        } else {
            name.numbered(n)
        };
        match std::fs::hard_link(file, folder.join(candidate.as_str())) {
            Ok(()) => return Ok(candidate),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other(format!("no free name like {name}")))
}
