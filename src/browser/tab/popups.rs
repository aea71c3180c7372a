//! Pages an input opens (a popup, a new tab): the tab follows them, as a person's eyes
//! do, keeping the opener alive behind.

use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::target::TargetId;

use super::navigation::NAVIGATION_QUIET;
use super::Tab;
use crate::browser::running::bounded;
use crate::browser::BrowserError;
use crate::injected;

/// A page that an input opened (a popup or a new tab), for [`Tab::follow`].
#[derive(Debug)]
pub struct Popup(pub(super) TargetId);

impl Tab {
    /// Makes the popup or new tab an input opened the tab's page, as a person's eyes
    /// follow it, and waits until it is ready. The opener stays open behind it.
    pub async fn follow(&mut self, popup: Popup) -> Result<(), BrowserError> {
        let context = self.parts()?.context.clone();
        let deadline = tokio::time::Instant::now() + self.browser.operation_timeout;
        let page = loop {
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
}
