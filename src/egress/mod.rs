//! The egress room: what pages may reach. The private network — loopback, private,
//! shared, link-local (cloud metadata), unique-local addresses — is off limits unless
//! `--allow-private-network` lets a destination through.
//!
//! Owns the rule (`rule.rs`), the SOCKS5 proxy every browser's traffic goes through
//! (`socks.rs`), which judges each connection on the address the name resolves to at that
//! moment, and the record of the connections it recently did not make (refused, a name
//! that did not resolve, no address that answered), by which the operations tell a refused
//! navigation from another failed one and say why the others failed: through a proxy,
//! Chromium reports each of these as one `net::ERR_SOCKS_CONNECTION_FAILED`. It knows
//! nothing of CDP, sessions or HTTP: the browser room launches Chromium with
//! [`Egress::proxy_server`], the operations room asks [`Egress::check`] before a
//! navigation and [`Egress::unreached_for`] after a failed one.

mod rule;
mod socks;

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

pub use rule::{classify, PrivateRange};

use crate::domain::{PageUrl, PrivateNetworkAllowance};
use crate::shutdown::Shutdown;

/// How many recent connections not made are kept to explain failed navigations.
const KEPT_UNREACHED: usize = 256;
/// How long a name that did not resolve is not looked up again: a page asks for the same
/// missing host on every connection, as Chromium's own resolver would have remembered.
/// Only failures are kept; an answer is never reused, so each connection is judged on a
/// fresh one.
const UNRESOLVED_FOR: Duration = Duration::from_secs(10);
/// Names kept as unresolved, at most.
const KEPT_UNRESOLVED: usize = 1024;

/// A connection the rule refused: to which host, on which address, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the private network is off limits to pages: {host} is {address}, {range}; to let pages \
     reach it, start browserd with `--allow-private-network {suggestion}` (or \
     BROWSERD_ALLOW_PRIVATE_NETWORK={suggestion}; `all` allows the whole private network)",
    range = range.describe(),
    suggestion = self.suggestion()
)]
pub struct Refusal {
    /// The host as the page named it (a name in lowercase, or an address).
    pub host: String,
    pub port: u16,
    pub address: IpAddr,
    pub range: PrivateRange,
}

impl Refusal {
    /// The `--allow-private-network` value that lets exactly this destination through.
    fn suggestion(&self) -> String {
        match self.host.contains(':') {
            true => format!("[{}]:{}", self.host, self.port),
            false => format!("{}:{}", self.host, self.port),
        }
    }
}

/// Why the proxy did not connect a page to a host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreached {
    /// The rule refused every address the host resolved to.
    Refused(Refusal),
    /// The name did not resolve.
    Unresolved,
    /// The host's last address tried refused the connection.
    ConnectionRefused,
    /// No address of the host answered in time, or the connection failed otherwise.
    ConnectionFailed,
}

/// A connection the proxy did not make, recorded.
struct Miss {
    at: Instant,
    host: String,
    port: u16,
    why: Unreached,
}

/// The proxy's shared state: the allowance and the connections it recently did not make.
struct Guard {
    allowance: PrivateNetworkAllowance,
    missed: Mutex<VecDeque<Miss>>,
    /// Names that did not resolve, and when.
    unresolved: Mutex<HashMap<String, Instant>>,
}

impl Guard {
    /// The addresses `host` resolves to now (an address resolves to itself).
    async fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        if let Ok(address) = host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(address, port)]);
        }
        let failed_lately = self
            .unresolved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(host)
            .is_some_and(|at| at.elapsed() < UNRESOLVED_FOR);
        if failed_lately {
            return Err(std::io::Error::other(
                "the name did not resolve a moment ago",
            ));
        }
        let resolved = tokio::net::lookup_host((host, port)).await;
        if resolved.is_err() {
            let mut unresolved = self.unresolved.lock().unwrap_or_else(|p| p.into_inner());
            if unresolved.len() >= KEPT_UNRESOLVED {
                unresolved.retain(|_, at| at.elapsed() < UNRESOLVED_FOR);
            }
            if unresolved.len() < KEPT_UNRESOLVED {
                unresolved.insert(host.to_owned(), Instant::now());
            }
        }
        Ok(resolved?.collect())
    }

    /// The addresses of `resolved` a page may connect to; a refusal is recorded.
    fn judge(
        &self,
        host: &str,
        port: u16,
        resolved: &[SocketAddr],
    ) -> Result<Vec<SocketAddr>, Refusal> {
        rule::judge(&self.allowance, host, resolved).map_err(|refused| {
            let refusal = Refusal {
                host: host.to_string(),
                port,
                address: refused.address,
                range: refused.range,
            };
            self.record_miss(host, port, Unreached::Refused(refusal.clone()));
            refusal
        })
    }

    /// Records a connection to `host` and `port` not made.
    fn record_miss(&self, host: &str, port: u16, why: Unreached) {
        let mut missed = self.missed.lock().unwrap_or_else(|p| p.into_inner());
        if missed.len() == KEPT_UNREACHED {
            missed.pop_front();
        }
        missed.push_back(Miss {
            at: Instant::now(),
            host: host.to_owned(),
            port,
            why,
        });
    }
}

/// The running proxy and its rule; cheap to clone.
#[derive(Clone)]
pub struct Egress {
    guard: Arc<Guard>,
    address: SocketAddr,
}

impl Egress {
    /// Starts the proxy on a free loopback port; it serves until `shutdown`.
    pub async fn start(
        allowance: PrivateNetworkAllowance,
        shutdown: Shutdown,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let guard = Arc::new(Guard {
            allowance,
            missed: Mutex::new(VecDeque::new()),
            unresolved: Mutex::new(HashMap::new()),
        });
        tokio::spawn(socks::serve(listener, Arc::clone(&guard), shutdown));
        Ok(Self { guard, address })
    }

    /// The proxy as Chromium's `--proxy-server` names it.
    pub fn proxy_server(&self) -> String {
        format!("socks5://{}", self.address)
    }

    /// Refuses a navigation to `url` before it starts, when its host resolves now only to
    /// addresses the rule refuses. A host that does not resolve is left to the browser,
    /// which fails it as it would any unknown host.
    pub async fn check(&self, url: &PageUrl) -> Result<(), Refusal> {
        let Some((host, port)) = destination(url.as_str()) else {
            return Ok(());
        };
        match self.guard.resolve(&host, port).await {
            Ok(resolved) => self.guard.judge(&host, port, &resolved).map(|_| ()),
            Err(_) => Ok(()),
        }
    }

    /// Why the proxy last did not connect a page to `url`'s host and port since `since`,
    /// if it did not: what made a navigation to it fail.
    pub fn unreached_for(&self, url: &str, since: Instant) -> Option<Unreached> {
        let (host, port) = destination(url)?;
        let missed = self.guard.missed.lock().unwrap_or_else(|p| p.into_inner());
        missed
            .iter()
            .rev()
            .take_while(|miss| miss.at >= since)
            .find(|miss| miss.host == host && miss.port == port)
            .map(|miss| miss.why.clone())
    }
}

/// The host (as the proxy hears it) and port of an `http:`, `https:`, `ws:` or `wss:` URL.
fn destination(url: &str) -> Option<(String, u16)> {
    let url = url::Url::parse(url).ok()?;
    let port = url.port_or_known_default()?;
    let host = match url.host()? {
        url::Host::Domain(name) => normalize_host(name),
        url::Host::Ipv4(v4) => v4.to_string(),
        url::Host::Ipv6(v6) => v6.to_string(),
    };
    Some((host, port))
}

/// A host as the rule compares it: an address in its canonical form, a name in lowercase
/// without a trailing dot.
fn normalize_host(host: &str) -> String {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(address) => address.to_string(),
        Err(_) => bare.trim_end_matches('.').to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_judged_on_the_host_the_proxy_hears() {
        assert_eq!(
            destination("http://LocalHost.:3000/x"),
            Some(("localhost".into(), 3000))
        );
        assert_eq!(destination("https://[::1]/"), Some(("::1".into(), 443)));
        assert_eq!(
            destination("http://2130706433/"),
            Some(("127.0.0.1".into(), 80))
        );
        assert_eq!(destination("about:blank"), None);
        assert_eq!(normalize_host("[::FFFF:7F00:1]"), "::ffff:127.0.0.1");
    }

    /// A SOCKS5 CONNECT to `host` (a name, or an IPv6 address as 16 bytes) and `port`
    /// through the proxy at `proxy`: the reply code, and the stream.
    async fn connect_through(
        proxy: SocketAddr,
        host: &str,
        port: u16,
    ) -> (u8, tokio::net::TcpStream) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(proxy).await.unwrap();
        stream.write_all(&[5, 1, 0]).await.unwrap();
        let mut chosen = [0u8; 2];
        stream.read_exact(&mut chosen).await.unwrap();
        assert_eq!(chosen, [5, 0]);
        let mut request = vec![5, 1, 0];
        match host.parse::<std::net::Ipv6Addr>() {
            Ok(v6) => {
                request.push(4);
                request.extend_from_slice(&v6.octets());
            }
            Err(_) => {
                request.extend_from_slice(&[3, host.len() as u8]);
                request.extend_from_slice(host.as_bytes());
            }
        }
        request.extend_from_slice(&port.to_be_bytes());
        stream.write_all(&request).await.unwrap();
        let mut reply = [0u8; 10];
        stream.read_exact(&mut reply).await.unwrap();
        (reply[1], stream)
    }

    #[tokio::test]
    async fn the_proxy_connects_to_a_listed_destination_and_nowhere_else() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listed = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let listed_port = listed.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listed.accept().await {
                let _ = stream.write_all(b"hello").await;
            }
        });
        let other = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let other_port = other.local_addr().unwrap().port();
        let reached = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&reached);
        tokio::spawn(async move {
            while other.accept().await.is_ok() {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        let shutdown = Shutdown::new();
        let allowance = format!("127.0.0.1:{listed_port}").parse().unwrap();
        let egress = Egress::start(allowance, shutdown.clone()).await.unwrap();
        let (code, mut stream) = connect_through(egress.address, "LocalHost", listed_port).await;
        assert_eq!(code, 0, "`localhost` resolves to the listed address");
        let mut greeting = [0u8; 5];
        stream.read_exact(&mut greeting).await.unwrap();
        assert_eq!(&greeting, b"hello");
        for host in ["localhost", "127.0.0.1", "::ffff:127.0.0.1", "::1"] {
            let (code, _) = connect_through(egress.address, host, other_port).await;
            assert_eq!(code, 2, "{host}: connection not allowed by ruleset");
        }
        assert_eq!(reached.load(Ordering::SeqCst), 0);
        let since = Instant::now() - Duration::from_secs(60);
        let unreached = egress.unreached_for(&format!("http://localhost:{other_port}/"), since);
        let Some(Unreached::Refused(refusal)) = unreached else {
            panic!("a refusal recorded: {unreached:?}");
        };
        assert_eq!(refusal.range, PrivateRange::Loopback);
        shutdown.trigger();
    }

    #[tokio::test]
    async fn a_connection_not_made_is_recorded_with_why() {
        let shutdown = Shutdown::new();
        let egress = Egress::start(PrivateNetworkAllowance::Everything, shutdown.clone())
            .await
            .unwrap();
        let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let since = Instant::now();
        let (code, _) = connect_through(egress.address, "127.0.0.1", closed_port).await;
        assert_eq!(code, 5, "connection refused");
        assert_eq!(
            egress.unreached_for(&format!("http://127.0.0.1:{closed_port}/"), since),
            Some(Unreached::ConnectionRefused)
        );
        let (code, _) = connect_through(egress.address, "no-such-host.invalid", 80).await;
        assert_eq!(code, 4, "host unreachable");
        assert_eq!(
            egress.unreached_for("http://no-such-host.invalid/", since),
            Some(Unreached::Unresolved)
        );
        assert_eq!(
            egress.unreached_for("http://no-such-host.invalid:81/", since),
            None
        );
        shutdown.trigger();
    }

    #[tokio::test]
    async fn a_refusal_names_the_rule_and_the_setting_that_lifts_it() {
        let shutdown = Shutdown::new();
        let egress = Egress::start(PrivateNetworkAllowance::Nothing, shutdown.clone())
            .await
            .unwrap();
        let since = Instant::now();
        let url: PageUrl = "http://169.254.169.254/latest/meta-data/".parse().unwrap();
        let refusal = egress.check(&url).await.unwrap_err();
        assert_eq!(refusal.range, PrivateRange::LinkLocal);
        let message = refusal.to_string();
        assert!(
            message.contains("--allow-private-network 169.254.169.254:80")
                && message.contains("link-local"),
            "{message}"
        );
        assert_eq!(
            egress.unreached_for("http://169.254.169.254/other", since),
            Some(Unreached::Refused(refusal))
        );
        assert_eq!(
            egress.unreached_for("http://169.254.169.254:81/", since),
            None
        );
        assert_eq!(
            egress.unreached_for("http://169.254.169.254/", Instant::now()),
            None
        );
        let public: PageUrl = "http://8.8.8.8/".parse().unwrap();
        assert!(egress.check(&public).await.is_ok());
        shutdown.trigger();
    }
}
