//! The special actions `S1`…`S8`: what each does to a page, by its number.
//!
//! Owns the dispatch from a special id to its effect and the parsing of its `value` (a URL
//! for `S1`, seconds for `S7`). What needs more than the page — a scrape's markdown, a
//! screenshot in the answer, the end of the session — is returned as an [`Effect`] for
//! the operations room to carry out: this room acts on pages, not on sessions.

use std::time::Duration;

use super::{follow, open, settled_read, ActError, FreshRead};
use crate::browser::Tab;
use crate::domain::PageUrl;
use crate::injected::COLLECT;

/// What a special action did, or leaves for the caller to do.
#[derive(Debug)]
pub enum Effect {
    /// The page may have changed; the observation that follows starts from this read.
    Page(Option<FreshRead>),
    /// Nothing happened to the page; the agent is told why.
    Unchanged(String),
    /// `S2`: scrape the page's main content.
    Scrape,
    /// `S3`: answer with a screenshot.
    Screenshot,
    /// `S8`: end the session after answering.
    Terminate,
}

/// Carries out the special action `S{number}` (1 to 8, as `ActionId` allows).
pub async fn special(tab: &mut Tab, number: u32, value: Option<&str>) -> Result<Effect, ActError> {
    Ok(match number {
        1 => Effect::Page(goto(tab, value).await?),
        2 => Effect::Scrape,
        3 => Effect::Screenshot,
        4 | 5 => {
            let (offset, word) = if number == 4 {
                (-1, "back")
            } else {
                (1, "forward")
            };
            match history(tab, offset).await? {
                Some(fresh) => Effect::Page(fresh),
                None => Effect::Unchanged(format!(
                    "There was no page to go {word} to; the page did not change."
                )),
            }
        }
        6 => Effect::Page(reload(tab).await?),
        7 => Effect::Page(wait(tab, wait_seconds(value)?).await?),
        _ => Effect::Terminate,
    })
}

/// `S1`: go to `value`, a URL.
async fn goto(tab: &mut Tab, value: Option<&str>) -> Result<Option<FreshRead>, ActError> {
    let url: PageUrl = value
        .ok_or_else(|| {
            ActError::BadValue(
                "S1 (go to a URL) needs `value`: the URL, like https://example.com/".into(),
            )
        })?
        .parse()
        .map_err(|e| ActError::BadValue(format!("S1: {e}")))?;
    open(tab, &url, true).await
}

/// `S4`, `S5`: one entry back (`-1`) or forward (`1`) in the tab's history. `None` when
/// there is no such entry and nothing happened.
async fn history(tab: &mut Tab, offset: i64) -> Result<Option<Option<FreshRead>>, ActError> {
    match tab.go_history(offset, Some(&COLLECT)).await? {
        None => Ok(None),
        Some(settled) => Ok(Some(follow(tab, settled).await?)),
    }
}

/// `S6`: reloads the page.
async fn reload(tab: &mut Tab) -> Result<Option<FreshRead>, ActError> {
    let settled = tab.reload(Some(&COLLECT)).await?;
    follow(tab, settled).await
}

/// `S7`: waits `seconds`, then lets the page settle.
async fn wait(tab: &Tab, seconds: Duration) -> Result<Option<FreshRead>, ActError> {
    tokio::time::sleep(seconds).await;
    settled_read(tab).await
}

/// `S7`: wait `value` seconds (0 < s <= 30), then let the page settle.
fn wait_seconds(value: Option<&str>) -> Result<Duration, ActError> {
    let seconds: f64 = value.and_then(|v| v.trim().parse().ok()).ok_or_else(|| {
        ActError::BadValue("S7 (wait) needs `value`: a number of seconds, 0 < s <= 30".into())
    })?;
    if seconds > 0.0 && seconds <= 30.0 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(ActError::BadValue(format!(
            "S7 (wait): seconds must be within 0 < s <= 30, got {seconds}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_takes_seconds_within_0_and_30() {
        assert_eq!(
            wait_seconds(Some("1.5")).unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(wait_seconds(Some("30")).unwrap(), Duration::from_secs(30));
        for bad in [
            None,
            Some("0"),
            Some("-1"),
            Some("31"),
            Some("soon"),
            Some("NaN"),
        ] {
            assert!(wait_seconds(bad).is_err(), "{bad:?}");
        }
    }
}
