//! The private network in the operations: a navigation refused before it starts, and a
//! failed one (a redirect, a link, a name that changed its answer) told apart from other
//! failures by the egress proxy's record, so that the agent reads the rule and the setting
//! that lifts it instead of the browser's bare `net::ERR_…`.

use std::time::Instant;

use crate::act::{self, ActError, FreshRead};
use crate::browser::{BrowserError, Tab};
use crate::domain::PageUrl;
use crate::egress::{Egress, Refusal};

/// Where Chromium shows a document that failed to load.
const BROWSER_ERROR_PAGE: &str = "chrome-error:";

/// Navigates `tab` to `url` (reading the page for an observation when `observed`), unless
/// the rule refuses `url`'s host; a navigation that failed because the proxy refused where
/// it led is that refusal.
pub async fn open(
    egress: &Egress,
    tab: &mut Tab,
    url: &PageUrl,
    observed: bool,
) -> Result<Option<FreshRead>, Reached> {
    egress.check(url).await?;
    let since = Instant::now();
    match act::open(tab, url, observed).await {
        Err(ActError::Browser(BrowserError::Navigation(reason))) => {
            match refused_navigation(egress, tab, since, true).await {
                Some(refusal) => Err(Reached::Refused(refusal)),
                None => Err(ActError::Browser(BrowserError::Navigation(reason)).into()),
            }
        }
        other => Ok(other?),
    }
}

/// Why [`open`] did not navigate.
#[derive(Debug, thiserror::Error)]
pub enum Reached {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Act(#[from] ActError),
}

/// The proxy's refusal that left the top frame on the browser's error page, if that is
/// where it is (`failed`: the caller knows the navigation failed) and why.
pub(super) async fn refused_navigation(
    egress: &Egress,
    tab: &Tab,
    since: Instant,
    failed: bool,
) -> Option<Refusal> {
    if !failed {
        let url = tab.url().await.ok().flatten()?;
        if !url.starts_with(BROWSER_ERROR_PAGE) {
            return None;
        }
    }
    let unreachable = tab.unreachable_url().await.ok().flatten()?;
    egress.refusal_for(&unreachable, since)
}
