//! The key a client's rate limits are counted under, made from the address the edge sees
//! (`CF-Connecting-IP`):
//!
//! - IPv4: the address (`203.0.113.7`).
//! - IPv6: the address's /64, as `2001:db8:1:2::/64` (the RFC 5952 form, so every spelling of
//!   one network gives one key). A host is routinely given a whole /64 and may use any address
//!   in it (privacy extensions rotate them daily; a script can rotate them per request), so
//!   keying by the full address would let one client count as 2^64 clients.
//! - IPv4-mapped IPv6 (`::ffff:203.0.113.7`): that IPv4 address, so one client counts once
//!   however its address is written.
//! - Anything else (empty, a name, an address with a zone index): one shared key,
//!   [`UNPARSEABLE_CLIENT_KEY`].

use std::net::{IpAddr, Ipv6Addr};

/// The key of every client whose address does not parse. Behind Cloudflare the header always
/// holds an address, so anything else came by another way (a missing or forged header). Keyed
/// by its text, each different string would get its own allowance and whoever writes the text
/// could mint as many as they like; sharing one key keeps them all within one client's limits.
pub const UNPARSEABLE_CLIENT_KEY: &str = "unparseable";

/// The rate-limit key of the client at `address`, by the rules in the module docs.
pub fn rate_limit_key(address: &str) -> String {
    match address.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => format!("{}/64", Ipv6Addr::from_bits(v6.to_bits() & NETWORK_64)),
        },
        Err(_) => UNPARSEABLE_CLIENT_KEY.to_owned(),
    }
}

/// The first 64 bits of an IPv6 address: its network, as the subscriber was given it.
const NETWORK_64: u128 = !0 << 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let cases = [
            ("203.0.113.7", "203.0.113.7"),
            (" 203.0.113.7 ", "203.0.113.7"),
            ("10.0.0.1", "10.0.0.1"),
            ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
            ("2001:0DB8:0001:0002::1", "2001:db8:1:2::/64"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
            ("2001:db8::1", "2001:db8::/64"),
            ("2001:db8:0:0:1::", "2001:db8::/64"),
            ("fe80::1", "fe80::/64"),
            ("::1", "::/64"),
            ("::ffff:203.0.113.7", "203.0.113.7"),
            ("::ffff:cb00:7107", "203.0.113.7"),
            // Not mapped: an ordinary IPv6 address whose last 32 bits look like IPv4.
            ("64:ff9b::203.0.113.7", "64:ff9b::/64"),
            ("", UNPARSEABLE_CLIENT_KEY),
            ("unknown", UNPARSEABLE_CLIENT_KEY),
            ("203.0.113.7, 198.51.100.1", UNPARSEABLE_CLIENT_KEY),
            ("203.0.113.7:443", UNPARSEABLE_CLIENT_KEY),
            ("[2001:db8::1]", UNPARSEABLE_CLIENT_KEY),
            ("fe80::1%eth0", UNPARSEABLE_CLIENT_KEY),
            ("0203.0.113.7", UNPARSEABLE_CLIENT_KEY),
            ("256.0.0.1", UNPARSEABLE_CLIENT_KEY),
        ];
        for (address, key) in cases {
            assert_eq!(rate_limit_key(address), key, "{address:?}");
        }
    }
}
