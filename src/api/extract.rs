//! Request extractors whose failures are [`ApiError`]s: the caller's key, a JSON body
//! and query parameters.
//!
//! The body is read as JSON whatever its `Content-Type` (a plain `curl -d` works), an
//! empty body or a JSON `null` counts as `{}`, and a type error names the field.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::rate::KeyRates;
use crate::domain::Owner;

/// The API keys this server accepts, kept as owner fingerprints.
#[derive(Clone, Debug)]
pub struct ApiKeys(Arc<HashSet<Owner>>);

impl ApiKeys {
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        Self(Arc::new(keys.into_iter().map(Owner::of_api_key).collect()))
    }
}

/// The owner behind a valid `Authorization: Bearer <key>`.
pub struct Caller(pub Owner);

impl<S> FromRequestParts<S> for Caller
where
    ApiKeys: FromRef<S>,
    KeyRates: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let keys = ApiKeys::from_ref(state);
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        let owner = Owner::of_api_key(key);
        if !keys.0.contains(&owner) {
            return Err(ApiError::Unauthorized);
        }
        KeyRates::from_ref(state)
            .admit(&owner)
            .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
        Ok(Caller(owner))
    }
}

/// The owner behind `Authorization: Bearer <key>` when the request carries one; a request
/// without one is let through (to prove itself another way), a wrong key is `401`.
pub struct OptionalCaller(pub Option<Owner>);

impl<S> FromRequestParts<S> for OptionalCaller
where
    ApiKeys: FromRef<S>,
    KeyRates: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if !parts.headers.contains_key(header::AUTHORIZATION) {
            return Ok(Self(None));
        }
        let Caller(owner) = Caller::from_request_parts(parts, state).await?;
        Ok(Self(Some(owner)))
    }
}

/// Where clients reach this server, as the request named it (`Host`), for the links an
/// answer gives: `ws://` unless a proxy in front says the request came over TLS.
#[derive(Debug, Clone)]
pub struct PublicOrigin {
    pub host: String,
    pub secure: bool,
}

impl PublicOrigin {
    /// `ws://host` or `wss://host`.
    pub fn websocket(&self) -> String {
        format!("{}://{}", if self.secure { "wss" } else { "ws" }, self.host)
    }

    /// `http://host` or `https://host`.
    pub fn http(&self) -> String {
        format!(
            "{}://{}",
            if self.secure { "https" } else { "http" },
            self.host
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PublicOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header_text = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &header::HeaderValue| v.to_str().ok())
        };
        let host = header_text(header::HOST)
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .filter(|host| !host.is_empty() && host.bytes().all(|b| b.is_ascii_graphic()))
            .unwrap_or("127.0.0.1")
            .to_string();
        let secure = header_text(header::HeaderName::from_static("x-forwarded-proto"))
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
        Ok(Self { host, secure })
    }
}

/// A JSON body parsed into `T`; an empty body or `null` counts as `{}`.
pub struct JsonBody<T>(pub T);

/// A JSON body parsed into `T`, or `None` when the request has no body (or `null`).
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(request, state).await?;
        let text: &[u8] = if is_absent(&bytes) { b"{}" } else { &bytes };
        parse_json(text).map(JsonBody)
    }
}

impl<S, T> FromRequest<S> for OptionalJsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(request, state).await?;
        if is_absent(&bytes) {
            return Ok(OptionalJsonBody(None));
        }
        parse_json(&bytes).map(|value| OptionalJsonBody(Some(value)))
    }
}

/// An empty body, or one that says `null`: no values given.
fn is_absent(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii();
    text.is_empty() || text == b"null"
}

async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection: BytesRejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(format!("cannot read the request body: {rejection}"))
            }
        })
}

fn parse_json<T: DeserializeOwned>(text: &[u8]) -> Result<T, ApiError> {
    // serde would also read a struct from an array of its fields in order.
    if text.trim_ascii_start().first() != Some(&b'{') {
        return Err(ApiError::BadRequest(
            "invalid JSON body: expected a JSON object, like {\"session_id\": null}".into(),
        ));
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." || path.is_empty() {
            ApiError::BadRequest(format!("invalid JSON body: {inner}"))
        } else {
            ApiError::BadRequest(format!("invalid JSON body: field `{path}`: {inner}"))
        }
    })
}

/// Query parameters parsed into `T`.
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(value)| QueryParams(value))
            .map_err(|rejection| {
                ApiError::BadRequest(format!(
                    "invalid query parameters: {}",
                    rejection.body_text()
                ))
            })
    }
}
