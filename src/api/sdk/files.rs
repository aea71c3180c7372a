//! The Notte SDK's cookies, files and profiles of a session, over the same operations as
//! `/session/{id}/files` and `/profiles`: `GET`/`POST /sessions/{id}/cookies`,
//! `GET`/`POST /sessions/{id}/files`, `POST /profiles/create` and
//! `POST /sessions/{id}/profile/save`. (A file's bytes, `GET /sessions/{id}/files/{name}`,
//! and the rest of `/profiles` are the v1.2 routes themselves.)

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::wire::unsupported;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{Caller, JsonBody, OptionalJsonBody};
use crate::api::routes::files::receive;
use crate::api::wire::{self, time_text, ProfileResponse};
use crate::api::UploadLimit;
use crate::domain::{Cookie, ProfileName, SessionFile, SessionId, StorageState};
use crate::ops::Operations;
use crate::session::{self, Sessions};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SdkCookies {
    pub cookies: Vec<Cookie>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkDone {
    pub success: bool,
    pub message: String,
}

/// A session's file, as the SDK's `SessionFile` reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdkSessionFile {
    /// Its name: what `GET /sessions/{id}/files/{name}` and a file input's step take.
    pub id: String,
    pub session_id: String,
    pub filename: String,
    pub mime_type: String,
    pub size: u64,
    /// Not kept by browserd: empty.
    pub checksum: String,
    pub created_at: String,
    /// When the retention sweep deletes it (`--files-retention-hours`); with no retention,
    /// a hundred years on.
    pub expires_at: String,
    /// `user_upload` or `session_download`.
    pub source: &'static str,
}

impl SdkSessionFile {
    fn new(id: &SessionId, file: &SessionFile, operations: &Operations, uploaded: bool) -> Self {
        let expires = operations
            .expiry(file.modified_at)
            .unwrap_or(file.modified_at + chrono::Duration::days(36_525));
        Self {
            id: file.name.to_string(),
            session_id: id.to_string(),
            filename: file.name.to_string(),
            mime_type: file.media_type.clone(),
            size: file.size,
            checksum: String::new(),
            created_at: time_text(file.modified_at),
            expires_at: time_text(expires),
            source: if uploaded {
                "user_upload"
            } else {
                "session_download"
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SdkFileList {
    pub files: Vec<SdkSessionFile>,
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// The session's cookies (HttpOnly and secure ones included), as Playwright writes them.
#[utoipa::path(
    get, path = "/sessions/{id}/cookies", operation_id = "sdk_session_cookies", tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    responses(
        (status = 200, description = "The cookies.", body = SdkCookies),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The browser failed.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn cookies(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<SdkCookies>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let cookies = operations.cookies(owner, id).await?;
    Ok(Json(SdkCookies { cookies }))
}

/// Sets cookies in the session.
#[utoipa::path(
    post, path = "/sessions/{id}/cookies", operation_id = "sdk_session_set_cookies", tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    request_body(content = SdkCookies, description = "`{\"cookies\": [...]}` as Playwright writes them."),
    responses(
        (status = 200, description = "Set.", body = SdkDone),
        (status = 400, description = "Not cookies.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The browser failed.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn set_cookies(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<SdkCookies>,
) -> Result<Json<SdkDone>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let state = StorageState {
        cookies: request.cookies,
        origins: Vec::new(),
    };
    state
        .check()
        .map_err(|e| ApiError::BadRequest(format!("cookies: {e}")))?;
    let count = state.cookies.len();
    operations.set_cookies(owner, id, state.cookies).await?;
    Ok(Json(SdkDone {
        success: true,
        message: format!("{count} cookie(s) set"),
    }))
}

/// The session's files (downloads and uploads).
#[utoipa::path(
    get, path = "/sessions/{id}/files", operation_id = "sdk_session_files", tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    responses(
        (status = 200, description = "The files.", body = SdkFileList),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The files could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn files(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<SdkFileList>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let uploaded = operations.uploaded(&id).await;
    let files: Vec<SdkSessionFile> = operations
        .files(&owner, &id)
        .await?
        .iter()
        .map(|file| {
            let upload = uploaded.contains(file.name.as_str());
            SdkSessionFile::new(&id, file, &operations, upload)
        })
        .collect();
    Ok(Json(SdkFileList {
        total: files.len(),
        limit: files.len(),
        offset: 0,
        files,
    }))
}

/// Puts a file into the session (multipart, the file in a part named `file`), for an
/// `upload_file` action.
#[utoipa::path(
    post, path = "/sessions/{id}/files", operation_id = "sdk_session_upload", tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    request_body(content_type = "multipart/form-data", content = crate::api::routes::files::UploadForm),
    responses(
        (status = 200, description = "The file as kept.", body = SdkSessionFile),
        (status = 400, description = "Not an upload, or a name that is a path.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 413, description = "Over the upload limit or the session's cap.", body = ErrorBody),
        (status = 500, description = "The file could not be written.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn upload(
    State(operations): State<Operations>,
    State(UploadLimit(limit)): State<UploadLimit>,
    Caller(owner): Caller,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Json<SdkSessionFile>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let file = receive(&operations, limit, &owner, &id, form).await?;
    Ok(Json(SdkSessionFile::new(&id, &file, &operations, true)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SdkCreateProfile {
    pub name: Option<String>,
}

/// Make an empty profile (the SDK's `client.profiles.create()`).
#[utoipa::path(
    post, path = "/profiles/create", operation_id = "sdk_profile_create", tag = "notte-sdk",
    request_body(content = Option<SdkCreateProfile>),
    responses(
        (status = 200, description = "The profile.", body = ProfileResponse),
        (status = 400, description = "A name that is empty or too long.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 500, description = "The profile could not be written.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create_profile(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    OptionalJsonBody(request): OptionalJsonBody<SdkCreateProfile>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let name = request
        .and_then(|r| r.name)
        .unwrap_or_else(|| "profile".into());
    let name: ProfileName = name
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("`name`: {e}")))?;
    let state = StorageState::default();
    let record = sessions.create_profile(&owner, name, &state).await?;
    Ok(Json(ProfileResponse::new(&record, Some(&state))))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SdkSaveProfile {
    /// The profile the session started from (with `persist`); another one is refused.
    pub profile_id: Option<String>,
    pub name: Option<String>,
}

/// Save the session's cookies and local storage into the profile it started from (with
/// `persist: true`) now.
#[utoipa::path(
    post, path = "/sessions/{id}/profile/save", operation_id = "sdk_session_profile_save", tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    request_body(content = Option<SdkSaveProfile>),
    responses(
        (status = 200, description = "The profile, as saved.", body = ProfileResponse),
        (status = 400, description = "Invalid input: bad JSON, wrong type.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 409, description = "The session was not started from a profile with `persist: true`.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 422, description = "Another profile, or a new one by `name`: a session saves into the one it started from.", body = ErrorBody),
        (status = 500, description = "The browser or the store failed.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn save_profile(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
    OptionalJsonBody(request): OptionalJsonBody<SdkSaveProfile>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let request = request.unwrap_or_default();
    if request.name.is_some() {
        return Err(unsupported("name", "a session saves into the profile it started from; make one with POST /profiles/create first"));
    }
    let into = request
        .profile_id
        .as_deref()
        .map(wire::profile_id)
        .transpose()?;
    let record = sessions.save_profile(&owner, &id, into.as_ref()).await?;
    Ok(Json(ProfileResponse::new(&record, None)))
}
