//! The private network in the operations: a navigation refused before it starts, and a
//! failed one (a redirect, a link, a name that changed its answer) told apart from other
//! failures by the egress proxy's record, so that the agent reads the rule and the setting
//! that lifts it instead of the browser's bare `net::ERR_…`; and, by the same record, the
//! reason a browser without the proxy would give for a name that did not resolve or a
//! host that refused the connection.

use std::time::Instant;

use crate::act::{self, ActError, FreshRead};
use crate::browser::{BrowserError, Tab};
use crate::domain::PageUrl;
use crate::egress::{Egress, Refusal, Unreached};

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
            let reason = match unreached(egress, tab, since).await {
                Some(Unreached::Refused(refusal)) => return Err(Reached::Refused(refusal)),
                why => unproxied(reason, why),
            };
            Err(ActError::Browser(BrowserError::Navigation(reason)).into())
        }
        other => Ok(other?),
    }
}

/// Why the proxy did not connect the top frame to where it failed to go since `since`.
async fn unreached(egress: &Egress, tab: &Tab, since: Instant) -> Option<Unreached> {
    let unreachable = tab.unreachable_url().await.ok().flatten()?;
    egress.unreached_for(&unreachable, since)
}

/// The browser's one reason for every connection its proxy did not make.
const PROXY_FAILURE: &str = "net::ERR_SOCKS_CONNECTION_FAILED";

/// A failed navigation's `reason` as the browser gives it without a proxy (which agents
/// and people know), when the proxy recorded `why` it did not connect.
fn unproxied(reason: String, why: Option<Unreached>) -> String {
    if !reason.starts_with(PROXY_FAILURE) {
        return reason;
    }
    match why {
        Some(Unreached::Unresolved) => "net::ERR_NAME_NOT_RESOLVED".to_string(),
        Some(Unreached::ConnectionRefused) => "net::ERR_CONNECTION_REFUSED".to_string(),
        Some(Unreached::Refused(_) | Unreached::ConnectionFailed) => {
            "net::ERR_CONNECTION_FAILED".to_string()
        }
        None => reason,
    }
}

/// A step's failed navigation (`S1`, a new tab) with the reason the
/// browser gives without a proxy.
pub(super) async fn unproxied_failure(
    egress: &Egress,
    tab: &Tab,
    since: Instant,
    performed: &mut Result<impl Sized, ActError>,
) {
    if let Err(ActError::Browser(BrowserError::Navigation(reason))) = performed {
        if reason.starts_with(PROXY_FAILURE) {
            *reason = unproxied(std::mem::take(reason), unreached(egress, tab, since).await);
        }
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
    match unreached(egress, tab, since).await? {
        Unreached::Refused(refusal) => Some(refusal),
        _ => None,
    }
}
