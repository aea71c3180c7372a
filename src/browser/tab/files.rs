//! Files in and out of the tab's context: where its downloads go, those that ended, and
//! the files a file input is given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;

use super::Tab;
use crate::browser::cdp::RawCommand;
use crate::browser::downloads::{ContextDownloads, DownloadMark};
use crate::browser::running::bounded;
use crate::browser::BrowserError;
use crate::domain::Download;
use crate::injected;

/// How long an operation waits for the browser to say that a download the page was sent
/// began.
const ANNOUNCED_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl Tab {
    /// From now on, the context's downloads are saved in `folder` (made if missing), up to
    /// `cap` bytes of files there, instead of refused.
    pub async fn keep_downloads(&mut self, folder: PathBuf, cap: u64) -> Result<(), BrowserError> {
        tokio::fs::create_dir_all(folder.join(crate::browser::downloads::INCOMING))
            .await
            .map_err(|e| BrowserError::Protocol(format!("downloads folder: {e}")))?;
        let context = self.parts()?.context.inner().clone();
        let downloads = ContextDownloads::new(folder.clone(), cap);
        self.browser
            .downloads
            .register(&context, Arc::clone(&downloads));
        self.downloads = Some(downloads);
        let allow = RawCommand::new(
            "Browser.setDownloadBehavior",
            json!({
                "behavior": "allowAndName",
                "browserContextId": context,
                "downloadPath": folder.join(crate::browser::downloads::INCOMING).to_string_lossy(),
                "eventsEnabled": true,
            }),
        );
        bounded(
            self.browser.operation_timeout,
            self.browser.browser.execute(allow),
        )
        .await
        .map(|_| ())
    }

    /// Where the context's downloads stand now, for [`take_downloads`](Self::take_downloads).
    pub fn download_mark(&self) -> DownloadMark {
        match (&self.downloads, &self.parts) {
            (Some(downloads), Some(parts)) => downloads.mark(
                parts.page.target_id().inner(),
                parts.in_flight.downloads_announced(),
            ),
            _ => DownloadMark::default(),
        }
    }

    /// The downloads that ended since the last call, once those the page was sent since
    /// `mark` have begun and none begun since is under way; and whether one is still under
    /// way (one running past the operation timeout is left for a later call).
    pub async fn take_downloads(&self, mark: DownloadMark) -> (Vec<Download>, bool) {
        let (Some(downloads), Some(parts)) = (&self.downloads, &self.parts) else {
            return (Vec::new(), false);
        };
        let expected = mark.expected(
            parts.page.target_id().inner(),
            parts.in_flight.downloads_announced(),
        );
        // The page was sent a download the browser has not said it began yet: it says so
        // a moment after the page stopped loading. Not for ever: a download whose news
        // goes elsewhere (a CDP client of the session took the downloads over) is left.
        let begun = downloads.begun_since(&mark, expected);
        let _ = tokio::time::timeout(ANNOUNCED_WAIT, begun).await;
        let taken = downloads.take_ended(&mark);
        let ended = tokio::time::timeout(self.browser.operation_timeout, taken)
            .await
            .unwrap_or_default();
        (ended, downloads.under_way())
    }

    /// Gives the file input `collect` listed under `handle` in `frame`'s world the file at
    /// `path`, as a person choosing it would: the page sees `input` and `change`. `false`
    /// when the element is no longer a file input on the page.
    pub async fn set_input_file(
        &self,
        frame: Option<&str>,
        handle: u32,
        path: &Path,
    ) -> Result<bool, BrowserError> {
        let input = self
            .call_script(frame, &[&injected::FILE_INPUT], &[json!(handle)], false)
            .await?;
        let Some(object) = input["objectId"].as_str() else {
            return Ok(false);
        };
        let set = self
            .call(
                "DOM.setFileInputFiles",
                json!({ "files": [path.to_string_lossy()], "objectId": object }),
            )
            .await;
        let _ = self
            .call("Runtime.releaseObject", json!({ "objectId": object }))
            .await;
        set.map(|_| true)
    }

    /// Notes the tab's page (after it took a new one) as one whose downloads are its
    /// context's, so that they are placed at once when they begin.
    pub(super) fn note_page(&self) {
        if let (Some(downloads), Some(parts)) = (&self.downloads, &self.parts) {
            downloads.add_page(parts.page.target_id().inner());
        }
    }

    pub(super) fn forget_downloads(&self, context: &str) {
        if self.downloads.is_some() {
            self.browser.downloads.unregister(context);
        }
    }
}
