//! [`PrivateNetworkAllowance`]: which destinations on the private network pages may reach
//! anyway (`--allow-private-network`). Off by default: nothing is allowed.
//!
//! Owns the setting's grammar and the question "does it allow this host, address and
//! port?". What counts as the private network is the egress room's rule, not this one's.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// What `--allow-private-network` lets pages reach on the private network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PrivateNetworkAllowance {
    /// Nothing: every private address is refused (the default).
    #[default]
    Nothing,
    /// Everything (`all`): a developer's machine, the tests.
    Everything,
    /// Only these destinations.
    Listed(Vec<AllowedDestination>),
}

/// One listed destination: a host name as the page names it, or an address range, on
/// any port or one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedDestination {
    host: AllowedHost,
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AllowedHost {
    /// A name, lowercase and without a trailing dot, matched against the name the page
    /// asked for (whatever it resolves to).
    Name(String),
    /// An address or a range, matched against the address the name resolved to.
    Range(IpNet),
}

impl PrivateNetworkAllowance {
    /// Whether a connection to `address`, which `host` (as the page named it: a name in
    /// lowercase, or an address) resolved to, on `port`, is allowed.
    pub fn allows(&self, host: &str, address: IpAddr, port: u16) -> bool {
        match self {
            Self::Nothing => false,
            Self::Everything => true,
            Self::Listed(destinations) => destinations.iter().any(|destination| {
                destination.port.is_none_or(|allowed| allowed == port)
                    && match &destination.host {
                        AllowedHost::Name(name) => name == host,
                        AllowedHost::Range(range) => range.contains(&canonical(address)),
                    }
            }),
        }
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for PrivateNetworkAllowance {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let items: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .collect();
        match items.as_slice() {
            [] => Ok(Self::Nothing),
            [one] if matches!(one.to_ascii_lowercase().as_str(), "all" | "*") => {
                Ok(Self::Everything)
            }
            items => items
                .iter()
                .map(|item| item.parse())
                .collect::<Result<_, _>>()
                .map(Self::Listed),
        }
    }
}

impl FromStr for AllowedDestination {
    type Err = String;

    fn from_str(item: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| {
            format!(
                "{item:?} is not a destination to allow: {why}; give `all`, or a list such as \
                 `localhost:3000,127.0.0.1,10.0.0.0/8,[::1]:8080`"
            )
        };
        let port = |text: &str| {
            text.parse::<u16>()
                .ok()
                .filter(|port| *port > 0)
                .ok_or_else(|| bad("the port is not a number from 1 to 65535"))
        };
        // `[v6]`, `[v6/len]:port`; a bare v6 address or range has no port.
        let (host, port) = if let Some(rest) = item.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(|| bad("no closing `]`"))?;
            match after {
                "" => (host, None),
                after => match after.strip_prefix(':') {
                    Some(number) => (host, Some(port(number)?)),
                    None => return Err(bad("only `:PORT` may follow `]`")),
                },
            }
        } else if item.matches(':').count() > 1 {
            (item, None)
        } else {
            match item.split_once(':') {
                Some((host, number)) => (host, Some(port(number)?)),
                None => (item, None),
            }
        };
        let host = if let Ok(range) = host.parse::<IpNet>() {
            AllowedHost::Range(range.trunc())
        } else if let Ok(address) = host.parse::<IpAddr>() {
            AllowedHost::Range(IpNet::from(canonical(address)))
        } else {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            let valid = !name.is_empty()
                && name.len() <= 253
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !valid {
                return Err(bad("not a host name, an address or an address range"));
            }
            if name == "all" {
                return Err(bad("`all` stands alone"));
            }
            AllowedHost::Name(name)
        };
        Ok(Self { host, port })
    }
}

impl fmt::Display for PrivateNetworkAllowance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nothing => Ok(()),
            Self::Everything => f.write_str("all"),
            Self::Listed(destinations) => {
                for (i, destination) in destinations.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{destination}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for AllowedDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match &self.host {
            AllowedHost::Name(name) => name.clone(),
            AllowedHost::Range(range) if range.prefix_len() == range.max_prefix_len() => {
                range.addr().to_string()
            }
            AllowedHost::Range(range) => range.to_string(),
        };
        match (self.port, host.contains(':')) {
            (Some(port), true) => write!(f, "[{host}]:{port}"),
            (Some(port), false) => write!(f, "{host}:{port}"),
            (None, _) => f.write_str(&host),
        }
    }
}

impl serde::Serialize for PrivateNetworkAllowance {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn nothing_by_default_everything_with_all() {
        let nothing: PrivateNetworkAllowance = "".parse().unwrap();
        assert_eq!(nothing, PrivateNetworkAllowance::Nothing);
        assert!(!nothing.allows("localhost", ip("127.0.0.1"), 80));
        for all in ["all", "ALL", " * "] {
            let everything: PrivateNetworkAllowance = all.parse().unwrap();
            assert!(everything.allows("db", ip("10.1.2.3"), 5432), "{all}");
        }
    }

    #[test]
    fn a_list_allows_exactly_its_names_ranges_and_ports() {
        let listed: PrivateNetworkAllowance =
            "localhost:3000, 127.0.0.1, 10.0.0.0/8, [::1]:8080, fd00::/8, Db.Internal."
                .parse()
                .unwrap();
        assert!(listed.allows("localhost", ip("127.0.0.1"), 3000));
        // 127.0.0.1 is listed on every port: `localhost` resolves to it.
        assert!(listed.allows("localhost", ip("127.0.0.1"), 4000));
        assert!(!listed.allows("localhost", ip("127.0.0.2"), 4000));
        assert!(listed.allows("localhost", ip("127.0.0.2"), 3000));
        assert!(listed.allows("x", ip("10.200.0.1"), 1));
        assert!(listed.allows("x", ip("::ffff:10.0.0.1"), 1));
        assert!(!listed.allows("x", ip("192.168.0.1"), 80));
        assert!(listed.allows("::1", ip("::1"), 8080));
        assert!(!listed.allows("::1", ip("::1"), 8081));
        assert!(listed.allows("x", ip("fd12::1"), 1));
        assert!(listed.allows("db.internal", ip("172.16.0.1"), 5432));
        assert_eq!(
            listed.to_string(),
            "localhost:3000,127.0.0.1,10.0.0.0/8,[::1]:8080,fd00::/8,db.internal"
        );
    }

    #[test]
    fn a_bad_item_is_refused_with_the_grammar() {
        for bad in [
            "localhost:0",
            "localhost:99999",
            "[::1",
            "[::1]x",
            "a b",
            "10.0.0.0/33",
            "all,10.0.0.1",
        ] {
            let error = bad.parse::<PrivateNetworkAllowance>().unwrap_err();
            assert!(error.contains("`all`"), "{bad}: {error}");
        }
    }
}
