//! Addresses in 8 bytes instead of 32, for the tables that hold thousands of them (the
//! peer graph's links, the rate limiters' buckets): the protocol runs over IPv4
//! (PROTOCOL.md §1), and an IPv4 address and port fit a `u64`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, SocketAddr};

/// The top bit marks a key that is a hash (of an IPv6 address), not an IPv4 address.
const HASHED: u64 = 1 << 63;

/// `addr` packed, if it is an IPv4 address.
pub(super) fn pack(addr: SocketAddr) -> Option<u64> {
    match addr {
        SocketAddr::V4(v4) => Some(u64::from(v4.ip().to_bits()) << 16 | u64::from(v4.port())),
        SocketAddr::V6(_) => None,
    }
}

/// The address `pack` made `key` of.
pub(super) fn unpack(key: u64) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::from_bits((key >> 16) as u32), key as u16))
}

/// A key for `addr` in a table where two addresses may rarely share one: packed for IPv4,
/// a hash for anything else.
pub(super) fn key(addr: SocketAddr) -> u64 {
    pack(addr).unwrap_or_else(|| {
        let mut hasher = DefaultHasher::new();
        addr.hash(&mut hasher);
        hasher.finish() | HASHED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_addresses_pack_and_unpack_and_others_hash_apart_from_them() {
        for addr in ["127.0.0.1:9000", "255.255.255.255:65535", "0.0.0.0:0", "192.168.1.20:8999"] {
            let addr: SocketAddr = addr.parse().unwrap();
            assert_eq!(pack(addr).map(unpack), Some(addr));
            assert_eq!(key(addr), pack(addr).unwrap());
            assert_eq!(key(addr) & HASHED, 0);
        }
        let v6: SocketAddr = "[::1]:9000".parse().unwrap();
        assert_eq!(pack(v6), None);
        assert_ne!(key(v6) & HASHED, 0);
        assert_eq!(key(v6), key(v6));
    }
}
