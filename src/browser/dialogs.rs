//! The dialogs a page opens (`alert`, `confirm`, `prompt`, `beforeunload`): accepted at
//! once, since a dialog left open blocks the page, and kept for the next observation to
//! report. A page that opens them without end (a loop of `alert`) is stopped: its last
//! dialog is left open, which blocks its script, and every command to the page fails from
//! then on ([`BrowserError::DialogStorm`]), so the storm of protocol messages that the
//! browser's other pages share the connection with ends at once.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use chromiumoxide::cdp::browser_protocol::page::EventJavascriptDialogOpening;
use chromiumoxide::Page;
use futures_util::StreamExt;

use super::cdp::RawCommand;
use super::BrowserError;

/// A dialog the page opened and that was accepted: its kind as CDP names it (`alert`,
/// `confirm`, `prompt`, `beforeunload`) and its message, empty when the page gave none
/// (Chromium never passes on a `beforeunload` one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub kind: String,
    pub message: String,
}

/// Dialogs within [`STORM_WINDOW`] past which a page counts as opening them without end.
pub(super) const STORM_DIALOGS: usize = 20;
pub(super) const STORM_WINDOW: Duration = Duration::from_secs(5);
/// Dialogs kept for the next observation, at most; later ones are accepted unreported.
const KEPT_DIALOGS: usize = 50;

/// The dialogs accepted and not yet reported; whether the page was stopped for a storm of
/// them; the task that accepts them.
pub(super) struct DialogWatch {
    pub(super) dialogs: Arc<Mutex<Vec<Dialog>>>,
    pub(super) stormed: watch::Receiver<bool>,
    pub(super) handler: tokio::task::JoinHandle<()>,
}

/// Accepts every dialog the page opens (a dialog left open blocks the page), keeping its
/// kind and message for the next observation to report, until the page opens more than
/// [`STORM_DIALOGS`] within [`STORM_WINDOW`].
pub(super) async fn accept_dialogs(page: &Page) -> Result<DialogWatch, BrowserError> {
    let mut opening = page
        .event_listener::<EventJavascriptDialogOpening>()
        .await?;
    let dialogs: Arc<Mutex<Vec<Dialog>>> = Arc::default();
    let (storm, stormed) = watch::channel(false);
    let (page, seen) = (page.clone(), Arc::clone(&dialogs));
    let handler = tokio::spawn(async move {
        let mut recent: VecDeque<Instant> = VecDeque::new();
        while let Some(dialog) = opening.next().await {
            let now = Instant::now();
            recent.push_back(now);
            while recent
                .front()
                .is_some_and(|at| now.duration_since(*at) > STORM_WINDOW)
            {
                recent.pop_front();
            }
            if recent.len() > STORM_DIALOGS {
                tracing::warn!("a page opened dialogs without end; it was stopped");
                storm.send_replace(true);
                return;
            }
            let kind = serde_json::to_value(&dialog.r#type)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            {
                let mut kept = seen.lock().unwrap_or_else(|p| p.into_inner());
                if kept.len() < KEPT_DIALOGS {
                    kept.push(Dialog {
                        kind,
                        message: dialog.message.clone(),
                    });
                }
            }
            let accept = RawCommand::new(
                "Page.handleJavaScriptDialog",
                serde_json::json!({ "accept": true }),
            );
            if let Err(error) = page.execute(accept).await {
                tracing::warn!(%error, "cannot accept a dialog");
            }
        }
    });
    Ok(DialogWatch {
        dialogs,
        stormed,
        handler,
    })
}
