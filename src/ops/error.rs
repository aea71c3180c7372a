//! Why an operation failed, in the terms of its consequence for the session: refused
//! with the session as it was, or failed with the session ended as `error`.

use crate::act::ActError;
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
    /// The page at the requested URL could not be loaded; the session stays usable.
    #[error("the page could not be loaded: {0}")]
    PageLoad(String),
    /// The browser failed under the operation: the session has ended as `error`.
    #[error("{0}; the session has ended with status `error`")]
    Broke(String),
}
