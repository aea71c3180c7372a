//! The dialogs a page opens (`alert`, `confirm`, `prompt`, `beforeunload`): accepted at
//! once, since a dialog left open blocks the page, and kept for the next observation to
//! report.

use std::sync::{Arc, Mutex};

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

/// Accepts every dialog the page opens (a dialog left open blocks the page), keeping its
/// kind and message for the next observation to report.
pub(super) async fn accept_dialogs(
    page: &Page,
) -> Result<(Arc<Mutex<Vec<Dialog>>>, tokio::task::JoinHandle<()>), BrowserError> {
    let mut opening = page
        .event_listener::<EventJavascriptDialogOpening>()
        .await?;
    let dialogs: Arc<Mutex<Vec<Dialog>>> = Arc::default();
    let (page, seen) = (page.clone(), Arc::clone(&dialogs));
    let task = tokio::spawn(async move {
        while let Some(dialog) = opening.next().await {
            let kind = serde_json::to_value(&dialog.r#type)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            seen.lock().unwrap_or_else(|p| p.into_inner()).push(Dialog {
                kind,
                message: dialog.message.clone(),
            });
            let accept = RawCommand::new(
                "Page.handleJavaScriptDialog",
                serde_json::json!({ "accept": true }),
            );
            if let Err(error) = page.execute(accept).await {
                tracing::warn!(%error, "cannot accept a dialog");
            }
        }
    });
    Ok((dialogs, task))
}
