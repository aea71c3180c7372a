//! Why an operation failed, in the terms of its consequence for the session: refused
//! with the session as it was, or failed with the session ended as `error`. A navigation
//! the private-network rule refused is refused.

use crate::act::ActError;
use crate::domain::FileName;
use crate::egress::Refusal;
use crate::session::SessionError;

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// No such session, an ended one, no room for a new one, no browser right now, or its
    /// record could not be read or written.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The action was refused before it changed anything: not listed, a missing or bad
    /// value, or an element that cannot be used now ([`ActError::Unusable`]).
    #[error(transparent)]
    Refused(ActError),
    /// The navigation would reach (or reached, through a redirect or a link) the private
    /// network, which the rule refuses; the session stays usable.
    #[error(transparent)]
    PrivateNetwork(#[from] Refusal),
    /// The page at the requested URL could not be loaded; the session stays usable.
    #[error("the page could not be loaded: {0}")]
    PageLoad(String),
    /// The browser failed under the operation: the session has ended as `error`.
    #[error("{0}; the session has ended with status `error`")]
    Broke(String),
    /// No such file in the session (or no such session for the caller).
    #[error("no file \"{0}\" in this session")]
    NoFile(FileName),
    /// A file would take the session's files over their cap; nothing was kept.
    #[error("the session's files would be over their cap of {0} bytes; nothing was kept")]
    OverCap(u64),
    /// An upload over the largest one the server takes; nothing was kept.
    #[error("the upload is over the limit of {0} bytes; nothing was kept")]
    OverLimit(u64),
    /// An upload's content could not be read.
    #[error("the upload could not be read: {0}")]
    Upload(String),
    /// The session's folder could not be read or written.
    #[error("the session's files: {0}")]
    Files(String),
}
