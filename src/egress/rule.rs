//! The rule: which addresses are the private network, and the judgement of one
//! connection — a host, the addresses it resolved to, a port — under the allowance.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::domain::PrivateNetworkAllowance;

/// Why an address is off limits: the part of the private network it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivateRange {
    Loopback,
    Private,
    Shared,
    LinkLocal,
    UniqueLocal,
    Unspecified,
    Multicast,
    Reserved,
}

impl PrivateRange {
    /// The range in words, for a refusal's message.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Loopback => "a loopback address (127.0.0.0/8, ::1)",
            Self::Private => "a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
            Self::Shared => "a shared address (100.64.0.0/10, carrier-grade NAT)",
            Self::LinkLocal => {
                "a link-local address (169.254.0.0/16 with cloud metadata, fe80::/10)"
            }
            Self::UniqueLocal => "a unique-local address (fc00::/7)",
            Self::Unspecified => "an unspecified address (0.0.0.0/8, ::)",
            Self::Multicast => "a multicast or broadcast address",
            Self::Reserved => "a reserved address",
        }
    }
}

/// The private range `address` is in, or `None` for an address on the public internet.
/// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by
/// the IPv4 address they carry.
pub fn classify(address: IpAddr) -> Option<PrivateRange> {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(v4: Ipv4Addr) -> Option<PrivateRange> {
    let [a, b, ..] = v4.octets();
    Some(match (a, b) {
        (127, _) => PrivateRange::Loopback,
        (10, _) | (192, 168) => PrivateRange::Private,
        (172, b) if (16..32).contains(&b) => PrivateRange::Private,
        (100, b) if (64..128).contains(&b) => PrivateRange::Shared,
        (169, 254) => PrivateRange::LinkLocal,
        (0, _) => PrivateRange::Unspecified,
        (224..=239, _) | (255, 255) => PrivateRange::Multicast,
        // 192.0.0.0/24 (protocol assignments), 198.18.0.0/15 (benchmarking), 240/4.
        (192, 0) if v4.octets()[2] == 0 => PrivateRange::Reserved,
        (198, 18 | 19) | (240..=255, _) => PrivateRange::Reserved,
        _ => return None,
    })
}

fn classify_v6(v6: Ipv6Addr) -> Option<PrivateRange> {
    let first = v6.segments()[0];
    Some(if v6.is_loopback() {
        PrivateRange::Loopback
    } else if v6.is_unspecified() {
        PrivateRange::Unspecified
    } else if first & 0xfe00 == 0xfc00 {
        PrivateRange::UniqueLocal
    } else if first & 0xffc0 == 0xfe80 {
        PrivateRange::LinkLocal
    } else if first & 0xffc0 == 0xfec0 {
        // site-local, deprecated but still routed on some networks
        PrivateRange::Private
    } else if first & 0xff00 == 0xff00 {
        PrivateRange::Multicast
    } else {
        return None;
    })
}

/// The IPv4 address an IPv6 one stands for: `::ffff:a.b.c.d` (mapped), `::a.b.c.d`
/// (compatible), `64:ff9b::a.b.c.d` (NAT64) and `2002:AABB:CCDD::` (6to4).
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, ..] => Some(tail()),
        // `::` and `::1` are IPv6's own.
        [0, 0, 0, 0, 0, 0, high, _] if high != 0 => Some(tail()),
        [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(tail()),
        [0x2002, high, low, ..] => Some(Ipv4Addr::new(
            (high >> 8) as u8,
            high as u8,
            (low >> 8) as u8,
            low as u8,
        )),
        _ => None,
    }
}

/// The first address `host` resolved to that the rule refuses, and why, for a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub address: IpAddr,
    pub range: PrivateRange,
}

/// The addresses among `resolved` that a page may connect to, in their order; `Err` with
/// the first refused one when none is left. `host` is the name the page asked for
/// (lowercase) or the address it gave.
pub fn judge(
    allowance: &PrivateNetworkAllowance,
    host: &str,
    resolved: &[SocketAddr],
) -> Result<Vec<SocketAddr>, Refused> {
    let mut refused = None;
    let allowed: Vec<SocketAddr> = resolved
        .iter()
        .copied()
        .filter(|target| match classify(target.ip()) {
            None => true,
            Some(_) if allowance.allows(host, target.ip(), target.port()) => true,
            Some(range) => {
                refused.get_or_insert(Refused {
                    address: target.ip(),
                    range,
                });
                false
            }
        })
        .collect();
    match (allowed.is_empty(), refused) {
        (true, Some(refused)) => Err(refused),
        _ => Ok(allowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> Option<PrivateRange> {
        classify(text.parse().unwrap())
    }

    #[test]
    fn the_private_network_in_all_its_spellings() {
        use PrivateRange::*;
        for (address, expected) in [
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("::1", Loopback),
            ("::ffff:127.0.0.1", Loopback),
            ("::127.0.0.1", Loopback),
            ("64:ff9b::7f00:1", Loopback),
            ("2002:7f00:1::", Loopback),
            ("10.0.0.5", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("::ffff:192.168.1.1", Private),
            ("100.64.0.1", Shared),
            ("169.254.169.254", LinkLocal),
            ("::ffff:169.254.169.254", LinkLocal),
            ("fe80::1", LinkLocal),
            ("fc00::1", UniqueLocal),
            ("fd12:3456::1", UniqueLocal),
            ("0.0.0.0", Unspecified),
            ("::", Unspecified),
            ("224.0.0.1", Multicast),
            ("255.255.255.255", Multicast),
            ("ff02::1", Multicast),
            ("198.18.0.1", Reserved),
        ] {
            assert_eq!(range(address), Some(expected), "{address}");
        }
        for public in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "93.184.216.34",
        ] {
            assert_eq!(range(public), None, "{public}");
        }
    }

    #[test]
    fn a_name_is_judged_on_every_address_it_resolved_to() {
        let nothing = PrivateNetworkAllowance::Nothing;
        let at = |text: &str| -> SocketAddr { text.parse().unwrap() };
        let refused = judge(&nothing, "db.internal", &[at("10.0.0.5:80")]).unwrap_err();
        assert_eq!(refused.range, PrivateRange::Private);
        // A public address and a private one: only the public one is connected to.
        let mixed = judge(&nothing, "x", &[at("10.0.0.5:80"), at("8.8.8.8:80")]).unwrap();
        assert_eq!(mixed, vec![at("8.8.8.8:80")]);
        let listed: PrivateNetworkAllowance = "localhost:3000".parse().unwrap();
        assert!(judge(&listed, "localhost", &[at("127.0.0.1:3000")]).is_ok());
        assert!(judge(&listed, "localhost", &[at("127.0.0.1:3001")]).is_err());
        assert!(judge(&listed, "other", &[at("127.0.0.1:3000")]).is_err());
    }
}
