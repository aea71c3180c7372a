//! The wire types of `API.md` (the Notte v1.2 format) and their parsing into domain
//! values.
//!
//! Requests are deserialised loosely typed (every field optional) and then parsed into
//! domain types here, so a wrong value gets a message that names the field and what is
//! allowed, and the core never re-checks.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use crate::page_url::PageUrl;
use crate::perception::ActionId;
use crate::session::{SessionId, SessionRecord, SessionStatus, SessionTimeout, StartOptions};
use crate::store::StepRecord;

/// The session fields every POST body accepts.
#[derive(Debug, Default, Deserialize)]
pub struct SessionFields {
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub keep_alive: Option<bool>,
    #[serde(default)]
    pub session_timeout_minutes: Option<i64>,
    #[serde(default)]
    pub screenshot: Option<bool>,
}

/// `/session/start`'s query parameters.
#[derive(Debug, Default, Deserialize)]
pub struct StartQuery {
    pub session_id: Option<String>,
    pub keep_alive: Option<bool>,
    pub session_timeout: Option<i64>,
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
    body: Option<SessionFields>,
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
    let timeout = match (body.session_timeout_minutes, query.session_timeout) {
        (Some(minutes), _) => parse_timeout(minutes, "session_timeout_minutes")?,
        (None, Some(minutes)) => parse_timeout(minutes, "session_timeout")?,
        (None, None) => default_timeout,
    };
    Ok(StartOptions {
        timeout,
        keep_alive: body.keep_alive.or(query.keep_alive).unwrap_or(false),
        screenshot: body.screenshot.or(query.screenshot).unwrap_or(false),
    })
}

/// A session id from a body or a path. An id that is not even a UUID names no session.
pub fn session_id(text: &str) -> Result<SessionId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("no session {text} for this API key")))
}

/// The body of `/session/close`.
#[derive(Debug, Deserialize)]
pub struct CloseRequest {
    #[serde(default)]
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
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub limit: Option<u32>,
}

impl ListQuery {
    pub const DEFAULT_LIMIT: u32 = 100;
    pub const MAX_LIMIT: u32 = 1000;

    pub fn status(&self) -> Result<Option<SessionStatus>, ApiError> {
        self.status
            .as_deref()
            .map(|s| {
                s.parse()
                    .map_err(|e| ApiError::BadRequest(format!("`status`: {e}")))
            })
            .transpose()
    }

    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(Self::DEFAULT_LIMIT),
            Some(limit @ 1..=Self::MAX_LIMIT) => Ok(limit),
            Some(other) => Err(ApiError::BadRequest(format!(
                "`limit` must be within 1..=1000, got {other}"
            ))),
        }
    }
}

/// The session object.
#[derive(Debug, Serialize)]
pub struct SessionResponse {
    pub session_id: String,
    pub timeout_minutes: u8,
    pub created_at: String,
    pub last_accessed_at: String,
    pub duration: String,
    pub status: &'static str,
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<String>,
}

impl SessionResponse {
    pub fn new(record: &SessionRecord, now: DateTime<Utc>) -> Self {
        Self {
            session_id: record.id.to_string(),
            timeout_minutes: record.timeout.minutes(),
            created_at: time_text(record.created_at),
            last_accessed_at: time_text(record.last_accessed_at),
            duration: iso_duration(record.duration(now)),
            status: record.status.as_str(),
            error: record.error.clone(),
            screenshot: None,
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
#[derive(Debug, Deserialize)]
pub struct ObserveRequest {
    #[serde(flatten)]
    pub session: SessionFields,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub min_nb_actions: Option<i64>,
    #[serde(default)]
    pub max_nb_actions: Option<i64>,
}

/// `/env/scrape`'s body.
#[derive(Debug, Deserialize)]
pub struct ScrapeRequest {
    #[serde(flatten)]
    pub session: SessionFields,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub scrape_images: Option<bool>,
    #[serde(default)]
    pub only_main_content: Option<bool>,
    #[serde(default)]
    pub min_nb_actions: Option<i64>,
    #[serde(default)]
    pub max_nb_actions: Option<i64>,
}

/// `/env/step`'s body.
#[derive(Debug, Deserialize)]
pub struct StepRequest {
    #[serde(flatten)]
    pub session: SessionFields,
    #[serde(default)]
    pub action_id: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub enter: Option<bool>,
    #[serde(default)]
    pub min_nb_actions: Option<i64>,
    #[serde(default)]
    pub max_nb_actions: Option<i64>,
}

impl StepRequest {
    pub fn action_id(&self) -> Result<ActionId, ApiError> {
        let text = self.action_id.as_deref().ok_or_else(|| {
            ApiError::BadRequest("`action_id` is required, e.g. \"L3\", \"I1\" or \"S1\"".into())
        })?;
        text.trim()
            .parse()
            .map_err(|e| ApiError::BadRequest(format!("`action_id`: {e}")))
    }
}

/// One step of a session's history.
#[derive(Debug, Serialize)]
pub struct StepResponse {
    pub seq: u32,
    pub at: String,
    pub action_id: String,
    pub element: Option<String>,
    pub value: Option<String>,
    pub url_before: Option<String>,
    pub url_after: Option<String>,
    pub outcome: String,
    pub error: Option<String>,
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

/// How an `/env/*` call gets its session: an existing one, or a new one for the call.
#[derive(Debug, Clone)]
pub enum SessionChoice {
    Existing(SessionId),
    New(StartOptions),
}

/// The session part of an `/env/*` body.
#[derive(Debug, Clone)]
pub struct EnvSession {
    pub choice: SessionChoice,
    pub keep_alive: bool,
    pub screenshot: bool,
}

impl EnvSession {
    pub fn parse(fields: &SessionFields) -> Result<Self, ApiError> {
        let keep_alive = fields.keep_alive.unwrap_or(false);
        let screenshot = fields.screenshot.unwrap_or(false);
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
            }),
        };
        Ok(Self {
            choice,
            keep_alive,
            screenshot,
        })
    }
}

/// A URL to navigate to, if one is given.
pub fn page_url(url: Option<&str>) -> Result<Option<PageUrl>, ApiError> {
    url.map(|url| {
        url.parse()
            .map_err(|e| ApiError::BadRequest(format!("`url`: {e}")))
    })
    .transpose()
}

/// How many element actions to list at most: `max_nb_actions` (default 100). Every usable
/// action up to that many is listed, so any `min_nb_actions` up to it is met; one above it
/// cannot be.
pub fn action_limit(min: Option<i64>, max: Option<i64>) -> Result<usize, ApiError> {
    let max = match max {
        None => 100,
        Some(n @ 1..=10_000) => n,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "`max_nb_actions` must be within 1..=10000, got {other}"
            )))
        }
    };
    match min {
        Some(min) if !(0..=max).contains(&min) => Err(ApiError::BadRequest(format!(
            "`min_nb_actions` must be within 0..=max_nb_actions ({max}), got {min}"
        ))),
        _ => Ok(max as usize),
    }
}

#[derive(Debug, Serialize)]
pub struct Metadata {
    pub title: String,
    pub url: String,
    pub timestamp: String,
}

#[derive(Debug, Serialize)]
pub struct DataResponse {
    pub markdown: Option<String>,
    pub images: Option<Vec<ImageResponse>>,
    pub structured: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Serialize)]
pub struct ImageResponse {
    pub id: String,
    pub url: String,
    pub category: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ParamResponse {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub default: Option<String>,
    pub values: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ActionResponse {
    pub id: String,
    pub description: String,
    pub category: String,
    pub params: Vec<ParamResponse>,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SpaceResponse {
    pub description: String,
    pub category: Option<String>,
    pub markdown: String,
    pub actions: Vec<ActionResponse>,
    pub special_actions: Vec<ActionResponse>,
}

/// An observation: what `/env/*` answer.
#[derive(Debug, Serialize)]
pub struct ObserveResponse {
    pub session: SessionResponse,
    pub metadata: Metadata,
    pub screenshot: Option<String>,
    pub data: Option<DataResponse>,
    pub space: Option<SpaceResponse>,
}

#[derive(Debug, Serialize)]
pub struct HealthResponse {
    pub status: &'static str,
    pub active_sessions: usize,
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
            start_options(StartQuery::default(), Some(SessionFields::default())).unwrap();
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
        let body = SessionFields {
            session_timeout_minutes: Some(7),
            keep_alive: Some(false),
            ..SessionFields::default()
        };
        let options = start_options(query, Some(body)).unwrap();
        assert_eq!(options.timeout.minutes(), 7);
        assert!(!options.keep_alive);
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
        let body = SessionFields {
            session_id: Some("x".into()),
            ..SessionFields::default()
        };
        assert!(matches!(
            start_options(StartQuery::default(), Some(body)),
            Err(ApiError::BadRequest(_))
        ));
    }
}
