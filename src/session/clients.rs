//! Who reaches a session from outside its operations: its CDP clients and the people
//! watching it (a live view, its replay), each let in by the session's token or its
//! owner's key.
//!
//! Owns checking that credential, counting the clients that hold a session from idling
//! out, and handing a watcher what it follows: the session's current page, its steps as
//! they are recorded, and its end. It knows nothing of HTTP or of what a viewer draws.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::sync::{broadcast, watch};

use super::registry::Live;
use super::{SessionError, Sessions};
use crate::browser::{CdpEndpoint, Screen};
use crate::domain::{now, Owner, SessionId, SessionRecord, StepRecord};
use crate::store::Store;

/// How a CDP client or a viewer proves it may use a session.
#[derive(Debug, Clone)]
pub enum Credential {
    /// The session's own token, from its `cdp_url`, `viewer_url` or `replay_url`.
    Token(String),
    /// The API key of the session's owner.
    Owner(Owner),
}

/// A CDP client let into a session: where to proxy it, how it learns that the session
/// ended, and its place among the session's clients (held until it disconnects).
pub struct CdpClient {
    pub endpoint: CdpEndpoint,
    pub ended: watch::Receiver<Option<String>>,
    pub guard: ClientGuard,
}

/// One connected CDP client of a session. While any is held the session does not idle
/// out; the last one's going counts as a use of the session, so that its idle timeout
/// starts then.
pub struct ClientGuard {
    live: Arc<Live>,
    store: Store,
}

impl Drop for ClientGuard {
    fn drop(&mut self) {
        if self.live.clients.fetch_sub(1, Ordering::SeqCst) != 1 {
            return;
        }
        let at = now();
        let id = {
            let mut record = self.live.record.lock().unwrap_or_else(|p| p.into_inner());
            record.last_accessed_at = at;
            record.id.clone()
        };
        let store = self.store.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = store.touch_session(&id, at).await {
                    tracing::warn!(session_id = %id, %error, "cannot record a CDP client's last use");
                }
            });
        }
    }
}

/// What a viewer of a live session follows.
pub struct Watch {
    pub record: SessionRecord,
    /// The page the session operates on, replaced when an operation moves it to another.
    pub screen: watch::Receiver<Option<Screen>>,
    /// The session's steps as they are recorded.
    pub steps: broadcast::Receiver<StepRecord>,
    /// Why the session ended, once it has.
    pub ended: watch::Receiver<Option<String>>,
    /// Held while a person may act on the session (take-over).
    pub control: Option<ClientGuard>,
}

impl Sessions {
    /// The token of session `id`: what its `cdp_url`, `viewer_url` and `replay_url` carry.
    pub fn cdp_token(&self, id: &SessionId) -> String {
        self.inner.tokens.token(id)
    }

    /// Lets a CDP client into session `id`: a wrong token is [`SessionError::BadToken`],
    /// another key's session [`SessionError::NotFound`], an ended one
    /// [`SessionError::Ended`].
    pub async fn cdp_client(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<CdpClient, SessionError> {
        let (live, endpoint) = self.cdp_session(id, credential).await?;
        Ok(CdpClient {
            endpoint,
            ended: live.ended.subscribe(),
            guard: self.hold(live),
        })
    }

    /// Whether `credential` may use session `id`'s CDP endpoint now, without letting a
    /// client in (for discovery): the same answers as [`cdp_client`](Self::cdp_client).
    pub async fn check_cdp(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<(), SessionError> {
        self.cdp_session(id, credential).await.map(|_| ())
    }

    /// Lets a viewer watch live session `id`; one that `controls` it (a person taking
    /// over) holds it from idling out, as a CDP client does. The same refusals as
    /// [`cdp_client`](Self::cdp_client).
    pub async fn watch(
        &self,
        id: &SessionId,
        credential: &Credential,
        controls: bool,
    ) -> Result<Watch, SessionError> {
        let live = self.live_for(id, credential).await?;
        Ok(Watch {
            record: live.record(),
            screen: live.screen.subscribe(),
            steps: live.steps.subscribe(),
            ended: live.ended.subscribe(),
            control: controls.then(|| self.hold(Arc::clone(&live))),
        })
    }

    /// The record of session `id`, live or ended, if `credential` opens it.
    pub async fn record_for(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<SessionRecord, SessionError> {
        let record = match credential {
            Credential::Token(token) => {
                if !self.inner.tokens.verify(id, token) {
                    return Err(SessionError::BadToken);
                }
                self.inner.store.session_by_id(id).await?
            }
            Credential::Owner(owner) => self.inner.store.session(owner, id).await?,
        };
        record.ok_or_else(|| SessionError::NotFound(id.clone()))
    }

    /// Session `id`'s steps, oldest first, for a caller that has checked its credential
    /// ([`record_for`](Self::record_for)).
    pub async fn history(&self, id: &SessionId) -> Result<Vec<StepRecord>, SessionError> {
        Ok(self.inner.store.steps(id).await?)
    }

    fn hold(&self, live: Arc<Live>) -> ClientGuard {
        live.clients.fetch_add(1, Ordering::SeqCst);
        ClientGuard {
            live,
            store: self.inner.store.clone(),
        }
    }

    /// The live session `credential` opens, with its endpoint, or why there is none.
    async fn cdp_session(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<(Arc<Live>, CdpEndpoint), SessionError> {
        let live = self.live_for(id, credential).await?;
        match live.cdp.clone() {
            Some(endpoint) => Ok((live, endpoint)),
            None => Err(SessionError::Ended(Box::new(live.record()))),
        }
    }

    /// The live session `credential` opens, or why there is none: a wrong token, another
    /// key's or no such session, or one that has ended.
    async fn live_for(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<Arc<Live>, SessionError> {
        let live = self.registry().live.get(id).cloned();
        let live = match credential {
            Credential::Token(token) => {
                if !self.inner.tokens.verify(id, token) {
                    return Err(SessionError::BadToken);
                }
                live
            }
            Credential::Owner(owner) => live.filter(|live| live.owned_by(owner)),
        };
        match live {
            Some(live) => Ok(live),
            None => Err(match self.record_for(id, credential).await {
                Ok(record) => SessionError::Ended(Box::new(record)),
                Err(error) => error,
            }),
        }
    }
}
