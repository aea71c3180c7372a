//! Pages other than the one the tab holds: those an input opens (a popup, a new tab),
//! which the tab follows as a person's eyes do, keeping the opener alive behind; and the
//! one it takes when a CDP client of the session closed its page.

use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::target::TargetId;
use serde_json::json;

use super::navigation::NAVIGATION_QUIET;
use super::Tab;
use crate::browser::cdp::RawCommand;
use crate::browser::running::bounded;
use crate::browser::tab_cap::Decision;
use crate::browser::BrowserError;
use crate::injected;

/// How long a popup waits for the cap of tabs to admit or close it before it is followed
/// anyway (a cap that lost its event stream decides nothing).
const CAP_DECISION_WAIT: Duration = Duration::from_secs(1);

/// A page that an input opened (a popup or a new tab), for [`Tab::follow`].
#[derive(Debug)]
pub struct Popup(pub(super) TargetId);

impl Tab {
    /// Makes the popup or new tab an input opened the tab's page, as a person's eyes
    /// follow it, and waits until it is ready. The opener stays open behind it. A popup
    /// closed for being past the session's cap of tabs is not followed.
    pub async fn follow(&mut self, popup: Popup) -> Result<(), BrowserError> {
        let context = self.parts()?.context.clone();
        let began = tokio::time::Instant::now();
        let deadline = began + self.browser.operation_timeout;
        let page = loop {
            match self.browser.tab_cap.decision(&popup.0) {
                // A page past the session's cap of tabs was closed: nothing to follow.
                Some(Decision::Closed) => return Ok(()),
                // The cap hears of the page on a stream of its own: wait for its word
                // rather than follow a page it is about to close.
                None if began.elapsed() < CAP_DECISION_WAIT => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
                _ => {}
            }
            match self.browser.browser.get_page(popup.0.clone()).await {
                Ok(page) => break page,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await
                }
                Err(_) => return Err(BrowserError::Timeout(self.browser.operation_timeout)),
            }
        };
        let fresh = bounded(
            self.browser.operation_timeout,
            self.browser.wrap_page(context, page),
        )
        .await?;
        if let Some(opener) = self.parts.replace(fresh) {
            self.openers.push(opener);
        }
        self.note_page();
        self.worlds().clear();
        // The popup may still be loading: wait as after a navigation.
        let _ = tokio::time::timeout(self.browser.operation_timeout, async {
            loop {
                let ready = self.run(&injected::READY_STATE, &[]).await;
                if matches!(
                    ready.as_ref().ok().and_then(|v| v.as_str()),
                    Some("complete")
                ) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        })
        .await;
        self.settle(NAVIGATION_QUIET).await
    }

    /// Whether the tab's page was closed by someone else (a CDP client of the session):
    /// its listeners ended with it, and it never crashed.
    pub fn page_closed(&self) -> bool {
        self.parts
            .as_ref()
            .is_some_and(|parts| parts.crashed.has_changed().is_err() && !*parts.crashed.borrow())
    }

    /// When the tab's page was closed by someone else, takes another page of its context
    /// that is still open (a CDP client's; the last the browser lists), or a new blank one.
    /// Nothing to do (and no command sent) otherwise.
    pub async fn replace_closed_page(&mut self) -> Result<(), BrowserError> {
        if !self.page_closed() {
            return Ok(());
        }
        let context = self.parts()?.context.clone();
        let listing = RawCommand::new("Target.getTargets", json!({}));
        let targets = bounded(
            self.browser.operation_timeout,
            self.browser.browser.execute(listing),
        )
        .await?
        .result;
        let newest = targets["targetInfos"].as_array().and_then(|infos| {
            infos
                .iter()
                .filter(|info| {
                    info["type"] == "page" && info["browserContextId"] == context.inner().as_str()
                })
                .filter_map(|info| info["targetId"].as_str())
                .next_back()
                .map(str::to_owned)
        });
        let adopted = match newest {
            Some(target) => {
                let page = bounded(
                    self.browser.operation_timeout,
                    self.browser.browser.get_page(TargetId::new(target)),
                )
                .await;
                match page {
                    Ok(page) => Some(
                        bounded(
                            self.browser.operation_timeout,
                            self.browser.wrap_page(context.clone(), page),
                        )
                        .await?,
                    ),
                    Err(_) => None,
                }
            }
            None => None,
        };
        let fresh = match adopted {
            Some(parts) => parts,
            None => {
                bounded(
                    self.browser.operation_timeout,
                    self.browser.create_replacement_page(context),
                )
                .await?
            }
        };
        if let Some(old) = self.parts.replace(fresh) {
            old.stop_listeners();
        }
        self.note_page();
        self.worlds().clear();
        tracing::info!("the session's page was closed by a CDP client; it took another");
        Ok(())
    }
}
