//! The one mapping from the library's errors to HTTP: status, JSON body, headers.
//!
//! Every error a client sees is `{"error": "..."}` with the status of `API.md`'s table;
//! an ended session adds `"status"`. The message also goes into the request's log line
//! (see `telemetry`), so an operator reads there why a request failed.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::telemetry::FailureReason;
use crate::act::ActError;
use crate::browser::BrowserError;
use crate::cluster::ClusterError;
use crate::domain::SessionStatus;
use crate::ops::OpsError;
use crate::session::SessionError;
use crate::store::StoreError;

/// Every error: what is wrong and what to do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    /// The session's status, on `410` (the session has ended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SessionStatus>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Invalid input: bad JSON, wrong type, out-of-range value.
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or unknown API key: send `Authorization: Bearer <key>`")]
    Unauthorized,
    /// A session's CDP endpoint without its token (or its owner's key).
    #[error("{0}")]
    BadToken(String),
    /// A navigation to the private network, which the server's setting does not allow.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The action was listed, but its element cannot be used now.
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Gone {
        message: String,
        status: SessionStatus,
    },
    #[error("request body is over the limit of 1 MiB (16 MiB for a profile's storage state)")]
    PayloadTooLarge,
    /// A file over the session's cap, or an upload over its limit.
    #[error("{0}")]
    TooLarge(String),
    /// A stored value (a profile's state) that cannot be read.
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    TooManySessions(String),
    /// The key made more requests than its rate allows.
    #[error("this API key is over its rate of requests; retry in {retry_after} s")]
    RateLimited { retry_after: u32 },
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
    /// The page at the requested URL could not be loaded; the session is untouched.
    #[error("{0}")]
    BadGateway(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BadToken(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Gone { .. } => StatusCode::GONE,
            Self::PayloadTooLarge | Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManySessions(_) | Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
        }
    }

    fn retry_after_secs(&self) -> Option<u32> {
        match self {
            Self::TooManySessions(_) => Some(5),
            Self::RateLimited { retry_after } => Some(*retry_after),
            Self::Unavailable(_) => Some(1),
            _ => None,
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::NotFound(_) => Self::NotFound(error.to_string()),
            SessionError::Ended(ref record) => Self::Gone {
                status: record.status,
                message: error.to_string(),
            },
            SessionError::AtCapacity(_) | SessionError::KeyAtCapacity(_) => {
                Self::TooManySessions(error.to_string())
            }
            SessionError::BadToken => Self::BadToken(error.to_string()),
            SessionError::ProfileNotFound(_) => Self::NotFound(error.to_string()),
            SessionError::ProfileInUse(_) | SessionError::NoProfileToSave(_) => {
                Self::Conflict(error.to_string())
            }
            SessionError::OtherProfile(..) => Self::Unprocessable(error.to_string()),
            SessionError::Browser(browser) => browser.into(),
            SessionError::Store(store) => store.into(),
        }
    }
}

impl From<OpsError> for ApiError {
    fn from(error: OpsError) -> Self {
        match error {
            OpsError::Session(session) => session.into(),
            OpsError::Refused(refused) => refused.into(),
            OpsError::PageLoad(_) => Self::BadGateway(error.to_string()),
            OpsError::PrivateNetwork(_) => Self::Forbidden(error.to_string()),
            OpsError::Broke(_) | OpsError::Files(_) => Self::Internal(error.to_string()),
            OpsError::NoFile(_) => Self::NotFound(error.to_string()),
            OpsError::OverCap(_) | OpsError::OverLimit(_) => Self::TooLarge(error.to_string()),
            OpsError::Upload(_) => Self::BadRequest(error.to_string()),
        }
    }
}

impl From<ActError> for ApiError {
    fn from(error: ActError) -> Self {
        match error {
            ActError::Unusable { .. } => Self::Conflict(error.to_string()),
            ActError::Browser(browser) => browser.into(),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

impl From<BrowserError> for ApiError {
    fn from(error: BrowserError) -> Self {
        match error {
            BrowserError::Unavailable => Self::Unavailable(error.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<ClusterError> for ApiError {
    fn from(error: ClusterError) -> Self {
        match error {
            ClusterError::Unavailable(_) => Self::Unavailable(error.to_string()),
            ClusterError::NoRoom(_) => Self::TooManySessions(error.to_string()),
            ClusterError::UnknownNode(_) => Self::NotFound(error.to_string()),
            ClusterError::Store(store) => store.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Sealed(_) => Self::Unprocessable(error.to_string()),
            StoreError::Unavailable(_) => Self::Unavailable(error.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error: self.to_string(),
            status: match &self {
                Self::Gone { status, .. } => Some(*status),
                _ => None,
            },
        };
        let reason = FailureReason(body.error.clone());
        let mut response = (status, Json(body)).into_response();
        response.extensions_mut().insert(reason);
        if let Some(seconds) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
