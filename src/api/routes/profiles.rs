//! Profiles: `POST /profiles`, `GET /profiles`, `GET|DELETE /profiles/{id}`, their state in
//! Playwright's storage-state JSON (`GET|PUT /profiles/{id}/storage_state`), and saving a
//! session into its profile now (`POST /session/{id}/profile/save`).

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{Caller, JsonBody};
use crate::api::wire::{self, CreateProfileRequest, ProfileResponse};
use crate::domain::StorageState;
use crate::session::{self, Sessions};

const ID: &str = "The profile's id; a value that is not a UUID names no profile (`404`).";

/// What a delete answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedResponse {
    #[schema(format = "uuid")]
    pub profile_id: String,
    pub deleted: bool,
    /// The same, as the Notte SDK reads it.
    pub success: bool,
    pub message: String,
}

/// Make a profile: a login kept across sessions (cookies, HttpOnly and secure ones
/// included, and each origin's local storage), empty or from a Playwright storage state.
/// Start a session with `"profile": {"id": …, "persist": true}` to sign in once and keep it.
#[utoipa::path(
    post,
    path = "/profiles",
    operation_id = "profile_create",
    tag = "profiles",
    request_body(content = CreateProfileRequest, description = "Read as JSON whatever the `Content-Type`."),
    responses(
        (status = 200, description = "The new profile.", body = ProfileResponse),
        (status = 400, description = "No `name`, or a storage state that is not valid.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 413, description = "Request body over 16 MiB.", body = ErrorBody),
        (status = 500, description = "The profile could not be written.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    JsonBody(request): JsonBody<CreateProfileRequest>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let (name, state) = request.parse()?;
    let record = sessions.create_profile(&owner, name, &state).await?;
    Ok(Json(ProfileResponse::new(&record, Some(&state))))
}

/// The caller's profiles, newest first.
#[utoipa::path(
    get,
    path = "/profiles",
    operation_id = "profiles_list",
    tag = "profiles",
    responses(
        (status = 200, description = "The caller's profiles, newest first.", body = Vec<ProfileResponse>),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 500, description = "The profiles could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
) -> Result<Json<Vec<ProfileResponse>>, ApiError> {
    let records = sessions.profiles(&owner).await?;
    Ok(Json(
        records
            .iter()
            .map(|record| ProfileResponse::new(record, None))
            .collect(),
    ))
}

/// One profile: its name, times, and what it holds (counted, never shown).
#[utoipa::path(
    get,
    path = "/profiles/{id}",
    operation_id = "profile_get",
    tag = "profiles",
    params(("id" = String, Path, format = "uuid", description = ID)),
    responses(
        (status = 200, description = "The profile.", body = ProfileResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such profile for this key.", body = ErrorBody),
        (status = 422, description = "The profile's state does not open (tampered with, or the data directory's `profile_key` is not the one it was sealed with).", body = ErrorBody),
        (status = 500, description = "The profile could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let id = wire::profile_id(&id)?;
    let (record, state) = sessions.profile(&owner, &id).await?;
    Ok(Json(ProfileResponse::new(&record, Some(&state))))
}

/// Delete a profile and what it holds.
#[utoipa::path(
    delete,
    path = "/profiles/{id}",
    operation_id = "profile_delete",
    tag = "profiles",
    params(("id" = String, Path, format = "uuid", description = ID)),
    responses(
        (status = 200, description = "Deleted.", body = DeletedResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such profile for this key.", body = ErrorBody),
        (status = 409, description = "A session that saves into it is running.", body = ErrorBody),
        (status = 500, description = "The profile could not be deleted.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<DeletedResponse>, ApiError> {
    let id = wire::profile_id(&id)?;
    sessions.delete_profile(&owner, &id).await?;
    Ok(Json(DeletedResponse {
        profile_id: id.to_string(),
        deleted: true,
        success: true,
        message: format!("profile {id} deleted"),
    }))
}

/// The profile's state as Playwright's storage state (`browser.newContext({storageState})`
/// takes it). This is the login itself: keep it as you would a password.
#[utoipa::path(
    get,
    path = "/profiles/{id}/storage_state",
    operation_id = "profile_export",
    tag = "profiles",
    params(("id" = String, Path, format = "uuid", description = ID)),
    responses(
        (status = 200, description = "The storage state.", body = StorageState),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such profile for this key.", body = ErrorBody),
        (status = 422, description = "The profile's state does not open.", body = ErrorBody),
        (status = 500, description = "The profile could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn export(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<StorageState>, ApiError> {
    let id = wire::profile_id(&id)?;
    let (_, state) = sessions.profile(&owner, &id).await?;
    Ok(Json(state))
}

/// Replace the profile's state with a Playwright storage state
/// (`context.storageState()`): a login made in Playwright, used here.
#[utoipa::path(
    put,
    path = "/profiles/{id}/storage_state",
    operation_id = "profile_import",
    tag = "profiles",
    params(("id" = String, Path, format = "uuid", description = ID)),
    request_body(content = StorageState, description = "Read as JSON whatever the `Content-Type`."),
    responses(
        (status = 200, description = "The profile, with its new state.", body = ProfileResponse),
        (status = 400, description = "Not a valid storage state.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such profile for this key.", body = ErrorBody),
        (status = 409, description = "A session that saves into it is running.", body = ErrorBody),
        (status = 413, description = "Request body over 16 MiB.", body = ErrorBody),
        (status = 500, description = "The profile could not be written.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn import(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
    JsonBody(state): JsonBody<StorageState>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let id = wire::profile_id(&id)?;
    let state = wire::storage_state(state)?;
    let record = sessions.replace_profile_state(&owner, &id, &state).await?;
    Ok(Json(ProfileResponse::new(&record, Some(&state))))
}

/// Save the session's cookies and local storage into its profile now (it must have been
/// started with `"persist": true`); the session goes on. Closing it saves too.
#[utoipa::path(
    post,
    path = "/session/{id}/profile/save",
    operation_id = "session_profile_save",
    tag = "profiles",
    params(("id" = String, Path, format = "uuid", description = "The session's id; a value that is not a UUID names no session (`404`).")),
    responses(
        (status = 200, description = "The profile, as saved.", body = ProfileResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key (or its profile was deleted).", body = ErrorBody),
        (status = 409, description = "The session was not started from a profile with `persist: true`.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The browser or the store failed.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn save(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let record = sessions.save_profile(&owner, &id, None).await?;
    Ok(Json(ProfileResponse::new(&record, None)))
}
