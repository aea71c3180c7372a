//! A session's CDP endpoint: one client, confined to the session's browser context, on a
//! connection of its own to the shared browser.
//!
//! Owns the connection to the browser (a WebSocket to its loopback DevTools endpoint, one
//! per client, so that the client's flat sessions are its own) and the carrying of
//! messages both ways through [`Confinement`](confine::Confinement), which decides what
//! each may do. The client's side arrives as channels of text frames: the transport it
//! came on (an HTTP upgrade) is the front end's. Ends when the client goes, the browser
//! goes, or the session ends — then the client is told why in a close frame.

mod confine;

use async_tungstenite::tungstenite::Message;
use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};

use self::confine::{Confinement, Route};
use super::{BrowserError, CdpEndpoint};

/// What a client sends: a text frame (one CDP message).
pub type ClientFrame = String;

/// What a client is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFrame {
    /// One CDP message.
    Text(String),
    /// The end of the connection, and why.
    Close(String),
}

/// A WebSocket to the browser's endpoint (on loopback, plain TCP), without Nagle's delay: a
/// client's commands come in bursts (a screenshot is several), and each would otherwise
/// wait for the acknowledgement of the one before it.
async fn connect(
    url: &str,
) -> Result<
    async_tungstenite::WebSocketStream<
        async_tungstenite::tokio::TokioAdapter<tokio::net::TcpStream>,
    >,
    String,
> {
    let address = url::Url::parse(url)
        .ok()
        .and_then(|url| Some(format!("{}:{}", url.host_str()?, url.port()?)))
        .ok_or_else(|| format!("not a WebSocket address: {url}"))?;
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|error| error.to_string())?;
    stream
        .set_nodelay(true)
        .map_err(|error| error.to_string())?;
    let (socket, _) = async_tungstenite::tokio::client_async(url, stream)
        .await
        .map_err(|error| error.to_string())?;
    Ok(socket)
}

/// Serves one client until it disconnects, the browser connection ends, or `ended` says
/// the session ended (with the reason the client is given). Downloads the client allows
/// are written to `downloads`.
pub async fn serve_cdp_client(
    endpoint: CdpEndpoint,
    downloads: String,
    mut from_client: mpsc::Receiver<ClientFrame>,
    to_client: mpsc::Sender<ServerFrame>,
    mut ended: watch::Receiver<Option<String>>,
) -> Result<(), BrowserError> {
    let browser = connect(&endpoint.browser_url).await;
    let mut browser = browser
        .map_err(|error| BrowserError::Protocol(format!("cannot reach the browser: {error}")))?;
    let (mut confinement, opening) = Confinement::new(endpoint.context, downloads);
    let mut routes = opening;
    let reason = loop {
        for route in routes.drain(..) {
            match route {
                Route::Upstream(text) => {
                    if let Err(error) = browser.send(Message::text(text)).await {
                        return Err(BrowserError::Protocol(error.to_string()));
                    }
                }
                Route::Client(text) => {
                    if to_client.send(ServerFrame::Text(text)).await.is_err() {
                        return Ok(());
                    }
                }
            }
        }
        if let Some(reason) = ended.borrow_and_update().clone() {
            break Some(reason);
        }
        routes = tokio::select! {
            frame = from_client.recv() => match frame {
                Some(text) => confinement.client_said(&text),
                None => break None,
            },
            message = browser.next() => match message {
                Some(Ok(Message::Text(text))) => confinement.browser_said(text.as_str()),
                Some(Ok(Message::Close(_))) | None => {
                    break Some("the browser closed the connection".to_string())
                }
                Some(Ok(_)) => Vec::new(),
                Some(Err(error)) => break Some(format!("the browser connection failed: {error}")),
            },
            changed = ended.changed() => match changed {
                Ok(()) => Vec::new(),
                Err(_) => break Some("the session has ended".to_string()),
            },
        };
    };
    let _ = browser.close(None).await;
    if let Some(reason) = reason {
        let _ = to_client.send(ServerFrame::Close(reason)).await;
    }
    Ok(())
}
