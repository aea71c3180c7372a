//! A session's files: `GET /session/{id}/files` (list), `GET /session/{id}/files/{name}`
//! (one, streamed), `POST /session/{id}/files` (an upload, multipart).

use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::Caller;
use crate::api::wire::{self, FileResponse};
use crate::api::UploadLimit;
use crate::domain::{Owner, SessionFile, SessionId};
use crate::ops::Operations;
use crate::session;

const ID: &str = "The session's id; a value that is not a UUID names no session (`404`).";

/// The session's files: what its pages downloaded and what was uploaded into it, by name.
/// They stay after the session ends, for the retention period.
#[utoipa::path(
    get,
    path = "/session/{id}/files",
    operation_id = "session_files",
    tag = "files",
    params(("id" = String, Path, format = "uuid", description = ID)),
    responses(
        (status = 200, description = "The files, by name.", body = Vec<FileResponse>),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The files could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<FileResponse>>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let files = operations.files(&owner, &id).await?;
    Ok(Json(files.iter().map(FileResponse::new).collect()))
}

/// One file of the session, as it is (`Content-Disposition: attachment`).
#[utoipa::path(
    get,
    path = "/session/{id}/files/{name}",
    operation_id = "session_file",
    tag = "files",
    params(
        ("id" = String, Path, format = "uuid", description = ID),
        ("name" = String, Path, description = "The file's name, as the listing gives it (URL-encoded)."),
    ),
    responses(
        (status = 200, description = "The file's bytes, with the media type its name says (`application/octet-stream` when it says none).", content_type = "*/*", body = Vec<u8>),
        (status = 400, description = "Not a file name: a path (`/`, `\\`), `..`, NUL or another control character.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such file in this key's session.", body = ErrorBody),
        (status = 500, description = "The file could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn read(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let name = wire::file_name(&name)?;
    let id = wire::session_id(&id)
        .map_err(|_| ApiError::NotFound(format!("no file \"{name}\" in this session")))?;
    session::note_session(&id);
    let (file, content) = operations.file(&owner, &id, &name).await?;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        url::form_urlencoded::byte_serialize(file.name.as_str().as_bytes()).collect::<String>()
    );
    Ok((
        [
            (header::CONTENT_TYPE, file.media_type.clone()),
            (header::CONTENT_LENGTH, file.size.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            // A page's file is data to save, never a page of this server to render.
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        Body::from_stream(tokio_util_stream(content)),
    )
        .into_response())
}

/// A file's bytes as a stream of chunks.
fn tokio_util_stream(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> {
    futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut chunk = vec![0u8; 64 * 1024];
        match file.read(&mut chunk).await {
            Ok(0) => None,
            Ok(n) => {
                chunk.truncate(n);
                Some((Ok(chunk), file))
            }
            Err(error) => Some((Err(error), file)),
        }
    })
}

/// Puts a file into the session (`multipart/form-data`, the file in a part named `file`,
/// under the part's file name), for a file input to take: a step on the input's `I` action
/// with the file's name as `value`. A name already taken gets a number (`report (1).pdf`);
/// the answer says which.
#[utoipa::path(
    post,
    path = "/session/{id}/files",
    operation_id = "session_upload",
    tag = "files",
    params(("id" = String, Path, format = "uuid", description = ID)),
    request_body(content_type = "multipart/form-data", content = UploadForm, description = "The file, in a part named `file` with a file name."),
    responses(
        (status = 200, description = "The file as kept.", body = FileResponse),
        (status = 400, description = "Not multipart, no `file` part, or a file name that is a path (`/`, `\\`), `..`, NUL or another control character.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 413, description = "Over the upload limit (`--upload-max-mb`) or the session's cap (`--files-cap-mb`); nothing was kept.", body = ErrorBody),
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
) -> Result<Json<FileResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let file = receive(&operations, limit, &owner, &id, form).await?;
    Ok(Json(FileResponse::new(&file)))
}

/// Keeps the upload in `form` (its part named `file`) among session `id`'s files.
pub async fn receive(
    operations: &Operations,
    limit: usize,
    owner: &Owner,
    id: &SessionId,
    form: Result<Multipart, MultipartRejection>,
) -> Result<SessionFile, ApiError> {
    let mut form = form.map_err(|e| {
        ApiError::BadRequest(format!(
            "an upload is a multipart/form-data body with the file in a part named `file`: {e}"
        ))
    })?;
    let bad_form = |e: axum::extract::multipart::MultipartError| {
        ApiError::BadRequest(format!("the upload is not a readable multipart form: {e}"))
    };
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        if field.name() != Some("file") {
            continue;
        }
        let Some(file_name) = field.file_name() else {
            return Err(ApiError::BadRequest(
                "the `file` part has no file name (`filename=` in its Content-Disposition)".into(),
            ));
        };
        let name = wire::file_name(file_name)?;
        let content = field.map(|chunk| chunk.map_err(|e| e.to_string()));
        return Ok(operations
            .upload(owner, id, name, limit as u64, Box::pin(content))
            .await?);
    }
    Err(ApiError::BadRequest(
        "no part named `file` in the form".into(),
    ))
}

/// The form of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its part's file name becomes its name in the session.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}
