//! The wire types of a session's files and of profiles, and their parsing into domain
//! values.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time_text;
use crate::api::error::ApiError;
use crate::domain::{
    Download, DownloadState, FileName, ProfileId, ProfileName, ProfileRecord, ProfileUse,
    SessionFile, StorageState,
};

/// A profile to start a session from.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProfileField {
    /// The profile's id (from `POST /profiles`).
    #[schema(format = "uuid")]
    pub id: String,
    /// Save what the session ends with back into the profile when it closes (and on
    /// `POST /session/{id}/profile/save`). One such session per profile at a time (`409`);
    /// any number read it.
    #[serde(default)]
    #[schema(default = false)]
    pub persist: Option<bool>,
}

impl ProfileField {
    pub fn parse(&self) -> Result<ProfileUse, ApiError> {
        Ok(ProfileUse {
            id: profile_id(&self.id)?,
            persist: self.persist.unwrap_or(false),
        })
    }
}

/// A profile id from a path or a body; a value that is not a UUID names no profile.
pub fn profile_id(text: &str) -> Result<ProfileId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("no profile {text} for this API key")))
}

/// A file name from a path, a form or a body.
pub fn file_name(text: &str) -> Result<FileName, ApiError> {
    text.parse()
        .map_err(|e| ApiError::BadRequest(format!("file name: {e}")))
}

/// The body of `POST /profiles`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateProfileRequest {
    /// A name of your choice (1 to 100 characters).
    pub name: String,
    /// A Playwright storage state (`context.storageState()`) to start the profile with.
    #[serde(default)]
    pub storage_state: Option<StorageState>,
}

impl CreateProfileRequest {
    pub fn parse(self) -> Result<(ProfileName, StorageState), ApiError> {
        let name: ProfileName = self
            .name
            .parse()
            .map_err(|e| ApiError::BadRequest(format!("`name`: {e}")))?;
        let state = self.storage_state.unwrap_or_default();
        state
            .check()
            .map_err(|e| ApiError::BadRequest(format!("`storage_state`: {e}")))?;
        Ok((name, state))
    }
}

/// A storage state given as a body (`PUT /profiles/{id}/storage_state`).
pub fn storage_state(state: StorageState) -> Result<StorageState, ApiError> {
    state
        .check()
        .map_err(|e| ApiError::BadRequest(format!("storage state: {e}")))?;
    Ok(state)
}

/// A profile, without its secrets: what it holds is counted, not shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    #[schema(format = "uuid")]
    pub profile_id: String,
    pub name: String,
    #[schema(format = "date-time")]
    pub created_at: String,
    /// When its state was last written.
    #[schema(format = "date-time")]
    pub updated_at: String,
    /// How many cookies it holds (when read one by one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookies: Option<usize>,
    /// The origins whose local storage it holds (when read one by one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origins: Option<Vec<String>>,
}

impl ProfileResponse {
    pub fn new(record: &ProfileRecord, state: Option<&StorageState>) -> Self {
        Self {
            profile_id: record.id.to_string(),
            name: record.name.as_str().to_string(),
            created_at: time_text(record.created_at),
            updated_at: time_text(record.updated_at),
            cookies: state.map(|s| s.cookies.len()),
            origins: state.map(StorageState::origin_names),
        }
    }
}

/// One file of a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileResponse {
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// The media type its name suggests.
    pub media_type: String,
    #[schema(format = "date-time")]
    pub modified_at: String,
}

impl FileResponse {
    pub fn new(file: &SessionFile) -> Self {
        Self {
            name: file.name.to_string(),
            size: file.size,
            media_type: file.media_type.clone(),
            modified_at: time_text(file.modified_at),
        }
    }
}

/// A download an action caused, in the answer of that action.
#[derive(Debug, Serialize, ToSchema)]
pub struct DownloadResponse {
    /// Its name in the session's files (`GET /session/{id}/files/{name}`).
    pub name: String,
    /// Bytes (0 unless saved).
    pub size: u64,
    /// The media type its name suggests.
    pub media_type: String,
    pub url: String,
    /// `saved`, `canceled`, or `over_cap` (it would have taken the session's files over
    /// their cap, and was not kept).
    pub state: String,
}

impl DownloadResponse {
    pub fn new(download: &Download) -> Self {
        Self {
            name: download.name.to_string(),
            size: download.size,
            media_type: crate::ops::media_type(&download.name),
            url: download.url.clone(),
            state: match download.state {
                DownloadState::Saved => "saved",
                DownloadState::Canceled => "canceled",
                DownloadState::OverCap => "over_cap",
            }
            .into(),
        }
    }
}
