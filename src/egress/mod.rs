//! The egress room: what pages may reach. The private network — loopback, private,
//! shared, link-local (cloud metadata), unique-local addresses — is off limits unless
//! `--allow-private-network` lets a destination through.
//!
//! Owns the rule (`rule.rs`), the SOCKS5 proxy every browser's traffic goes through
//! (`socks.rs`), which judges each connection on the address the name resolves to at that
//! moment, and the record of its recent refusals, by which the operations tell a refused
//! navigation from another failed one. It knows nothing of CDP, sessions or HTTP: the
//! browser room launches Chromium with [`Egress::proxy_server`], the operations room asks
//! [`Egress::check`] before a navigation and [`Egress::refusal_for`] after a failed one.

mod rule;
mod socks;

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::net::TcpListener;

pub use rule::{classify, PrivateRange};

use crate::domain::{PageUrl, PrivateNetworkAllowance};
use crate::shutdown::Shutdown;

/// How many recent refusals are kept to explain failed navigations.
const KEPT_REFUSALS: usize = 256;

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

/// The proxy's shared state: the allowance and the recent refusals.
struct Guard {
    allowance: PrivateNetworkAllowance,
    refusals: Mutex<VecDeque<(Instant, Refusal)>>,
}

impl Guard {
    /// The addresses `host` resolves to now (an address resolves to itself).
    async fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        if let Ok(address) = host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(address, port)]);
        }
        Ok(tokio::net::lookup_host((host, port)).await?.collect())
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
            let mut refusals = self.refusals.lock().unwrap_or_else(|p| p.into_inner());
            if refusals.len() == KEPT_REFUSALS {
                refusals.pop_front();
            }
            refusals.push_back((Instant::now(), refusal.clone()));
            refusal
        })
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
            refusals: Mutex::new(VecDeque::new()),
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

    /// The proxy's refusal of `url`'s host and port since `since`, if there was one: what
    /// made a navigation to it fail.
    pub fn refusal_for(&self, url: &str, since: Instant) -> Option<Refusal> {
        let (host, port) = destination(url)?;
        let refusals = self
            .guard
            .refusals
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        refusals
            .iter()
            .rev()
            .take_while(|(at, _)| *at >= since)
            .find(|(_, refusal)| refusal.host == host && refusal.port == port)
            .map(|(_, refusal)| refusal.clone())
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
            egress.refusal_for("http://169.254.169.254/other", since),
            Some(refusal)
        );
        assert_eq!(
            egress.refusal_for("http://169.254.169.254:81/", since),
            None
        );
        assert_eq!(
            egress.refusal_for("http://169.254.169.254/", Instant::now()),
            None
        );
        let public: PageUrl = "http://8.8.8.8/".parse().unwrap();
        assert!(egress.check(&public).await.is_ok());
        shutdown.trigger();
    }
}
