//! The SOCKS5 proxy (RFC 1928, CONNECT without authentication) every browser's traffic
//! goes through: it resolves each name itself, on every connection, judges the addresses
//! by the rule and connects to exactly those it judged, so there is no moment between the
//! check and the connection for a name to change its answer (DNS rebinding).
//!
//! Chromium sends SOCKS5 the name the page asked for (it resolves nothing itself), for
//! every scheme: `http:`, `https:`, `ws:` and `wss:` alike. A refusal is the reply
//! "connection not allowed by ruleset", which the page sees as a network error.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{Guard, Unreached};
use crate::shutdown::Shutdown;

/// The longest wait for the browser's greeting and request.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait for one address to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Each direction's copy buffer: a page's downloads and screenshots' images pass here.
const BUFFER: usize = 64 * 1024;

/// SOCKS5 replies (RFC 1928 §6).
const SUCCEEDED: u8 = 0x00;
const NOT_ALLOWED: u8 = 0x02;
const HOST_UNREACHABLE: u8 = 0x04;
const CONNECTION_REFUSED: u8 = 0x05;
const COMMAND_NOT_SUPPORTED: u8 = 0x07;
const ADDRESS_NOT_SUPPORTED: u8 = 0x08;

/// Accepts the browsers' connections until `shutdown`.
pub(super) async fn serve(listener: TcpListener, guard: Arc<Guard>, shutdown: Shutdown) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait() => return,
        };
        match accepted {
            Ok((client, _)) => {
                let guard = Arc::clone(&guard);
                tokio::spawn(async move {
                    if let Err(error) = tunnel(client, &guard).await {
                        tracing::trace!(%error, "egress: connection ended");
                    }
                });
            }
            Err(error) => {
                tracing::warn!(%error, "egress: cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// One browser connection: the handshake, the judgement, then bytes both ways.
async fn tunnel(mut client: TcpStream, guard: &Guard) -> std::io::Result<()> {
    client.set_nodelay(true)?;
    let (host, port) = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake(&mut client))
        .await
        .map_err(|_| std::io::Error::other("handshake timed out"))??;
    let targets = match guard.resolve(&host, port).await {
        Ok(resolved) => match guard.judge(&host, port, &resolved) {
            Ok(allowed) => allowed,
            Err(refusal) => {
                tracing::info!(%refusal, "egress: refused");
                return reply(&mut client, NOT_ALLOWED, None).await;
            }
        },
        Err(error) => {
            tracing::debug!(%host, %error, "egress: cannot resolve");
            guard.record_miss(&host, port, Unreached::Unresolved);
            return reply(&mut client, HOST_UNREACHABLE, None).await;
        }
    };
    let mut upstream = match connect(&targets).await {
        Ok(upstream) => upstream,
        Err(why) => {
            guard.record_miss(&host, port, why);
            return reply(&mut client, CONNECTION_REFUSED, None).await;
        }
    };
    upstream.set_nodelay(true)?;
    let bound = upstream.local_addr().ok();
    reply(&mut client, SUCCEEDED, bound).await?;
    tokio::io::copy_bidirectional_with_sizes(&mut client, &mut upstream, BUFFER, BUFFER).await?;
    Ok(())
}

/// The first of `targets` that accepts a connection; else how the last one failed.
async fn connect(targets: &[SocketAddr]) -> Result<TcpStream, Unreached> {
    let mut why = Unreached::ConnectionFailed;
    for target in targets {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(target)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(error)) => {
                tracing::debug!(%target, %error, "egress: cannot connect");
                why = match error.kind() {
                    std::io::ErrorKind::ConnectionRefused => Unreached::ConnectionRefused,
                    _ => Unreached::ConnectionFailed,
                };
            }
            Err(_) => {
                tracing::debug!(%target, "egress: connection timed out");
                why = Unreached::ConnectionFailed;
            }
        }
    }
    Err(why)
}

/// The greeting and the CONNECT request: the host (a name in lowercase, or an address)
/// and port the browser asks for. Anything else is answered and ends the connection.
async fn handshake(client: &mut TcpStream) -> std::io::Result<(String, u16)> {
    let mut head = [0u8; 2];
    client.read_exact(&mut head).await?;
    let mut methods = vec![0u8; usize::from(head[1])];
    client.read_exact(&mut methods).await?;
    if head[0] != 5 || !methods.contains(&0) {
        client.write_all(&[5, 0xff]).await?;
        return Err(std::io::Error::other("not SOCKS5 without authentication"));
    }
    client.write_all(&[5, 0]).await?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request).await?;
    if request[0] != 5 || request[1] != 1 {
        reply(client, COMMAND_NOT_SUPPORTED, None).await?;
        return Err(std::io::Error::other("only CONNECT is supported"));
    }
    let host = match request[3] {
        1 => {
            let mut octets = [0u8; 4];
            client.read_exact(&mut octets).await?;
            Ipv4Addr::from(octets).to_string()
        }
        4 => {
            let mut octets = [0u8; 16];
            client.read_exact(&mut octets).await?;
            Ipv6Addr::from(octets).to_string()
        }
        3 => {
            let mut length = [0u8; 1];
            client.read_exact(&mut length).await?;
            let mut name = vec![0u8; usize::from(length[0])];
            client.read_exact(&mut name).await?;
            super::normalize_host(&String::from_utf8_lossy(&name))
        }
        _ => {
            reply(client, ADDRESS_NOT_SUPPORTED, None).await?;
            return Err(std::io::Error::other("unknown address type"));
        }
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).await?;
    Ok((host, u16::from_be_bytes(port)))
}

/// A reply to the CONNECT request; the connection ends after any but [`SUCCEEDED`].
async fn reply(client: &mut TcpStream, code: u8, bound: Option<SocketAddr>) -> std::io::Result<()> {
    let bound = bound.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
    let mut message = vec![5, code, 0];
    match bound.ip() {
        IpAddr::V4(v4) => {
            message.push(1);
            message.extend_from_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            message.push(4);
            message.extend_from_slice(&v6.octets());
        }
    }
    message.extend_from_slice(&bound.port().to_be_bytes());
    client.write_all(&message).await?;
    if code != SUCCEEDED {
        client.shutdown().await?;
    }
    Ok(())
}
