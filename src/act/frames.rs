//! Pages made of several origins' documents: taking one snapshot across all of them, and
//! turning a point of a frame into a point of the top viewport.
//!
//! Our world in the top document reads every frame of its own origin; a frame of another
//! origin is read by a world of its own, found through its `<iframe>` element, and its
//! snapshot is spliced into its parent's by perception ([`PageSnapshot::embed`]). Owns the
//! walk over those worlds; the scripts are the page side's (`crate::injected`), the CDP is the tab's.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use futures_util::future::join_all;

use serde::Deserialize;
use serde_json::json;

use super::FreshRead;
use crate::browser::{BrowserError, Tab};
use crate::injected::{COLLECT, FRAME_ELEMENT, FRAME_POINT};
use crate::perception::{FrameHop, PageSnapshot};

/// Frames of other origins read in one snapshot, at most; more are reported unread.
const MAX_FRAMES: usize = 20;
/// Frames of other origins inside frames of other origins, at most this deep.
const MAX_DEPTH: usize = 3;
/// Where Chromium puts the error page of a document that failed to load.
const BROWSER_ERROR_PAGE: &str = "chrome-error:";

/// The page as perception sees it: the top document and every frame in it that is shown,
/// starting from `fresh` when an action just read the top document. A page that navigates
/// while it is read (a late redirect) is read again once settled.
pub async fn snapshot(tab: &Tab, fresh: Option<FreshRead>) -> Result<PageSnapshot, BrowserError> {
    let budget = AtomicUsize::new(MAX_FRAMES);
    match collect(tab, None, fresh.map(|read| read.0), 0, &budget).await {
        Err(BrowserError::Protocol(_)) => {
            tab.settle_after_input(None).await?;
            let budget = AtomicUsize::new(MAX_FRAMES);
            collect(tab, None, None, 0, &budget).await
        }
        other => other,
    }
}

/// The snapshot of `frame`'s world (the top one for `None`; `read` when it was read
/// already), with the frames it could not read read in their own worlds and spliced in.
///
/// The frames of one document are read at once: each costs a few round trips to find its
/// document, and a bench page with two frames (whose documents failed to load) spent 9 ms
/// of every step on them one after the other. `budget` is shared by the whole snapshot:
/// which frames go unread past [`MAX_FRAMES`] depends on which ask first.
fn collect<'a>(
    tab: &'a Tab,
    frame: Option<&'a str>,
    read: Option<serde_json::Value>,
    depth: usize,
    budget: &'a AtomicUsize,
) -> Pin<Box<dyn Future<Output = Result<PageSnapshot, BrowserError>> + Send + 'a>> {
    Box::pin(async move {
        let raw = match read {
            Some(raw) => raw,
            None => tab.run_in(frame, &COLLECT, &[]).await?,
        };
        let mut snapshot = PageSnapshot::from_json(raw.as_str().unwrap_or_default())
            .map_err(|e| BrowserError::Protocol(format!("page snapshot: {e}")))?;
        if depth >= MAX_DEPTH {
            return Ok(snapshot);
        }
        let unread = snapshot.unread_frames().into_iter().take_while(|_| {
            budget
                .fetch_update(Relaxed, Relaxed, |left| left.checked_sub(1))
                .is_ok()
        });
        let children = join_all(unread.map(|(slot, owner)| async move {
            let child = child_snapshot(tab, frame, owner, depth, budget).await?;
            Ok::<_, BrowserError>(child.map(|(frame_id, inner)| (slot, frame_id, inner)))
        }))
        .await;
        for child in children {
            if let Some((slot, frame_id, inner)) = child? {
                snapshot.embed(slot, &frame_id, inner);
            }
        }
        Ok(snapshot)
    })
}

/// The frame held by `<iframe>` number `owner` of `frame`'s world, with its snapshot taken
/// in its own world; `None` (it stays reported as unread) when it went away, never got a
/// document, or failed to load.
async fn child_snapshot(
    tab: &Tab,
    frame: Option<&str>,
    owner: u32,
    depth: usize,
    budget: &AtomicUsize,
) -> Result<Option<(String, PageSnapshot)>, BrowserError> {
    let child = match tab
        .frame_owned_by(frame, &FRAME_ELEMENT, &[json!(owner)])
        .await
    {
        Ok(Some(child)) => child,
        Ok(None) | Err(BrowserError::Protocol(_)) => return Ok(None),
        Err(other) => return Err(other),
    };
    // A frame that failed to load shows the browser's error page: nothing of the page's
    // to read, and reading it cost a step 4 to 12 ms.
    if tab
        .frame_url(&child)
        .await?
        .is_some_and(|url| url.starts_with(BROWSER_ERROR_PAGE))
    {
        return Ok(None);
    }
    match collect(tab, Some(&child), None, depth + 1, budget).await {
        Ok(inner) => Ok(Some((child, inner))),
        Err(BrowserError::Protocol(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Where a point of a frame lies in the viewport of the world that found the frame.
#[derive(Debug, Deserialize)]
pub(super) struct FramePoint {
    pub status: String,
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
    #[serde(default)]
    pub covered_by: Option<String>,
}

/// The point `(x, y)` of the innermost frame of `world` in the top viewport, scrolling
/// each document on the way so that it is in view; a status other than `ok` says why there
/// is no such point (`gone`, `covered`).
pub(super) async fn to_top(
    tab: &Tab,
    world: &[FrameHop],
    x: f64,
    y: f64,
) -> Result<FramePoint, BrowserError> {
    let mut point = FramePoint {
        status: "ok".into(),
        x,
        y,
        covered_by: None,
    };
    for (i, hop) in world.iter().enumerate().rev() {
        let parent = i.checked_sub(1).map(|p| world[p].frame_id.as_str());
        let value = tab
            .run_in(
                parent,
                &FRAME_POINT,
                &[json!(hop.owner), json!(point.x), json!(point.y)],
            )
            .await?;
        point = serde_json::from_value(value)
            .map_err(|e| BrowserError::Protocol(format!("frame point: {e}")))?;
        if point.status != "ok" {
            break;
        }
    }
    Ok(point)
}

/// The frame whose world holds an element reached through `world` (`None`: the top's).
pub(super) fn innermost(world: &[FrameHop]) -> Option<&str> {
    world.last().map(|hop| hop.frame_id.as_str())
}
