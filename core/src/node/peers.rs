//! The peer table: who we know, how we learned of them, when we last heard from
//! them, what they report, and the traffic we exchanged — bounded in size.

use super::standing::Report;
use serde::Serialize;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How a peer came to be known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Learned {
    /// It is the well-known peer we joined through.
    WellKnown,
    /// It FLOODed us itself.
    Flood,
    /// Its FLOOD was forwarded to us by this peer.
    ForwardedBy(SocketAddr),
    /// It answered our FLOOD.
    FloodReply,
    /// Someone added it by hand.
    Manual,
}

/// Messages and bytes of one message type, each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    /// Datagrams received.
    pub msgs_in: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Datagrams sent.
    pub msgs_out: u64,
    /// Bytes sent.
    pub bytes_out: u64,
}

impl<'a> std::iter::Sum<&'a Traffic> for Traffic {
    /// All message types (or peers) together.
    fn sum<I: Iterator<Item = &'a Traffic>>(iter: I) -> Self {
        iter.fold(Traffic::default(), |sum, t| Traffic {
            msgs_in: sum.msgs_in + t.msgs_in,
            bytes_in: sum.bytes_in + t.bytes_in,
            msgs_out: sum.msgs_out + t.msgs_out,
            bytes_out: sum.bytes_out + t.bytes_out,
        })
    }
}

/// What we know of one peer.
#[derive(Clone, Debug)]
pub struct Peer {
    /// Its name from FLOOD / FLOOD-REPLY.
    pub name: String,
    /// How we learned of it.
    pub learned: Learned,
    /// When we first heard of it.
    pub first_seen: Instant,
    /// When we last heard from it.
    pub last_seen: Instant,
    /// Round-trip time of its last STATS.
    pub rtt: Option<Duration>,
    /// Whether a datagram has come from its address (a FLOOD's host may be spoofed).
    pub verified: bool,
    /// The chain it last told us of (a STATS_REPLY or an ANNOUNCE).
    pub reported: Option<Report>,
    /// Traffic by message type.
    pub traffic: BTreeMap<&'static str, Traffic>,
}

/// The outcome of offering a peer to the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upsert {
    /// A new peer.
    New,
    /// A known peer, refreshed.
    Refreshed,
    /// The table is full.
    Refused,
}

/// All known peers, ordered by address so that everything fed from it is deterministic.
#[derive(Debug)]
pub struct PeerTable {
    peers: BTreeMap<SocketAddr, Peer>,
    links: BTreeSet<(SocketAddr, SocketAddr)>,
    max: usize,
    refused: u64,
    /// The earliest `last_seen` in the table, once asked for. The node asks after every
    /// datagram (its next deadline), and scanning 1 024 peers each time was most of its
    /// work in big networks (docs/SCALE.md); times only move forward, so only moving or
    /// removing the peer that holds it makes it stale — then it is found again once.
    earliest: Cell<Option<Instant>>,
}

/// Marks `peer` as heard from at `now`, forgetting the table's `earliest` time if it
/// was this peer's.
fn seen(peer: &mut Peer, now: Instant, earliest: &Cell<Option<Instant>>) {
    match earliest.get() {
        Some(time) if now < time => earliest.set(Some(now)),
        Some(time) if time == peer.last_seen => earliest.set(None),
        _ => {}
    }
    peer.last_seen = now;
}

impl PeerTable {
    /// An empty table of at most `max` peers.
    pub fn new(max: usize) -> Self {
        Self { peers: BTreeMap::new(), links: BTreeSet::new(), max, refused: 0, earliest: Cell::new(None) }
    }

    /// Adds `addr` or refreshes it; a better-informed name replaces an empty one.
    /// `verified`: the news came from `addr` itself.
    pub fn upsert(&mut self, addr: SocketAddr, name: &str, learned: Learned, now: Instant, verified: bool) -> Upsert {
        if let Some(peer) = self.peers.get_mut(&addr) {
            // Alive on its own word, or a verified peer on another's; a peer only ever
            // named by others is not kept alive by more naming (see `refresh`).
            if verified || peer.verified {
                seen(peer, now, &self.earliest);
            }
            peer.verified |= verified;
            if !name.is_empty() {
                name.clone_into(&mut peer.name);
            }
            return Upsert::Refreshed;
        }
        if self.peers.len() >= self.max && !self.evict_a_named_only_peer() {
            self.refused += 1;
            return Upsert::Refused;
        }
        let peer = Peer {
            name: name.to_owned(),
            learned,
            first_seen: now,
            last_seen: now,
            verified,
            rtt: None,
            reported: None,
            traffic: BTreeMap::new(),
        };
        self.peers.insert(addr, peer);
        if self.earliest.get().is_some_and(|earliest| now < earliest) {
            self.earliest.set(Some(now));
        }
        Upsert::New
    }

    /// Makes room in a full table: the stalest peer that was only named by others goes,
    /// so names cannot fill the table and shut out peers that speak for themselves.
    fn evict_a_named_only_peer(&mut self) -> bool {
        let stalest = self.peers.iter().filter(|(_, p)| !p.verified).min_by_key(|(a, p)| (p.last_seen, **a));
        let Some(addr) = stalest.map(|(a, _)| *a) else {
            return false;
        };
        self.peers.remove(&addr);
        self.links.retain(|(a, b)| *a != addr && *b != addr);
        self.earliest.set(None);
        true
    }

    /// Marks a known peer as heard from now, from its own address (the UDP source of a
    /// datagram: the only proof of an address); unknown addresses stay unknown.
    pub fn touch(&mut self, addr: SocketAddr, now: Instant) {
        if let Some(peer) = self.peers.get_mut(&addr) {
            seen(peer, now, &self.earliest);
            peer.verified = true;
        }
    }

    /// Marks a verified peer as alive now on someone else's word (its FLOOD forwarded
    /// again). A peer only ever named by others is not kept alive by more naming: it
    /// expires unless it speaks for itself.
    pub fn refresh(&mut self, addr: SocketAddr, now: Instant) {
        if let Some(peer) = self.peers.get_mut(&addr).filter(|p| p.verified) {
            seen(peer, now, &self.earliest);
        }
    }

    /// Whether `addr` is a peer that has talked to us from its own address.
    pub fn is_verified(&self, addr: &SocketAddr) -> bool {
        self.peers.get(addr).is_some_and(|p| p.verified)
    }

    /// Counts a datagram received from `addr`.
    pub fn record_in(&mut self, addr: SocketAddr, kind: &'static str, bytes: usize) {
        if let Some(peer) = self.peers.get_mut(&addr) {
            let t = peer.traffic.entry(kind).or_default();
            t.msgs_in += 1;
            t.bytes_in += bytes as u64;
        }
    }

    /// Counts a datagram sent to `addr`.
    pub fn record_out(&mut self, addr: SocketAddr, kind: &'static str, bytes: usize) {
        if let Some(peer) = self.peers.get_mut(&addr) {
            let t = peer.traffic.entry(kind).or_default();
            t.msgs_out += 1;
            t.bytes_out += bytes as u64;
        }
    }

    /// Stores a STATS_REPLY and its round-trip time.
    pub fn set_reported(&mut self, addr: SocketAddr, report: Report, rtt: Option<Duration>) {
        if let Some(peer) = self.peers.get_mut(&addr) {
            peer.reported = Some(report);
            if rtt.is_some() {
                peer.rtt = rtt;
            }
        }
    }

    /// Stores a block `addr` announced as its tip, unless it told us of a longer chain.
    pub fn raise_reported(&mut self, addr: SocketAddr, report: Report) {
        if let Some(peer) = self.peers.get_mut(&addr)
            && peer.reported.as_ref().is_none_or(|r| r.height <= report.height)
        {
            peer.reported = Some(report);
        }
    }

    /// Remembers that `forwarder` forwarded a FLOOD of `origin` (an edge of the peer graph).
    pub fn add_link(&mut self, forwarder: SocketAddr, origin: SocketAddr) {
        if self.peers.contains_key(&forwarder) && self.peers.contains_key(&origin) && self.links.len() < self.max * 8 {
            self.links.insert((forwarder, origin));
        }
    }

    /// Drops peers silent for longer than `timeout`; returns them.
    pub fn expire(&mut self, now: Instant, timeout: Duration) -> Vec<SocketAddr> {
        if self.next_expiry(timeout).is_none_or(|due| now < due) {
            return Vec::new();
        }
        self.earliest.set(None);
        let gone: Vec<SocketAddr> = self
            .peers
            .iter()
            .filter(|(_, p)| now.saturating_duration_since(p.last_seen) >= timeout)
            .map(|(a, _)| *a)
            .collect();
        for addr in &gone {
            self.peers.remove(addr);
        }
        if !gone.is_empty() {
            self.links.retain(|(a, b)| self.peers.contains_key(a) && self.peers.contains_key(b));
        }
        gone
    }

    /// When the next peer would expire.
    pub fn next_expiry(&self, timeout: Duration) -> Option<Instant> {
        let earliest = self.earliest.get().or_else(|| {
            let found = self.peers.values().map(|p| p.last_seen).min();
            self.earliest.set(found);
            found
        });
        earliest.map(|seen| seen + timeout)
    }

    /// The peer at `addr`.
    pub fn get(&self, addr: &SocketAddr) -> Option<&Peer> {
        self.peers.get(addr)
    }

    /// Whether `addr` is a known peer.
    pub fn contains(&self, addr: &SocketAddr) -> bool {
        self.peers.contains_key(addr)
    }

    /// All peers, by address.
    pub fn iter(&self) -> impl Iterator<Item = (&SocketAddr, &Peer)> {
        self.peers.iter()
    }

    /// All addresses, in order.
    pub fn all_addrs(&self) -> Vec<SocketAddr> {
        self.peers.keys().copied().collect()
    }

    /// Addresses of the peers that have talked to us from their address, in order.
    pub fn verified_addrs(&self) -> Vec<SocketAddr> {
        self.peers.iter().filter(|(_, p)| p.verified).map(|(a, _)| *a).collect()
    }

    /// Addresses we may send to unasked — keep-alives, STATS, our blocks: peers that
    /// talked to us from their address, and those we chose (the well-known peer, one
    /// added by hand). An address only named by others could be anyone's.
    pub fn reachable_addrs(&self) -> Vec<SocketAddr> {
        self.peers
            .iter()
            .filter(|(_, p)| p.verified || matches!(p.learned, Learned::WellKnown | Learned::Manual))
            .map(|(a, _)| *a)
            .collect()
    }

    /// The known edges of the peer graph.
    pub fn links(&self) -> impl Iterator<Item = &(SocketAddr, SocketAddr)> {
        self.links.iter()
    }

    /// Number of peers.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    /// Whether no peer is known.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// Peers refused because the table was full.
    pub fn refused(&self) -> u64 {
        self.refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn names_cannot_fill_the_table() {
        let now = Instant::now();
        let mut table = PeerTable::new(2);
        table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), now, false);
        table.upsert(addr(2), "real", Learned::Flood, now, true);
        assert_eq!(
            table.upsert(addr(3), "new", Learned::Flood, now, true),
            Upsert::New,
            "the named-only one made room"
        );
        assert!(!table.contains(&addr(1)) && table.contains(&addr(2)));
        assert_eq!(table.upsert(addr(4), "named", Learned::ForwardedBy(addr(9)), now, false), Upsert::Refused);
        table.refresh(addr(2), now + Duration::from_secs(5));
        assert_eq!(table.peers[&addr(2)].last_seen, now + Duration::from_secs(5));
    }

    #[test]
    fn full_table_refuses_and_counts() {
        let now = Instant::now();
        let mut table = PeerTable::new(2);
        assert_eq!(table.upsert(addr(1), "a", Learned::Flood, now, true), Upsert::New);
        assert_eq!(table.upsert(addr(2), "b", Learned::Flood, now, true), Upsert::New);
        assert_eq!(table.upsert(addr(3), "c", Learned::Flood, now, true), Upsert::Refused);
        assert_eq!(table.upsert(addr(1), "", Learned::Flood, now, true), Upsert::Refreshed);
        assert_eq!(table.get(&addr(1)).unwrap().name, "a");
        assert_eq!((table.len(), table.refused()), (2, 1));
    }

    #[test]
    fn silent_peers_expire_with_their_links() {
        let start = Instant::now();
        let mut table = PeerTable::new(8);
        table.upsert(addr(1), "a", Learned::Flood, start, true);
        table.upsert(addr(2), "b", Learned::ForwardedBy(addr(1)), start, true);
        table.add_link(addr(1), addr(2));
        table.touch(addr(1), start + Duration::from_secs(30));
        assert_eq!(table.next_expiry(Duration::from_secs(60)), Some(start + Duration::from_secs(60)));
        let gone = table.expire(start + Duration::from_secs(61), Duration::from_secs(60));
        assert_eq!(gone, vec![addr(2)]);
        assert_eq!(table.links().count(), 0);
        assert_eq!(table.iter().map(|(a, _)| *a).collect::<Vec<_>>(), vec![addr(1)]);
    }

    #[test]
    fn naming_a_peer_again_does_not_keep_it_alive_but_its_own_word_does() {
        let start = Instant::now();
        let timeout = Duration::from_secs(60);
        let mut table = PeerTable::new(8);
        let later = start + Duration::from_secs(50);
        table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), start, false);
        table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), later, false);
        assert_eq!(table.next_expiry(timeout), Some(start + timeout), "a stranger's naming is no sign of life");
        table.upsert(addr(1), "named", Learned::Flood, later, true);
        assert_eq!(table.next_expiry(timeout), Some(later + timeout), "its own FLOOD is");
        let latest = later + Duration::from_secs(10);
        table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), latest, false);
        assert_eq!(table.next_expiry(timeout), Some(latest + timeout), "and a verified peer lives on others' word");
    }

    #[test]
    fn the_next_expiry_follows_every_change_of_the_earliest_peer() {
        let start = Instant::now();
        let timeout = Duration::from_secs(60);
        let at = |secs| start + Duration::from_secs(secs);
        let mut table = PeerTable::new(8);
        assert_eq!(table.next_expiry(timeout), None);
        table.upsert(addr(1), "a", Learned::Flood, at(10), true);
        table.upsert(addr(2), "b", Learned::Flood, at(20), true);
        assert_eq!(table.next_expiry(timeout), Some(at(70)));
        table.upsert(addr(3), "c", Learned::Flood, at(5), true); // an older time comes in
        assert_eq!(table.next_expiry(timeout), Some(at(65)));
        table.touch(addr(3), at(30)); // the earliest peer moves on
        assert_eq!(table.next_expiry(timeout), Some(at(70)));
        table.refresh(addr(1), at(40));
        table.upsert(addr(2), "b", Learned::Flood, at(45), true);
        assert_eq!(table.next_expiry(timeout), Some(at(90)), "addr 3 at 30 s is now the earliest");
        assert!(table.expire(at(89), timeout).is_empty());
        assert_eq!(table.expire(at(90), timeout), vec![addr(3)]);
        assert_eq!(table.next_expiry(timeout), Some(at(100)));
        assert_eq!(table.expire(at(200), timeout), vec![addr(1), addr(2)]);
        assert_eq!(table.next_expiry(timeout), None);
    }
}
