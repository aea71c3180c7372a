//! The wire types of `API.md` (the Notte v1.2 format) and their parsing into domain
//! values.
//!
//! Requests are deserialised loosely typed (every field optional) and then parsed into
//! domain types here, so a wrong value gets a message that names the field and what is
//! allowed, and the core never re-checks.
//!
//! These types are also the source of the OpenAPI document (`ToSchema`, `IntoParams`):
//! the defaults and ranges written on a field are the ones its parser enforces.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, ToSchema};

mod files;

pub use files::*;

use super::error::ApiError;
use crate::domain::{
    ImageCategory, PageCategory, PageUrl, SessionId, SessionRecord, SessionStatus, SessionTimeout,
    StartOptions, StepRecord,
};
use crate::ops::{self, SessionChoice, Target};
use crate::perception::ActionId;

/// The session fields every `/env/*` body accepts.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SessionFields {
    /// The session to act in. Null: a new session is created for this call (and closed
    /// after it unless `keep_alive`). An id this key does not own is `404`.
    #[serde(default)]
    #[schema(format = "uuid")]
    pub session_id: Option<String>,
    /// True: the session stays open after the call. False: the call closes it when it
    /// completes.
    #[serde(default)]
    #[schema(default = false)]
    pub keep_alive: Option<bool>,
    /// Idle timeout in minutes of a session this call creates (ignored with a
    /// `session_id`).
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 30, default = 5)]
    pub session_timeout_minutes: Option<i64>,
    /// Include a base64 PNG screenshot of the page in the response.
    #[serde(default)]
    pub screenshot: Option<bool>,
    /// A screenshot with each listed action's id drawn at its box (set-of-marks, for
    /// vision models), and the boxes in `marks`. Implies `screenshot`.
    #[serde(default)]
    pub screenshot_marks: Option<bool>,
}

/// The body of `/session/start`: the session fields, without a session id.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct StartRequest {
    /// Must be absent or null: a start creates the session (any value is `400`).
    #[serde(default)]
    #[schema(schema_with = null_only)]
    pub session_id: Option<String>,
    /// True: the session ignores its idle timeout and lives until the server's maximum
    /// session lifetime.
    #[serde(default)]
    #[schema(default = false)]
    pub keep_alive: Option<bool>,
    /// Idle timeout in minutes: the session times out when now > `last_accessed_at` +
    /// timeout.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 30, default = 5)]
    pub session_timeout_minutes: Option<i64>,
    /// Include a base64 PNG screenshot of the blank page in the response.
    #[serde(default)]
    pub screenshot: Option<bool>,
    /// Start from a profile: its cookies and local storage (see `/profiles`).
    #[serde(default)]
    pub profile: Option<files::ProfileField>,
}

/// An integer field that also takes a whole number written as a float (`5.0`): JSON
/// Schema's `integer` is any whole number, and some clients write one so.
fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let whole = number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|float| float.fract() == 0.0 && float.abs() < 1e15)
            .map(|float| float as i64)
    });
    whole
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected an integer, got {number}")))
}

/// The schema of a field whose only valid value is null.
fn null_only() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Null)
        .description(Some("Must be absent or null."))
        .into()
}

/// `/session/start`'s query parameters (a body's values win over these). A
/// `session_id` here is `400`, as in the body.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    #[param(ignore)]
    pub session_id: Option<String>,
    /// True: the session ignores its idle timeout and lives until the server's maximum
    /// session lifetime.
    #[param(default = false)]
    pub keep_alive: Option<bool>,
    /// Idle timeout in minutes (used when the body does not give
    /// `session_timeout_minutes`). Default 10 with no body, 5 with one.
    #[param(minimum = 1, maximum = 30, default = 10)]
    pub session_timeout: Option<i64>,
    /// Include a base64 PNG screenshot of the blank page in the response.
    pub screenshot: Option<bool>,
}

const NO_ID_ON_START: &str = "an existing session cannot provide a session ID during creation; use /env/observe to interact with it";

fn parse_timeout(minutes: i64, field: &str) -> Result<SessionTimeout, ApiError> {
    SessionTimeout::try_from(minutes).map_err(|e| ApiError::BadRequest(format!("`{field}`: {e}")))
}

/// Merges the query and the body of a start (the body wins) into start options. The
/// default timeout is the body's (5) when a body was sent, else the query's (10).
pub fn start_options(
    query: StartQuery,
    body: Option<StartRequest>,
) -> Result<StartOptions, ApiError> {
    let default_timeout = if body.is_some() {
        SessionTimeout::BODY_DEFAULT
    } else {
        SessionTimeout::QUERY_DEFAULT
    };
    let body = body.unwrap_or_default();
    if query.session_id.is_some() || body.session_id.is_some() {
        return Err(ApiError::BadRequest(NO_ID_ON_START.into()));
    }
    // Both are checked, even the one that does not count: a bad value is never ignored.
    let from_query = query
        .session_timeout
        .map(|minutes| parse_timeout(minutes, "session_timeout"))
        .transpose()?;
    let from_body = body
        .session_timeout_minutes
        .map(|minutes| parse_timeout(minutes, "session_timeout_minutes"))
        .transpose()?;
    let timeout = from_body.or(from_query).unwrap_or(default_timeout);
    Ok(StartOptions {
        timeout,
        keep_alive: body.keep_alive.or(query.keep_alive).unwrap_or(false),
        screenshot: body.screenshot.or(query.screenshot).unwrap_or(false),
        profile: body
            .profile
            .as_ref()
            .map(files::ProfileField::parse)
            .transpose()?,
    })
}

/// A session id from a body or a path. An id that is not even a UUID names no session.
pub fn session_id(text: &str) -> Result<SessionId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("no session {text} for this API key")))
}

/// The body of `/session/close`. Other session fields are accepted and ignored: close
/// closes whatever `keep_alive` says.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CloseRequest {
    /// The session to close.
    #[serde(default)]
    #[schema(required = true, value_type = String, format = "uuid")]
    pub session_id: Option<String>,
}

impl CloseRequest {
    pub fn session_id(&self) -> Result<SessionId, ApiError> {
        match &self.session_id {
            Some(id) => session_id(id),
            None => Err(ApiError::BadRequest(
                "`session_id` is required: the session to close".into(),
            )),
        }
    }
}

/// `GET /sessions` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only the sessions with this status.
    #[param(value_type = Option<SessionStatus>)]
    pub status: Option<String>,
    /// At most this many sessions, newest first.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u32>,
    /// The Notte SDK's filter: `true` (or `True`) for the active sessions only.
    pub only_active: Option<String>,
    /// The Notte SDK's page size (as `limit`).
    #[param(minimum = 1, maximum = 1000)]
    pub page_size: Option<u32>,
    /// The Notte SDK's page, from 1.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    pub page: Option<u32>,
    /// The Notte SDK's internal runs, which browserd does not have: read and ignored.
    pub include_system: Option<String>,
}

impl ListQuery {
    pub const DEFAULT_LIMIT: u32 = 100;
    pub const MAX_LIMIT: u32 = 1000;

    pub fn status(&self) -> Result<Option<SessionStatus>, ApiError> {
        match self.only_active.as_deref() {
            None | Some("false") | Some("False") => {}
            Some("true") | Some("True") => return Ok(Some(SessionStatus::Active)),
            Some(other) => {
                return Err(ApiError::BadRequest(format!(
                    "`only_active` is `true` or `false`; got {other:?}"
                )))
            }
        }
        self.status
            .as_deref()
            .map(|s| {
                s.parse()
                    .map_err(|e| ApiError::BadRequest(format!("`status`: {e}")))
            })
            .transpose()
    }

    /// How many sessions to skip (the SDK's pages before `page`).
    pub fn offset(&self) -> Result<u32, ApiError> {
        match self.page {
            None | Some(1) => Ok(0),
            Some(0) => Err(ApiError::BadRequest("`page` counts from 1".into())),
            Some(page) => Ok((page - 1).saturating_mul(self.limit()?)),
        }
    }

    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit.or(self.page_size) {
            None => Ok(Self::DEFAULT_LIMIT),
            Some(limit @ 1..=Self::MAX_LIMIT) => Ok(limit),
            Some(other) => Err(ApiError::BadRequest(format!(
                "`limit` must be within 1..=1000, got {other}"
            ))),
        }
    }
}

/// The session object.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    #[schema(format = "uuid")]
    pub session_id: String,
    /// Idle timeout in minutes.
    #[schema(minimum = 1, maximum = 30)]
    pub timeout_minutes: u8,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_accessed_at: String,
    /// From creation to now, or to the end for an ended session (ISO 8601).
    #[schema(
        pattern = r"^PT([0-9]+H)?([0-9]+M)?[0-9]+(\.[0-9]+)?S$",
        example = "PT3.2S"
    )]
    pub duration: String,
    pub status: SessionStatus,
    /// Why the session ended, when it did not end by a close.
    #[schema(required = true)]
    pub error: Option<String>,
    /// Base64 PNG of the page, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(content_encoding = "base64", content_media_type = "image/png")]
    pub screenshot: Option<String>,
    /// The session's CDP endpoint, while it is active: a WebSocket for Playwright's
    /// `connectOverCDP`, Puppeteer's `connect` and other DevTools clients. Its token opens
    /// this session only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub cdp_url: Option<String>,
    /// A page that shows the session live, while it is active: its page as it changes,
    /// its tabs and the agent's steps. Add `&control=1` to take over with mouse and keys.
    /// Its token opens this session only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub viewer_url: Option<String>,
    /// A page of the session's steps with a picture after each (`Accept:
    /// application/json` or `&format=json` for JSON), live or ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub replay_url: Option<String>,
    /// Where the session's latest step left its page; null before its first step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_url: Option<String>,
}

impl SessionResponse {
    pub fn new(record: &SessionRecord, now: DateTime<Utc>) -> Self {
        Self {
            session_id: record.id.to_string(),
            timeout_minutes: record.timeout.minutes(),
            created_at: time_text(record.created_at),
            last_accessed_at: time_text(record.last_accessed_at),
            duration: iso_duration(record.duration(now)),
            status: record.status,
            error: record.error.clone(),
            screenshot: None,
            cdp_url: None,
            viewer_url: None,
            replay_url: None,
            last_url: record.last_url.clone(),
        }
    }
}

pub fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, false)
}

/// An ISO 8601 duration such as `PT1H2M3.5S`, never with an exponent.
pub fn iso_duration(duration: chrono::Duration) -> String {
    let micros = duration.num_microseconds().unwrap_or(i64::MAX).max(0);
    let (whole_seconds, fraction) = (micros / 1_000_000, micros % 1_000_000);
    let (hours, minutes, seconds) = (
        whole_seconds / 3600,
        whole_seconds / 60 % 60,
        whole_seconds % 60,
    );
    let mut text = String::from("PT");
    if hours > 0 {
        text.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        text.push_str(&format!("{minutes}M"));
    }
    if fraction == 0 {
        text.push_str(&format!("{seconds}S"));
    } else {
        let digits = format!("{fraction:06}");
        text.push_str(&format!("{seconds}.{}S", digits.trim_end_matches('0')));
    }
    text
}

/// `/env/observe`'s body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ObserveRequest {
    #[serde(flatten)]
    pub session: SessionFields,
    /// Navigate there first (`http:`, `https:` or `about:blank`; other schemes are
    /// `400`, a page that cannot be loaded is `502`). Null: observe the current page.
    #[serde(default)]
    #[schema(example = "about:blank")]
    pub url: Option<String>,
    /// Accepted and checked (0..=`max_nb_actions`): every usable action up to the cap is
    /// always listed.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 0, maximum = 10000)]
    pub min_nb_actions: Option<i64>,
    /// List at most this many element actions.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 10000, default = 100)]
    pub max_nb_actions: Option<i64>,
    /// True: `space.markdown` says only what changed (actions added, removed, changed)
    /// since the session's previous observation of this page; whole after a page change.
    #[serde(default)]
    #[schema(default = false)]
    pub diff: Option<bool>,
}

/// `/env/scrape`'s body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScrapeRequest {
    #[serde(flatten)]
    pub session: SessionFields,
    /// Navigate there first (`http:`, `https:` or `about:blank`). Null: scrape the
    /// current page.
    #[serde(default)]
    #[schema(example = "about:blank")]
    pub url: Option<String>,
    /// Also list the content's images in `data.images`.
    #[serde(default)]
    #[schema(default = false)]
    pub scrape_images: Option<bool>,
    /// Leave out navigation, headers, footers and ads.
    #[serde(default)]
    #[schema(default = true)]
    pub only_main_content: Option<bool>,
    /// Accepted and checked as on `/env/observe`; a scrape lists no actions.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 0, maximum = 10000)]
    pub min_nb_actions: Option<i64>,
    /// Accepted and checked as on `/env/observe`.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 10000, default = 100)]
    pub max_nb_actions: Option<i64>,
}

/// `/env/step`'s body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StepRequest {
    #[serde(flatten)]
    pub session: SessionFields,
    /// An id of the session's observations of the page it is on (`L3`, `B1`, `I2`: an
    /// element keeps its id while it exists), or a special action `S1`…`S8`. Required; an
    /// id no observation of this page listed is `400`, one whose element is gone `409`.
    #[serde(default)]
    #[schema(
        required = true,
        value_type = String,
        pattern = r"^[ \t\n\f\r]*([LBI][1-9][0-9]{0,8}|S[1-8])[ \t\n\f\r]*$",
        example = "S6"
    )]
    pub action_id: Option<String>,
    /// The text to type, the option to choose, the URL for `S1`, the seconds for `S7`
    /// (0 < s ≤ 30).
    #[serde(default)]
    pub value: Option<String>,
    /// Press Enter after typing.
    #[serde(default)]
    #[schema(default = false)]
    pub enter: Option<bool>,
    /// Checked as on `/env/observe`, for the observation that follows the step.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 0, maximum = 10000)]
    pub min_nb_actions: Option<i64>,
    /// List at most this many element actions in the observation that follows the step.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 10000, default = 100)]
    pub max_nb_actions: Option<i64>,
    /// As on `/env/observe`, for the observation that follows the step.
    #[serde(default)]
    #[schema(default = false)]
    pub diff: Option<bool>,
}

impl StepRequest {
    pub fn action_id(&self) -> Result<ActionId, ApiError> {
        let text = self.action_id.as_deref().ok_or_else(|| {
            ApiError::BadRequest("`action_id` is required, e.g. \"L3\", \"I1\" or \"S1\"".into())
        })?;
        text.trim_ascii()
            .parse()
            .map_err(|e| ApiError::BadRequest(format!("`action_id`: {e}")))
    }
}

/// One step of a session's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepResponse {
    /// 1 for the session's first step.
    #[schema(minimum = 1)]
    pub seq: u32,
    #[schema(format = DateTime)]
    pub at: String,
    pub action_id: String,
    /// The description of the element acted on (null for special actions).
    #[schema(required = true)]
    pub element: Option<String>,
    /// The value given, `********` for password, card-number and one-time-code fields.
    #[schema(required = true)]
    pub value: Option<String>,
    #[schema(required = true)]
    pub url_before: Option<String>,
    #[schema(required = true)]
    pub url_after: Option<String>,
    /// `ok`, `rejected`, `conflict`, `navigation_failed` or `browser_error`.
    #[schema(example = "ok")]
    pub outcome: String,
    /// What went wrong, when the outcome is not `ok`.
    #[schema(required = true)]
    pub error: Option<String>,
    #[schema(
        pattern = r"^PT([0-9]+H)?([0-9]+M)?[0-9]+(\.[0-9]+)?S$",
        example = "PT0.078S"
    )]
    pub duration: String,
}

impl StepResponse {
    pub fn new(step: &StepRecord) -> Self {
        Self {
            seq: step.seq,
            at: time_text(step.at),
            action_id: step.action_id.clone(),
            element: step.element.clone(),
            value: step.value.clone(),
            url_before: step.url_before.clone(),
            url_after: step.url_after.clone(),
            outcome: step.outcome.clone(),
            error: step.error.clone(),
            duration: iso_duration(chrono::Duration::milliseconds(step.duration_ms as i64)),
        }
    }
}

/// The session part of an `/env/*` body, as the operations take it.
pub fn target(fields: &SessionFields) -> Result<Target, ApiError> {
    let keep_alive = fields.keep_alive.unwrap_or(false);
    let marks = fields.screenshot_marks.unwrap_or(false);
    let screenshot = fields.screenshot.unwrap_or(false) || marks;
    let timeout = match fields.session_timeout_minutes {
        Some(minutes) => parse_timeout(minutes, "session_timeout_minutes")?,
        None => SessionTimeout::BODY_DEFAULT,
    };
    let choice = match &fields.session_id {
        Some(id) => SessionChoice::Existing(session_id(id)?),
        None => SessionChoice::New(StartOptions {
            timeout,
            keep_alive,
            screenshot: false,
            profile: None,
        }),
    };
    Ok(Target {
        choice,
        keep_alive,
        screenshot,
        marks,
        details: false,
    })
}

/// A URL to navigate to, if one is given.
pub fn page_url(url: Option<&str>) -> Result<Option<PageUrl>, ApiError> {
    ops::page_url(url).map_err(ApiError::BadRequest)
}

/// How many element actions to list at most (see [`ops::action_limit`]).
pub fn action_limit(min: Option<i64>, max: Option<i64>) -> Result<usize, ApiError> {
    ops::action_limit(min, max).map_err(ApiError::BadRequest)
}

/// The page observed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Metadata {
    /// The page's title; `""` for an untitled page.
    pub title: String,
    pub url: String,
    #[schema(format = DateTime)]
    pub timestamp: String,
}

/// A page's content.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataResponse {
    /// The main content (or the whole visible page) as markdown.
    #[schema(required = true)]
    pub markdown: Option<String>,
    /// The content's images, when `scrape_images` was asked for.
    #[schema(required = true)]
    pub images: Option<Vec<ImageResponse>>,
    /// What the page declares about itself, as one object in the list: `json_ld` (every
    /// JSON-LD block), `microdata` (its items, as the WHATWG microdata-to-JSON algorithm
    /// gives them), `opengraph` (`og:`, `article:`, `product:`, `twitter:`… keys) and
    /// `meta` (title, description, author, canonical, language, dates…). Read from the
    /// whole page, whatever `only_main_content` says; each part is empty when the page
    /// declares nothing of it.
    #[schema(required = true, value_type = Option<Vec<Object>>)]
    pub structured: Option<Vec<serde_json::Value>>,
}

/// One image of the scraped content (`F1`, `F2`, …; not actionable).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageResponse {
    #[schema(example = "F1")]
    pub id: String,
    pub url: String,
    pub category: ImageCategory,
}

/// The one parameter of an input action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParamResponse {
    pub name: String,
    /// The parameter's type, e.g. `string`.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(required = true)]
    pub default: Option<String>,
    /// For a choice: the values allowed.
    pub values: Vec<String>,
}

/// Whether an action can be taken. The Notte format also knows `failed` and `excluded`;
/// browserd lists only actions a person could take now, so every one is `valid`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Valid,
}

/// One action of the page, by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionResponse {
    #[schema(example = "L1")]
    pub id: String,
    pub description: String,
    pub category: String,
    /// Exactly one for an input (`I`) action; none for the others.
    pub params: Vec<ParamResponse>,
    pub status: ActionStatus,
}

/// What can be done on the page.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceResponse {
    /// One paragraph: what this page is and what can be done on it.
    pub description: String,
    #[schema(required = true)]
    pub category: Option<PageCategory>,
    /// The action list as the agent should read it (with `diff`, what changed).
    pub markdown: String,
    /// True when `markdown` lists only what changed since the previous observation.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub diff: bool,
    /// The element actions (`L`, `B`, `I`), at most `max_nb_actions`.
    pub actions: Vec<ActionResponse>,
    /// `S1`…`S8`, always all eight.
    pub special_actions: Vec<ActionResponse>,
}

/// An observation: what `/env/*` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObserveResponse {
    pub session: SessionResponse,
    pub metadata: Metadata,
    /// Base64 PNG of the page, when asked for (or after `S3`).
    #[schema(
        required = true,
        content_encoding = "base64",
        content_media_type = "image/png"
    )]
    pub screenshot: Option<String>,
    /// The page's content: filled by `/env/scrape` and `S2`.
    #[schema(required = true)]
    pub data: Option<DataResponse>,
    /// The actions: filled by `/env/observe` and `/env/step`.
    #[schema(required = true)]
    pub space: Option<SpaceResponse>,
    /// With `screenshot_marks`: the actions drawn on the screenshot (those in view), each
    /// with its box in CSS pixels of the viewport (the screenshot's pixels at a device
    /// scale of 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marks: Option<Vec<MarkResponse>>,
    /// The downloads that ended since the session's last answer (those this call caused
    /// were waited for), in the session's files (`GET /session/{id}/files`). Absent when
    /// there were none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub downloads: Vec<DownloadResponse>,
}

/// One action as drawn on a marked screenshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkResponse {
    #[schema(example = "L3")]
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(value_type = String, example = "ok")]
    pub status: &'static str,
    /// Sessions active on this server now.
    pub active_sessions: usize,
    /// browserd's version.
    #[schema(value_type = String)]
    pub version: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_iso_8601_without_exponents() {
        assert_eq!(
            iso_duration(chrono::Duration::microseconds(13)),
            "PT0.000013S"
        );
        assert_eq!(iso_duration(chrono::Duration::milliseconds(3200)), "PT3.2S");
        assert_eq!(iso_duration(chrono::Duration::seconds(3723)), "PT1H2M3S");
        assert_eq!(iso_duration(chrono::Duration::zero()), "PT0S");
        assert_eq!(iso_duration(chrono::Duration::seconds(-5)), "PT0S");
    }

    #[test]
    fn start_defaults_depend_on_where_parameters_come_from() {
        let from_body =
            start_options(StartQuery::default(), Some(StartRequest::default())).unwrap();
        assert_eq!(from_body.timeout, SessionTimeout::BODY_DEFAULT);
        let query = StartQuery {
            keep_alive: Some(true),
            ..StartQuery::default()
        };
        let from_query = start_options(query, None).unwrap();
        assert_eq!(from_query.timeout, SessionTimeout::QUERY_DEFAULT);
        assert!(from_query.keep_alive);
    }

    #[test]
    fn the_body_wins_over_the_query() {
        let query = StartQuery {
            session_timeout: Some(20),
            keep_alive: Some(true),
            ..StartQuery::default()
        };
        let body = StartRequest {
            session_timeout_minutes: Some(7),
            keep_alive: Some(false),
            ..StartRequest::default()
        };
        let options = start_options(query, Some(body)).unwrap();
        assert_eq!(options.timeout.minutes(), 7);
        assert!(!options.keep_alive);
    }

    #[test]
    fn a_bad_query_timeout_is_refused_even_when_the_body_gives_one() {
        let query = StartQuery {
            session_timeout: Some(0),
            ..StartQuery::default()
        };
        let body = StartRequest {
            session_timeout_minutes: Some(5),
            ..StartRequest::default()
        };
        assert!(matches!(
            start_options(query, Some(body)),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn integer_fields_take_whole_floats_and_nothing_else() {
        let parse = |text: &str| serde_json::from_str::<ObserveRequest>(text);
        let request = parse(r#"{"max_nb_actions": 50.0, "session_timeout_minutes": 7}"#).unwrap();
        assert_eq!(request.max_nb_actions, Some(50));
        assert_eq!(request.session.session_timeout_minutes, Some(7));
        assert_eq!(
            parse(r#"{"max_nb_actions": null}"#).unwrap().max_nb_actions,
            None
        );
        assert!(parse(r#"{"max_nb_actions": 50.5}"#).is_err());
        assert!(parse(r#"{"max_nb_actions": "50"}"#).is_err());
        assert!(parse(r#"{"session_timeout_minutes": 1e300}"#).is_err());
    }

    #[test]
    fn action_ids_may_carry_ascii_spaces_around_them() {
        let step = |id: &str| StepRequest {
            session: SessionFields::default(),
            action_id: Some(id.into()),
            value: None,
            enter: None,
            min_nb_actions: None,
            max_nb_actions: None,
            diff: None,
        };
        assert_eq!(step(" S6\t").action_id().unwrap().to_string(), "S6");
        assert!(step("S9").action_id().is_err());
        assert!(step("L0").action_id().is_err());
        assert!(step("\u{a0}S6").action_id().is_err());
    }

    #[test]
    fn a_session_id_on_start_is_refused_wherever_it_comes() {
        let query = StartQuery {
            session_id: Some("x".into()),
            ..StartQuery::default()
        };
        assert!(matches!(
            start_options(query, None),
            Err(ApiError::BadRequest(_))
        ));
        let body = StartRequest {
            session_id: Some("x".into()),
            ..StartRequest::default()
        };
        assert!(matches!(
            start_options(StartQuery::default(), Some(body)),
            Err(ApiError::BadRequest(_))
        ));
    }
}
