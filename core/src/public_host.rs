//! Whether a URL's host is on the public internet, judged from its text alone, so that a request
//! the edge makes on a shop's behalf (a webhook) cannot be aimed at the machine it runs on, the
//! platform's metadata service or a private network (server-side request forgery).
//!
//! A host is refused when it is:
//! - an IP address outside the public internet: [`AddressRange`] lists the ranges and why each
//!   is refused. An IPv6 address that carries an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
//!   IPv4-compatible `::a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`,
//!   6to4 `2002:aabb:ccdd::/48`) is judged by that IPv4 address, where its packets end up;
//! - a name whose last label is a number: WHATWG URL parsers (browsers, the Workers runtime) read
//!   it as an IPv4 address in decimal, `0x` hex or leading-zero octal, in 1 to 4 parts, so
//!   `127.1`, `0177.0.0.1`, `0x7f000001` and `2130706433` all mean 127.0.0.1. Such a host must
//!   be the one spelling every parser reads alike, a canonical dotted quad, which is then judged
//!   as an address;
//! - a name ending in a dot: `localhost.` is `localhost` to a resolver but not to a comparison
//!   of names, so the dot could slip a name past the rules below;
//! - a name of the local machine or a private network: `localhost` and `*.localhost`, a name of
//!   one label such as `metadata` (resolved through the local network's search domains), and
//!   the private-use names in [`PRIVATE_SUFFIXES`], such as `metadata.google.internal`.
//!
//! What the text cannot show: a public name may still resolve to a private address (a DNS
//! record pointing at 127.0.0.1, or one that changes between the check and the request). Core
//! resolves no names; that last line of defence is the network the request is sent from.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use thiserror::Error;

/// A URL's host as its authority spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host<'a> {
    /// An address written in brackets.
    Ipv6(Ipv6Addr),
    /// A domain name, or an IPv4 address in one of the forms URL parsers read as one.
    Name(&'a str),
}

/// A block of IP addresses the public internet does not route to a host that could be a
/// webhook's receiver, named after IANA's special-purpose address registries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRange {
    /// `0.0.0.0/8` and `::`: "this host"; connecting to 0.0.0.0 reaches the local machine on
    /// most systems.
    Unspecified,
    /// `127.0.0.0/8` and `::1`: the machine itself.
    Loopback,
    /// `10.0.0.0/8`, `172.16.0.0/12` and `192.168.0.0/16` (RFC 1918).
    Private,
    /// `100.64.0.0/10` (RFC 6598): an ISP's network behind carrier-grade NAT.
    CarrierGradeNat,
    /// `169.254.0.0/16` and `fe80::/10`: the local link, where cloud metadata services listen
    /// (`169.254.169.254`).
    LinkLocal,
    /// `fc00::/7` (RFC 4193): IPv6's private networks, AWS's metadata service `fd00:ec2::254`
    /// among them.
    UniqueLocal,
    /// `255.255.255.255`: every host on the local network.
    Broadcast,
    /// `224.0.0.0/4` and `ff00::/8`: groups, not a host.
    Multicast,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32` and `3fff::/20`:
    /// for examples only and never routed, so a host answering on one is on a network that
    /// borrowed the range for itself; no real receiver has such an address.
    Documentation,
    /// `198.18.0.0/15` and `2001:2::/48` (RFC 2544, RFC 5180): for testing network equipment,
    /// not routed on the internet but in use inside labs and data centres.
    Benchmarking,
    /// The rest the internet does not route to hosts: `192.0.0.0/24` (IETF protocol
    /// assignments such as DS-Lite and NAT64 discovery), `192.88.99.0/24` (the retired 6to4
    /// relay anycast, RFC 7526: any network may still run a relay there), `240.0.0.0/4`
    /// (reserved for future use), `2001::/23` (IETF protocol assignments, including Teredo,
    /// which tunnels to an IPv4 address it hides in its own), and IPv6 outside global unicast
    /// `2000::/3` (among others `100::/64` discard-only, `64:ff9b:1::/48` local-use NAT64,
    /// `fec0::/10` the old site-local, `5f00::/16` segment routing).
    Reserved,
}

impl fmt::Display for AddressRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressRange::Unspecified => "an unspecified address (0.0.0.0/8, ::)",
            AddressRange::Loopback => "a loopback address (127.0.0.0/8, ::1)",
            AddressRange::Private => "a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
            AddressRange::CarrierGradeNat => "a carrier-grade NAT address (100.64.0.0/10)",
            AddressRange::LinkLocal => "a link-local address (169.254.0.0/16, fe80::/10)",
            AddressRange::UniqueLocal => "a unique local address (fc00::/7)",
            AddressRange::Broadcast => "the broadcast address (255.255.255.255)",
            AddressRange::Multicast => "a multicast address (224.0.0.0/4, ff00::/8)",
            AddressRange::Documentation => {
                "a documentation address (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, \
                 2001:db8::/32, 3fff::/20)"
            }
            AddressRange::Benchmarking => "a benchmarking address (198.18.0.0/15, 2001:2::/48)",
            AddressRange::Reserved => "a reserved address",
        })
    }
}

/// Why a host is not one on the public internet.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NonPublicHost {
    #[error("the host is {0}, which is not on the public internet")]
    Address(AddressRange),
    #[error(
        "a host ending in a number is an IPv4 address and must be written as four decimal numbers \
         without leading zeros, a.b.c.d (not 127.1, 0177.0.0.1, 0x7f000001 or 2130706433)"
    )]
    NumericHost,
    #[error("the host must not end with a dot")]
    TrailingDot,
    #[error("localhost names the local machine")]
    Localhost,
    #[error("a host name needs a dot: a single name such as `metadata` is looked up inside the local network")]
    SingleLabel,
    #[error("names under .{suffix} are only resolved inside private networks")]
    PrivateName { suffix: &'static str },
}

/// Names that only private networks resolve: a name equal to one of these or ending in `.` and
/// one of these is refused.
pub const PRIVATE_SUFFIXES: [&str; 8] = [
    // Private networks and cloud providers' own services (metadata.google.internal).
    "internal",
    // Multicast DNS: devices on the local network (RFC 6762).
    "local",
    // Home networks (RFC 8375).
    "home.arpa",
    // Names RFC 6762 (appendix G) found private networks using, never delegated publicly.
    "intranet",
    "private",
    "corp",
    "home",
    "lan",
];

/// IPv4 ranges off the public internet; the first that holds an address names its range.
const IPV4_RANGES: [(Ipv4Addr, u32, AddressRange); 16] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8, AddressRange::Unspecified),
    (Ipv4Addr::new(10, 0, 0, 0), 8, AddressRange::Private),
    (Ipv4Addr::new(100, 64, 0, 0), 10, AddressRange::CarrierGradeNat),
    (Ipv4Addr::new(127, 0, 0, 0), 8, AddressRange::Loopback),
    (Ipv4Addr::new(169, 254, 0, 0), 16, AddressRange::LinkLocal),
    (Ipv4Addr::new(172, 16, 0, 0), 12, AddressRange::Private),
    (Ipv4Addr::new(192, 0, 0, 0), 24, AddressRange::Reserved),
    (Ipv4Addr::new(192, 0, 2, 0), 24, AddressRange::Documentation),
    (Ipv4Addr::new(192, 88, 99, 0), 24, AddressRange::Reserved),
    (Ipv4Addr::new(192, 168, 0, 0), 16, AddressRange::Private),
    (Ipv4Addr::new(198, 18, 0, 0), 15, AddressRange::Benchmarking),
    (Ipv4Addr::new(198, 51, 100, 0), 24, AddressRange::Documentation),
    (Ipv4Addr::new(203, 0, 113, 0), 24, AddressRange::Documentation),
    (Ipv4Addr::new(224, 0, 0, 0), 4, AddressRange::Multicast),
    // Before 240.0.0.0/4, which holds it.
    (Ipv4Addr::new(255, 255, 255, 255), 32, AddressRange::Broadcast),
    (Ipv4Addr::new(240, 0, 0, 0), 4, AddressRange::Reserved),
];

/// IPv6 ranges off the public internet, before the forms that carry IPv4 addresses are looked
/// into; the first that holds an address names its range.
const IPV6_RANGES: [(Ipv6Addr, u32, AddressRange); 9] = [
    (Ipv6Addr::UNSPECIFIED, 128, AddressRange::Unspecified),
    (Ipv6Addr::LOCALHOST, 128, AddressRange::Loopback),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, AddressRange::LinkLocal),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, AddressRange::UniqueLocal),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, AddressRange::Multicast),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, AddressRange::Documentation),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20, AddressRange::Documentation),
    // Before 2001::/23, which holds it.
    (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48, AddressRange::Benchmarking),
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23, AddressRange::Reserved),
];

/// IPv6 prefixes whose last 32 bits are an IPv4 address that the packets are delivered to.
const IPV4_IN_LAST_32_BITS: [Ipv6Addr; 4] = [
    // IPv4-mapped.
    Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0),
    // IPv4-compatible (deprecated, still understood by some stacks).
    Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0),
    // IPv4-translated (SIIT).
    Ipv6Addr::new(0, 0, 0, 0, 0xffff, 0, 0, 0),
    // NAT64's well-known prefix.
    Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0),
];

/// 6to4: the IPv4 address follows these 16 bits.
const SIX_TO_FOUR: Ipv6Addr = Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0);

/// IPv6's global unicast space; whatever lies outside it (and is no form above) is not a host
/// on the internet.
const GLOBAL_UNICAST: Ipv6Addr = Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0);

impl Host<'_> {
    /// Refuses a host whose text leads off the public internet, by the rules in the module docs.
    pub fn check_public(&self) -> Result<(), NonPublicHost> {
        match *self {
            Host::Ipv6(address) => outside(ipv6_range(address)),
            Host::Name(name) => check_public_name(name),
        }
    }
}

/// Ok for an address in none of the ranges, else the refusal naming its range.
fn outside(range: Option<AddressRange>) -> Result<(), NonPublicHost> {
    range.map_or(Ok(()), |range| Err(NonPublicHost::Address(range)))
}

fn check_public_name(name: &str) -> Result<(), NonPublicHost> {
    if name.ends_with('.') {
        return Err(NonPublicHost::TrailingDot);
    }
    let name = name.to_ascii_lowercase();
    let last_label = name.rsplit_once('.').map_or(name.as_str(), |(_, last)| last);
    if is_number(last_label) {
        let address = name
            .parse::<Ipv4Addr>()
            .ok()
            .filter(|address| address.to_string() == name)
            .ok_or(NonPublicHost::NumericHost)?;
        return outside(ipv4_range(address));
    }
    if name == "localhost" || name.ends_with(".localhost") {
        return Err(NonPublicHost::Localhost);
    }
    if !name.contains('.') {
        return Err(NonPublicHost::SingleLabel);
    }
    let private = |suffix: &str| name.strip_suffix(suffix).is_some_and(|rest| rest.is_empty() || rest.ends_with('.'));
    match PRIVATE_SUFFIXES.into_iter().find(|suffix| private(suffix)) {
        Some(suffix) => Err(NonPublicHost::PrivateName { suffix }),
        None => Ok(()),
    }
}

/// Whether a WHATWG URL parser reads `label` as a number (its "ends in a number" check): all
/// decimal digits (leading zeros make it octal), or `0x` and hex digits, even none.
fn is_number(label: &str) -> bool {
    match label.strip_prefix("0x") {
        Some(hex) => hex.chars().all(|c| c.is_ascii_hexdigit()),
        None => !label.is_empty() && label.chars().all(|c| c.is_ascii_digit()),
    }
}

fn ipv4_range(address: Ipv4Addr) -> Option<AddressRange> {
    let bits = u128::from(address.to_bits());
    IPV4_RANGES
        .iter()
        .find(|(network, length, _)| same_prefix(bits, u128::from(network.to_bits()), *length, 32))
        .map(|&(_, _, range)| range)
}

fn ipv6_range(address: Ipv6Addr) -> Option<AddressRange> {
    let bits = address.to_bits();
    let listed = IPV6_RANGES.iter().find(|(network, length, _)| same_prefix(bits, network.to_bits(), *length, 128));
    if let Some(&(_, _, range)) = listed {
        return Some(range);
    }
    if let Some(carried) = carried_ipv4(bits) {
        return ipv4_range(carried);
    }
    (!same_prefix(bits, GLOBAL_UNICAST.to_bits(), 3, 128)).then_some(AddressRange::Reserved)
}

/// The IPv4 address an IPv6 address (as bits) carries, in the forms that deliver to it.
fn carried_ipv4(bits: u128) -> Option<Ipv4Addr> {
    // The casts keep the 32 bits that hold the IPv4 address and drop those above.
    if IPV4_IN_LAST_32_BITS.iter().any(|prefix| same_prefix(bits, prefix.to_bits(), 96, 128)) {
        return Some(Ipv4Addr::from_bits(bits as u32));
    }
    same_prefix(bits, SIX_TO_FOUR.to_bits(), 16, 128).then(|| Ipv4Addr::from_bits((bits >> 80) as u32))
}

/// Whether the first `length` of the `width` bits of two addresses are the same.
fn same_prefix(address: u128, network: u128, length: u32, width: u32) -> bool {
    let shift = width - length;
    // A shift by all 128 bits (a zero-length prefix) is undefined; every address matches it.
    address.checked_shr(shift).unwrap_or(0) == network.checked_shr(shift).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(host: &str) -> Result<(), NonPublicHost> {
        match host.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
            Some(address) => Host::Ipv6(address.parse().expect("an IPv6 address")).check_public(),
            None => Host::Name(host).check_public(),
        }
    }

    #[test]
    fn addresses() {
        use AddressRange::*;
        let cases: Vec<(&str, Option<AddressRange>)> = vec![
            ("8.8.8.8", None),
            ("1.1.1.1", None),
            ("100.63.255.255", None),
            ("100.128.0.0", None),
            ("172.15.255.255", None),
            ("172.32.0.0", None),
            ("192.0.1.255", None),
            ("198.17.255.255", None),
            ("198.20.0.0", None),
            ("223.255.255.255", None),
            ("0.0.0.0", Some(Unspecified)),
            ("0.1.2.3", Some(Unspecified)),
            ("127.0.0.1", Some(Loopback)),
            ("127.255.255.254", Some(Loopback)),
            ("10.0.0.1", Some(Private)),
            ("172.16.0.1", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("192.168.1.1", Some(Private)),
            ("100.64.0.1", Some(CarrierGradeNat)),
            ("100.127.255.255", Some(CarrierGradeNat)),
            ("169.254.169.254", Some(LinkLocal)),
            ("192.0.0.170", Some(Reserved)),
            ("192.0.2.1", Some(Documentation)),
            ("198.51.100.7", Some(Documentation)),
            ("203.0.113.7", Some(Documentation)),
            ("192.88.99.1", Some(Reserved)),
            ("198.18.0.1", Some(Benchmarking)),
            ("198.19.255.255", Some(Benchmarking)),
            ("224.0.0.1", Some(Multicast)),
            ("239.255.255.250", Some(Multicast)),
            ("240.0.0.1", Some(Reserved)),
            ("255.255.255.254", Some(Reserved)),
            ("255.255.255.255", Some(Broadcast)),
            ("[2606:4700:4700::1111]", None),
            ("[2a00:1450:4001:82a::200e]", None),
            ("[::ffff:8.8.8.8]", None),
            ("[64:ff9b::808:808]", None),
            ("[2002:808:808::1]", None),
            ("[::]", Some(Unspecified)),
            ("[::1]", Some(Loopback)),
            ("[0:0:0:0:0:0:0:1]", Some(Loopback)),
            ("[fe80::1]", Some(LinkLocal)),
            ("[febf:ffff::1]", Some(LinkLocal)),
            ("[fd00:ec2::254]", Some(UniqueLocal)),
            ("[fc00::1]", Some(UniqueLocal)),
            ("[ff02::1]", Some(Multicast)),
            ("[2001:db8::1]", Some(Documentation)),
            ("[3fff::1]", Some(Documentation)),
            ("[2001:2::1]", Some(Benchmarking)),
            ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", Some(Reserved)),
            ("[100::1]", Some(Reserved)),
            ("[64:ff9b:1::a00:1]", Some(Reserved)),
            ("[fec0::1]", Some(Reserved)),
            ("[5f00::1]", Some(Reserved)),
            ("[4000::1]", Some(Reserved)),
            // IPv6 forms carrying an IPv4 address are judged by it.
            ("[::ffff:127.0.0.1]", Some(Loopback)),
            ("[::ffff:7f00:1]", Some(Loopback)),
            ("[::ffff:169.254.169.254]", Some(LinkLocal)),
            ("[::ffff:10.0.0.1]", Some(Private)),
            ("[::127.0.0.1]", Some(Loopback)),
            ("[::a00:1]", Some(Private)),
            ("[::2]", Some(Unspecified)),
            ("[::ffff:0:192.168.1.1]", Some(Private)),
            ("[64:ff9b::169.254.169.254]", Some(LinkLocal)),
            ("[64:ff9b::7f00:1]", Some(Loopback)),
            ("[2002:7f00:1::]", Some(Loopback)),
            ("[2002:c0a8:101::1]", Some(Private)),
            ("[2002:a9fe:a9fe::1]", Some(LinkLocal)),
        ];
        for (host, range) in cases {
            assert_eq!(check(host), range.map_or(Ok(()), |range| Err(NonPublicHost::Address(range))), "{host}");
        }
    }

    #[test]
    fn names() {
        let private = |suffix: &'static str| Err(NonPublicHost::PrivateName { suffix });
        let cases: Vec<(&str, Result<(), NonPublicHost>)> = vec![
            ("shop.example", Ok(())),
            ("hooks.shop.example", Ok(())),
            ("xn--shp-tna.example", Ok(())),
            ("localhost.evil.example", Ok(())),
            ("internal.example", Ok(())),
            ("metadata.example", Ok(())),
            ("my-local.example", Ok(())),
            ("notlocal", Err(NonPublicHost::SingleLabel)),
            ("8.8.8.8.example", Ok(())),
            ("123.example", Ok(())),
            ("0xg.example", Ok(())),
            ("localhost", Err(NonPublicHost::Localhost)),
            ("LocalHost", Err(NonPublicHost::Localhost)),
            ("app.localhost", Err(NonPublicHost::Localhost)),
            ("localhost.", Err(NonPublicHost::TrailingDot)),
            ("shop.example.", Err(NonPublicHost::TrailingDot)),
            ("metadata", Err(NonPublicHost::SingleLabel)),
            ("intranet", Err(NonPublicHost::SingleLabel)),
            ("metadata.google.internal", private("internal")),
            ("METADATA.GOOGLE.INTERNAL", private("internal")),
            ("printer.local", private("local")),
            ("nas.home.arpa", private("home.arpa")),
            ("home.arpa", private("home.arpa")),
            ("wiki.intranet", private("intranet")),
            ("db.private", private("private")),
            ("mail.corp", private("corp")),
            ("router.home", private("home")),
            ("nas.lan", private("lan")),
        ];
        for (host, expected) in cases {
            assert_eq!(check(host), expected, "{host}");
        }
    }

    #[test]
    fn a_numeric_host_must_be_a_canonical_dotted_quad() {
        let cases: Vec<(&str, Result<(), NonPublicHost>)> = vec![
            ("8.8.8.8", Ok(())),
            ("127.0.0.1", Err(NonPublicHost::Address(AddressRange::Loopback))),
            // The spellings of 127.0.0.1 a URL parser accepts.
            ("127.1", Err(NonPublicHost::NumericHost)),
            ("127.0.1", Err(NonPublicHost::NumericHost)),
            ("0177.0.0.1", Err(NonPublicHost::NumericHost)),
            ("0x7f.0.0.1", Err(NonPublicHost::NumericHost)),
            ("0x7f000001", Err(NonPublicHost::NumericHost)),
            ("0X7F000001", Err(NonPublicHost::NumericHost)),
            ("2130706433", Err(NonPublicHost::NumericHost)),
            ("017700000001", Err(NonPublicHost::NumericHost)),
            // Public addresses spelt the same ways are refused all the same.
            ("134744072", Err(NonPublicHost::NumericHost)),
            ("8.8.2056", Err(NonPublicHost::NumericHost)),
            ("08.8.8.8", Err(NonPublicHost::NumericHost)),
            // Numbers a URL parser would refuse, or read some other way.
            ("1.2.3.4.5", Err(NonPublicHost::NumericHost)),
            ("256.1.1.1", Err(NonPublicHost::NumericHost)),
            ("shop.example.1", Err(NonPublicHost::NumericHost)),
            ("shop.0x", Err(NonPublicHost::NumericHost)),
            ("shop.0x1f", Err(NonPublicHost::NumericHost)),
            ("0", Err(NonPublicHost::NumericHost)),
        ];
        for (host, expected) in cases {
            assert_eq!(check(host), expected, "{host}");
        }
    }

    #[test]
    fn a_private_name_says_its_suffix() {
        assert_eq!(
            NonPublicHost::PrivateName { suffix: "internal" }.to_string(),
            "names under .internal are only resolved inside private networks"
        );
    }
}
