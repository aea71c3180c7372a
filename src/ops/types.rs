//! What the operations take and what they give back: requests already parsed into
//! domain values, and the observation every operation answers with.

use std::sync::Arc;

use crate::act::PageAction;
use crate::browser::{PageTab, Viewport};
use crate::domain::{
    Download, DownloadState, PageInfo, PageUrl, SessionId, SessionRecord, StartOptions,
};
use crate::perception::{ActionId, ActionSpace, Bounds};
use crate::scrape::{ScrapeOptions, ScrapedImage};

/// How an operation gets its session: an existing one, or a new one for the call.
#[derive(Debug, Clone)]
pub enum SessionChoice {
    Existing(SessionId),
    New(StartOptions),
}

/// The session an operation acts in, and what to do with it around the operation.
#[derive(Debug, Clone)]
pub struct Target {
    pub choice: SessionChoice,
    /// Keep the session open after the call; otherwise it is closed once answered.
    pub keep_alive: bool,
    /// Answer with a screenshot of the page.
    pub screenshot: bool,
    /// Draw each listed action's id at its box on that screenshot, and answer with the
    /// boxes (set-of-marks, for vision models).
    pub marks: bool,
    /// Answer with the session's tabs and the viewport's place on the page too.
    pub details: bool,
}

/// Observe the page.
#[derive(Debug, Clone)]
pub struct Observe {
    /// Go there first and wait until the page is ready.
    pub url: Option<PageUrl>,
    /// List at most this many element actions.
    pub max_actions: usize,
    /// Answer with what changed since the session's previous observation, when it observed
    /// the same page (see [`Observation::changes`]).
    pub diff: bool,
}

/// Scrape the page.
#[derive(Debug, Clone)]
pub struct Scrape {
    /// Go there first and wait until the page is ready.
    pub url: Option<PageUrl>,
    pub options: ScrapeOptions,
}

/// Take one action of the latest observation, a special one, or a page action.
#[derive(Debug, Clone)]
pub struct Step {
    pub action: StepAction,
    /// The text to type, the option to choose; a URL for `S1`, seconds for `S7`.
    pub value: Option<String>,
    /// Press Enter after entering the value.
    pub enter: bool,
    /// List at most this many element actions in the observation that follows.
    pub max_actions: usize,
    /// Answer with what changed since the session's previous observation, when the step
    /// left the page it observed (see [`Observation::changes`]).
    pub diff: bool,
}

/// What a step does.
#[derive(Debug, Clone)]
pub enum StepAction {
    /// An id of the latest observation (`B3`), or a special action (`S1`…`S8`).
    Id(ActionId),
    /// A page action that needs no id: a key, a scroll, the session's tabs.
    Page(PageAction),
    /// A checkbox, radio or switch of the latest observation, turned on or off (clicked
    /// only if it is not so already).
    Set { id: ActionId, on: bool },
}

impl From<ActionId> for StepAction {
    fn from(id: ActionId) -> Self {
        StepAction::Id(id)
    }
}

/// A page's content, as a scrape read it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageContent {
    pub markdown: String,
    /// The content's images, when they were asked for.
    pub images: Option<Vec<ScrapedImage>>,
    /// What the page declares about itself (JSON-LD, microdata, OpenGraph, meta), as
    /// `scrape::Scraped::structured` gives it.
    pub structured: serde_json::Value,
}

/// What every operation answers with: the session as it is after the call, the page,
/// and what the operation produced.
#[derive(Debug, Clone)]
pub struct Observation {
    pub session: SessionRecord,
    /// The page's URL and title.
    pub page: PageInfo,
    /// A base64 PNG of the viewport, when asked for (or after `S3`).
    pub screenshot: Option<String>,
    /// Filled by a scrape and by `S2`.
    pub content: Option<PageContent>,
    /// Filled by an observe and by a step.
    pub space: Option<Arc<ActionSpace>>,
    /// When a diff was asked for and the session's previous observation saw the same page
    /// (document and URL): the markdown of what changed since, which the agent reads in
    /// place of `space.markdown` (`perception::diff`).
    pub changes: Option<String>,
    /// Facts for the agent beyond the page's own description: a dialog that was accepted,
    /// a history move that had nowhere to go.
    pub notes: Vec<String>,
    /// The actions drawn on the screenshot, with their boxes, when marks were asked for.
    pub marks: Option<Vec<Mark>>,
    /// The downloads that ended since the session's last answer (those the operation
    /// caused, waited for), saved in the session's files.
    pub downloads: Vec<Download>,
    /// The session's tabs (oldest first) and the viewport's place, when asked for.
    pub details: Option<(Vec<PageTab>, Viewport)>,
}

/// One listed action as drawn on a marked screenshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub id: ActionId,
    pub bounds: Bounds,
}

impl Observation {
    /// The action space's description with the notes after it, as the agent reads it.
    pub fn description(&self) -> Option<String> {
        self.space.as_deref().map(|space| {
            let mut description = space.description.clone();
            for note in &self.notes {
                description.push(' ');
                description.push_str(note);
            }
            description
        })
    }
}

/// What the agent reads of a download: `Downloaded report.pdf (2048 bytes,
/// application/pdf); it is in the session's files.`
pub fn download_note(download: &Download) -> String {
    match download.state {
        DownloadState::Saved => format!(
            "Downloaded {} ({} bytes, {}); it is in the session's files.",
            download.name,
            download.size,
            super::media_type(&download.name)
        ),
        DownloadState::Canceled => format!("The download of {} was cancelled.", download.name),
        DownloadState::OverCap => format!(
            "The download of {} was not kept: the session's files would be over their cap.",
            download.name
        ),
    }
}

/// How many element actions an observation lists when the caller does not say.
pub const ACTION_LIMIT_DEFAULT: usize = 100;

/// A URL to navigate to, if one is given; the message names the argument `url`, as every
/// front end calls it.
pub fn page_url(url: Option<&str>) -> Result<Option<PageUrl>, String> {
    url.map(|url| url.parse().map_err(|e| format!("`url`: {e}")))
        .transpose()
}

/// How many element actions to list at most: `max_nb_actions` (default 100). Every usable
/// action up to that many is listed, so any `min_nb_actions` up to it is met; one above it
/// cannot be.
pub fn action_limit(min: Option<i64>, max: Option<i64>) -> Result<usize, String> {
    let max = match max {
        None => ACTION_LIMIT_DEFAULT as i64,
        Some(n @ 1..=10_000) => n,
        Some(other) => {
            return Err(format!(
                "`max_nb_actions` must be within 1..=10000, got {other}"
            ))
        }
    };
    match min {
        Some(min) if !(0..=max).contains(&min) => Err(format!(
            "`min_nb_actions` must be within 0..=max_nb_actions ({max}), got {min}"
        )),
        _ => Ok(max as usize),
    }
}
