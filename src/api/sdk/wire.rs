//! The Notte SDK 1.10's request and response models, as far as browserd serves them, and
//! their building from the operations room's values.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::error::ApiError;
use crate::api::extract::PublicOrigin;
use crate::api::routes::cdp::session_json;
use crate::api::wire::{iso_duration, time_text};
use crate::domain::{SessionRecord, SessionStatus};
use crate::ops::{Observation, Operations, PageTab, Viewport};
use crate::perception::{ActionKind, ActionSpace};

/// `POST /sessions/start`: the SDK sends only the fields its caller gave.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SdkStartRequest {
    /// Idle timeout in minutes (1–30).
    pub idle_timeout_minutes: Option<i64>,
    /// Not settable per session: browserd ends every session at the server's
    /// `--max-session-minutes`; a value other than that is refused.
    pub max_duration_minutes: Option<i64>,
    /// Must be `false`: browserd has no proxies.
    pub proxies: Option<Value>,
    /// Must be `false`: browserd does not solve captchas.
    pub solve_captchas: Option<bool>,
    /// `chromium` or `chrome` (both are Debian's Chromium).
    pub browser_type: Option<String>,
    /// Must be `true` (or absent): sessions are headless.
    pub headless: Option<bool>,
    /// A profile to start from (`{"id": …, "persist": true}` to save back into it).
    pub profile: Option<crate::api::wire::ProfileField>,
    /// Every other field the SDK knows (viewport, user agent, Chrome flags, an external
    /// CDP browser, extra headers, vaults, auth, stealth, ad blocking…) is refused.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub other: serde_json::Map<String, Value>,
}

/// A session, as the SDK's `SessionResponse` reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdkSessionResponse {
    pub session_id: String,
    pub idle_timeout_minutes: u8,
    pub max_duration_minutes: u32,
    pub created_at: String,
    pub last_accessed_at: String,
    pub closed_at: Option<String>,
    /// ISO 8601, from creation to now or to the end.
    pub duration: String,
    pub status: SessionStatus,
    /// `manual`, `idle_timeout`, `max_duration` or `error` once ended.
    pub close_reason: Option<&'static str>,
    pub error: Option<String>,
    pub proxies: bool,
    pub browser_type: &'static str,
    pub solve_captchas: bool,
    pub cdp_url: Option<String>,
    pub viewer_url: Option<String>,
    pub replay_url: Option<String>,
    pub last_url: Option<String>,
}

impl SdkSessionResponse {
    pub fn new(
        record: &SessionRecord,
        max_minutes: u32,
        origin: &PublicOrigin,
        operations: &Operations,
    ) -> Self {
        let links = session_json(record, origin, operations);
        Self {
            session_id: record.id.to_string(),
            idle_timeout_minutes: record.timeout.minutes(),
            max_duration_minutes: max_minutes,
            created_at: time_text(record.created_at),
            last_accessed_at: time_text(record.last_accessed_at),
            closed_at: record.ended_at.map(time_text),
            duration: iso_duration(record.duration(Utc::now())),
            status: record.status,
            close_reason: close_reason(record),
            error: record.error.clone(),
            proxies: false,
            browser_type: "chromium",
            solve_captchas: false,
            cdp_url: links.cdp_url,
            viewer_url: links.viewer_url,
            replay_url: links.replay_url,
            last_url: record.last_url.clone(),
        }
    }
}

fn close_reason(record: &SessionRecord) -> Option<&'static str> {
    match record.status {
        SessionStatus::Active => None,
        SessionStatus::Closed => Some("manual"),
        SessionStatus::Error => Some("error"),
        SessionStatus::TimedOut
            if record
                .error
                .as_deref()
                .is_some_and(|e| e.contains("maximum session lifetime")) =>
        {
            Some("max_duration")
        }
        SessionStatus::TimedOut => Some("idle_timeout"),
    }
}

/// `GET /sessions/{id}/debug`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdkDebugResponse {
    /// The live view (`viewer_url`).
    pub debug_url: String,
    pub ws: SdkDebugSockets,
    pub tabs: Vec<SdkDebugTab>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkDebugSockets {
    /// The session's CDP endpoint.
    pub cdp: String,
    /// The live view's socket: JPEG frames and the session's steps.
    pub recording: String,
    /// The same socket: its JSON messages are the session's log of steps.
    pub logs: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkDebugTab {
    pub metadata: SdkTab,
    pub debug_url: String,
    pub ws_url: String,
}

/// A tab, as the SDK's `TabsData` reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SdkTab {
    pub tab_id: usize,
    pub title: String,
    pub url: String,
}

pub fn tabs(tabs: &[PageTab]) -> Vec<SdkTab> {
    tabs.iter()
        .enumerate()
        .map(|(tab_id, tab)| SdkTab {
            tab_id,
            title: tab.title.clone(),
            url: tab.url.clone(),
        })
        .collect()
}

/// `POST /sessions/{id}/page/observe`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SdkObserveRequest {
    pub min_nb_actions: Option<i64>,
    pub max_nb_actions: Option<i64>,
    /// `fast` (browserd's only kind); `deep` is accepted as `fast`.
    pub perception_type: Option<String>,
    /// Refused: browserd does not filter actions with a language model.
    pub instructions: Option<String>,
    /// Refused: navigate with a `goto` action first.
    pub url: Option<String>,
}

/// `POST /sessions/{id}/page/scrape`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SdkScrapeRequest {
    /// Links are always written out in the markdown; `false` is read and has no effect.
    pub scrape_links: Option<bool>,
    pub scrape_images: Option<bool>,
    pub only_main_content: Option<bool>,
    /// Refused when `true`: links are written out.
    pub use_link_placeholders: Option<bool>,
    /// Refused (as `response_format`): browserd does not extract with a language model.
    pub instructions: Option<String>,
    pub response_format: Option<Value>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub other: serde_json::Map<String, Value>,
}

/// An observation, as the SDK's `Observation` reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdkObservation {
    pub started_at: String,
    pub ended_at: String,
    pub metadata: SdkMetadata,
    pub screenshot: SdkScreenshot,
    pub space: SdkSpace,
    pub element_states: Option<Value>,
    pub fingerprint: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkMetadata {
    pub title: String,
    pub url: String,
    pub timestamp: String,
    pub viewport: SdkViewport,
    pub tabs: Vec<SdkTab>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkViewport {
    pub scroll_x: i64,
    pub scroll_y: i64,
    pub viewport_width: i64,
    pub viewport_height: i64,
    pub total_width: i64,
    pub total_height: i64,
}

impl From<Viewport> for SdkViewport {
    fn from(viewport: Viewport) -> Self {
        Self {
            scroll_x: viewport.scroll_x,
            scroll_y: viewport.scroll_y,
            viewport_width: viewport.width,
            viewport_height: viewport.height,
            total_width: viewport.page_width,
            total_height: viewport.page_height,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkScreenshot {
    /// Base64 PNG of the viewport.
    pub raw: String,
    pub bboxes: Vec<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkSpace {
    pub description: String,
    pub category: Option<crate::domain::PageCategory>,
    /// The page's actions as typed interaction actions (`click`, `fill`,
    /// `select_dropdown_option`, `check`, `upload_file`), each with its id.
    #[schema(value_type = Vec<Object>)]
    pub interaction_actions: Vec<Value>,
    /// The numbered list as browserd's agents read it (`L1 Home` …).
    pub markdown: String,
}

/// The SDK's `ExecutionResultResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdkExecutionResult {
    pub started_at: String,
    pub ended_at: String,
    /// The action as it was sent.
    #[schema(value_type = Object)]
    pub action: Value,
    pub success: bool,
    pub message: String,
    pub data: Option<SdkData>,
    pub exception: Option<Value>,
}

/// The SDK's `DataSpace`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdkData {
    pub markdown: Option<String>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub images: Option<Vec<Value>>,
    pub structured: Option<Value>,
}

/// The observation's parts the SDK reads.
pub fn observation(observation: &Observation, started_at: String) -> SdkObservation {
    let (tabs_seen, viewport) = observation.details.clone().unwrap_or_default();
    SdkObservation {
        started_at,
        ended_at: time_text(Utc::now()),
        metadata: SdkMetadata {
            title: observation.page.title.clone(),
            url: observation.page.url.clone(),
            timestamp: time_text(Utc::now()),
            viewport: viewport.into(),
            tabs: tabs(&tabs_seen),
        },
        screenshot: SdkScreenshot {
            raw: observation.screenshot.clone().unwrap_or_default(),
            bboxes: Vec::new(),
        },
        space: space(observation),
        element_states: None,
        fingerprint: None,
    }
}

fn space(observation: &Observation) -> SdkSpace {
    let Some(space) = observation.space.as_deref() else {
        return SdkSpace {
            description: String::new(),
            category: None,
            interaction_actions: Vec::new(),
            markdown: String::new(),
        };
    };
    SdkSpace {
        description: observation.description().unwrap_or_default(),
        category: space.category,
        interaction_actions: interaction_actions(space),
        markdown: space.markdown.clone(),
    }
}

/// Each listed action as the SDK's typed interaction action.
fn interaction_actions(space: &ActionSpace) -> Vec<Value> {
    space
        .actions
        .iter()
        .map(|action| {
            let mut typed = serde_json::json!({
                "id": action.id.to_string(),
                "category": if action.category.is_empty() { "Interaction Actions" } else { &action.category },
                "description": action.description,
            });
            if action.kind == ActionKind::Upload {
                typed["type"] = Value::String("upload_file".into());
                typed["file_path"] = Value::String(String::new());
                return typed;
            }
            let (kind, value) = match (action.kind, action.checked()) {
                (ActionKind::Toggle, Some(on)) => ("check", Value::Bool(on)),
                (ActionKind::Choose, _) => ("select_dropdown_option", Value::String(String::new())),
                (ActionKind::Type | ActionKind::SetValue, _) => {
                    ("fill", Value::String(String::new()))
                }
                _ => ("click", Value::Null),
            };
            typed["type"] = Value::String(kind.into());
            if !value.is_null() {
                typed["value"] = value;
            }
            typed
        })
        .collect()
}

/// Refuses a field browserd has no capability behind, naming it and why.
pub fn unsupported(field: &str, why: &str) -> ApiError {
    ApiError::Unprocessable(format!("`{field}` is not supported by browserd: {why}"))
}
