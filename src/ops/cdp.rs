//! A session's CDP endpoint, as an operation: letting a client in, and serving it until it
//! or the session goes. The transport it came on is the front end's; the confinement of
//! what it may do is the browser room's.

use tokio::sync::mpsc;

use super::{Operations, OpsError};
use crate::browser::{self, ClientFrame, ServerFrame};
use crate::domain::SessionId;
use crate::session::{CdpClient, Credential};

impl Operations {
    /// The token of session `id`'s CDP endpoint, for its `cdp_url`.
    pub fn cdp_token(&self, id: &SessionId) -> String {
        self.sessions.cdp_token(id)
    }

    /// Lets a CDP client into session `id`, or says why not (a wrong token, another key's
    /// session, an ended one).
    pub async fn cdp_client(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<CdpClient, OpsError> {
        Ok(self.sessions.cdp_client(id, credential).await?)
    }

    /// Whether `credential` may use session `id`'s CDP endpoint now, letting no client in.
    pub async fn check_cdp(&self, id: &SessionId, credential: &Credential) -> Result<(), OpsError> {
        Ok(self.sessions.check_cdp(id, credential).await?)
    }

    /// Serves a client let in by [`cdp_client`](Self::cdp_client) until it disconnects or
    /// the session ends. Downloads it allows land in the session's own folder under the
    /// data directory.
    pub async fn serve_cdp(
        &self,
        id: &SessionId,
        client: CdpClient,
        from_client: mpsc::Receiver<ClientFrame>,
        to_client: mpsc::Sender<ServerFrame>,
    ) {
        let CdpClient {
            endpoint,
            ended,
            guard,
        } = client;
        let downloads = self.files_folder(id);
        let served = browser::serve_cdp_client(
            endpoint,
            downloads.to_string_lossy().into_owned(),
            from_client,
            to_client,
            ended,
        )
        .await;
        if let Err(error) = served {
            tracing::warn!(session_id = %id, %error, "a CDP client's connection failed");
        }
        drop(guard);
    }
}
