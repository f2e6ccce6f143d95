//! The peer table: who we know, how we learned of them, when we last heard from
//! them, what they report, and the traffic we exchanged — bounded in size.

mod links;
mod peer;
#[cfg(test)]
mod tests;
mod traffic;
mod verified;

pub use peer::{Learned, Peer, Upsert};
pub use traffic::{Book, Traffic};

use super::standing::Report;
use links::Links;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use verified::Verified;

/// All known peers, ordered by address so that everything fed from it is deterministic.
#[derive(Debug)]
pub struct PeerTable {
    peers: BTreeMap<SocketAddr, Peer>,
    /// The verified ones, to draw from at random.
    verified: Verified,
    /// The peers only named by others, oldest first: the first to be evicted, and to
    /// expire. Their `last_seen` never moves (naming keeps no one alive), so this order
    /// holds until they speak for themselves and leave it.
    named: BTreeSet<(Instant, SocketAddr)>,
    /// Edges of the peer graph.
    links: Links,
    max: usize,
    refused: u64,
    /// The earliest `last_seen` of a verified peer, once asked for. The node asks after
    /// every datagram (its next deadline), and scanning 1 024 peers each time was most of
    /// its work in big networks (docs/SCALE.md); times only move forward, so only moving
    /// or removing the peer that holds it makes it stale — then it is found again once.
    earliest: Cell<Option<Instant>>,
}

/// Marks the verified `peer` as heard from at `now`, forgetting the table's `earliest`
/// time if it was this peer's.
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
        Self {
            peers: BTreeMap::new(),
            verified: Verified::default(),
            named: BTreeSet::new(),
            links: Links::new(max * 8),
            max,
            refused: 0,
            earliest: Cell::new(None),
        }
    }

    /// Adds `addr` or refreshes it; a better-informed name replaces an empty one.
    /// `verified`: the news came from `addr` itself.
    pub fn upsert(&mut self, addr: SocketAddr, name: &str, learned: Learned, now: Instant, verified: bool) -> Upsert {
        if let Some(peer) = self.peers.get_mut(&addr) {
            // Alive on its own word, or a verified peer on another's; a peer only ever
            // named by others is not kept alive by more naming (see `refresh`).
            if verified && !peer.verified {
                self.named.remove(&(peer.last_seen, addr));
                peer.verified = true;
                self.verified.insert(addr);
            }
            if peer.verified {
                seen(peer, now, &self.earliest);
            }
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
            traffic: Book::default(),
        };
        self.peers.insert(addr, peer);
        if verified {
            self.verified.insert(addr);
            if self.earliest.get().is_some_and(|earliest| now < earliest) {
                self.earliest.set(Some(now));
            }
        } else {
            self.named.insert((now, addr));
        }
        Upsert::New
    }

    /// Makes room in a full table: the stalest peer that was only named by others goes,
    /// so names cannot fill the table and shut out peers that speak for themselves.
    fn evict_a_named_only_peer(&mut self) -> bool {
        let Some((_, addr)) = self.named.pop_first() else {
            return false;
        };
        self.peers.remove(&addr);
        self.links.left(1);
        true
    }

    /// Marks a known peer as heard from now, from its own address (the UDP source of a
    /// datagram: the only proof of an address), and counts the datagram (of `kind`,
    /// `bytes` long); unknown addresses stay unknown.
    pub fn heard_from(&mut self, addr: SocketAddr, now: Instant, kind: &'static str, bytes: usize) {
        if let Some(peer) = self.peers.get_mut(&addr) {
            if !peer.verified {
                self.named.remove(&(peer.last_seen, addr));
                peer.verified = true;
                self.verified.insert(addr);
            }
            seen(peer, now, &self.earliest);
            peer.traffic.record(kind, bytes, true);
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

    /// Counts a datagram sent to `addr`.
    pub fn record_out(&mut self, addr: SocketAddr, kind: &'static str, bytes: usize) {
        if let Some(peer) = self.peers.get_mut(&addr) {
            peer.traffic.record(kind, bytes, false);
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

    /// Remembers that `forwarder` forwarded a FLOOD of `origin` (an edge of the peer
    /// graph; IPv4 peers only, as the protocol runs over IPv4).
    pub fn add_link(&mut self, forwarder: SocketAddr, origin: SocketAddr) {
        if self.peers.contains_key(&forwarder) && self.peers.contains_key(&origin) {
            let peers = &self.peers;
            self.links.add(forwarder, origin, |a| peers.contains_key(a));
        }
    }

    /// Drops peers silent for longer than `timeout`; returns them, in address order.
    pub fn expire(&mut self, now: Instant, timeout: Duration) -> Vec<SocketAddr> {
        let mut gone = Vec::new();
        while let Some(&(seen, addr)) = self.named.first()
            && now.saturating_duration_since(seen) >= timeout
        {
            self.named.pop_first();
            self.peers.remove(&addr);
            gone.push(addr);
        }
        if self.next_verified_expiry(timeout).is_some_and(|due| now >= due) {
            self.earliest.set(None);
            let silent: Vec<SocketAddr> = self
                .peers
                .iter()
                .filter(|(_, p)| p.verified && now.saturating_duration_since(p.last_seen) >= timeout)
                .map(|(a, _)| *a)
                .collect();
            for addr in silent {
                self.peers.remove(&addr);
                self.verified.remove(&addr);
                gone.push(addr);
            }
        }
        self.links.left(gone.len());
        gone.sort_unstable();
        gone
    }

    /// When the next peer would expire.
    pub fn next_expiry(&self, timeout: Duration) -> Option<Instant> {
        let named = self.named.first().map(|(seen, _)| *seen + timeout);
        [named, self.next_verified_expiry(timeout)].into_iter().flatten().min()
    }

    /// When the next verified peer would expire.
    fn next_verified_expiry(&self, timeout: Duration) -> Option<Instant> {
        let earliest = self.earliest.get().or_else(|| {
            let found = self.peers.values().filter(|p| p.verified).map(|p| p.last_seen).min();
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

    /// Up to `k` verified peers not in `except`, drawn at random with `rng`: O(k), not
    /// O(peers).
    pub fn sample_verified(&self, rng: &mut fastrand::Rng, k: usize, except: &[SocketAddr]) -> Vec<SocketAddr> {
        self.verified.sample(rng, k, except)
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

    /// The known edges of the peer graph (between peers in the table).
    pub fn links(&self) -> impl Iterator<Item = (SocketAddr, SocketAddr)> {
        self.links.iter(|a| self.peers.contains_key(a))
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
