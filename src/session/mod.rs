//! The session registry: the life of every session from start to its one ending.
//!
//! Owns creating a session (a tab from the browser room plus a record in the store),
//! finding it for its owner, touching it, running its operations one at a time, the
//! idle and lifetime timeouts (the reaper), and the move from `active` to `closed`,
//! `timed_out` or `error` — written to the store before anyone is told; who reaches a
//! session from outside its operations, its CDP clients and viewers (`clients.rs`); the
//! profile a session starts from and saves back to (`profiles.rs`); where its folder is.
//! It knows nothing of HTTP, and of CDP only the browser room's handles.

mod clients;
mod profiles;
mod registry;
mod token;

pub use clients::{CdpClient, ClientGuard, Credential, Watch};
pub use registry::{Access, Limits, SessionError, SessionGuard, Sessions, Started};
pub use token::{ShortKey, TokenKey};

use std::path::{Path, PathBuf};

use crate::domain::SessionId;

/// Where everything of session `id` lives under the data directory: its files (`files/`),
/// its replay pictures (`replay/`). Deleting a session's data is deleting this folder.
pub fn session_folder(data_dir: &Path, id: &SessionId) -> PathBuf {
    data_dir.join("sessions").join(id.as_str())
}

/// Where session `id`'s files (downloads and uploads) live under the data directory.
pub fn files_folder(data_dir: &Path, id: &SessionId) -> PathBuf {
    session_folder(data_dir, id).join("files")
}

/// Records the session a piece of work acts on in the current tracing span (a front end's
/// request span declares the `session_id` field; elsewhere this does nothing).
pub fn note_session(id: &SessionId) {
    tracing::Span::current().record("session_id", tracing::field::display(id));
}
