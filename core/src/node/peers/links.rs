//! The peer graph's edges: (forwarder, originator) of the join messages forwarded to us,
//! at most a fixed number, each address packed in 8 bytes (IPv4 peers only, as the
//! protocol runs over IPv4). Edges of peers that left are pruned lazily — once enough of
//! them have left and the set is full — so that a busy table does not scan thousands of
//! edges whenever a peer goes; until then they are merely not shown.

use super::super::packed;
use std::collections::BTreeSet;
use std::net::SocketAddr;

/// The edges, and how many peers left since they were last pruned.
#[derive(Debug)]
pub(super) struct Links {
    set: BTreeSet<(u64, u64)>,
    cap: usize,
    left_since_prune: usize,
}

impl Links {
    /// No edges yet; at most `cap`.
    pub(super) fn new(cap: usize) -> Self {
        Self { set: BTreeSet::new(), cap, left_since_prune: 0 }
    }

    /// Adds the edge `forwarder` → `origin`, both peers (`present` says who is); when the
    /// set is full and an eighth of its worth of peers has left, their edges go first.
    pub(super) fn add(&mut self, forwarder: SocketAddr, origin: SocketAddr, present: impl Fn(&SocketAddr) -> bool) {
        let (Some(a), Some(b)) = (packed::pack(forwarder), packed::pack(origin)) else {
            return;
        };
        if self.set.len() >= self.cap && self.left_since_prune >= (self.cap / 8).max(1) {
            self.set.retain(|(a, b)| present(&packed::unpack(*a)) && present(&packed::unpack(*b)));
            self.left_since_prune = 0;
        }
        if self.set.len() < self.cap {
            self.set.insert((a, b));
        }
    }

    /// `count` peers left the table.
    pub(super) fn left(&mut self, count: usize) {
        self.left_since_prune += count;
    }

    /// The edges between peers still present.
    pub(super) fn iter(&self, present: impl Fn(&SocketAddr) -> bool) -> impl Iterator<Item = (SocketAddr, SocketAddr)> {
        let edges = self.set.iter().map(|(a, b)| (packed::unpack(*a), packed::unpack(*b)));
        edges.filter(move |(a, b)| present(a) && present(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn edges_of_peers_that_left_are_hidden_at_once_and_pruned_once_the_set_is_full() {
        let mut links = Links::new(16);
        let mut present: Vec<u16> = (1..=20).collect();
        for forwarder in 1..=4 {
            for origin in 5..=8 {
                let is = |a: &SocketAddr| present.contains(&a.port());
                links.add(addr(forwarder), addr(origin), is);
            }
        }
        assert_eq!(links.set.len(), 16, "full");
        present.retain(|p| *p != 1 && *p != 2);
        links.left(2);
        let is = |a: &SocketAddr| present.contains(&a.port());
        assert_eq!(links.iter(is).count(), 8, "the leavers' edges are not shown");
        links.add(addr(9), addr(10), is);
        assert_eq!(links.set.len(), 9, "two leavers are an eighth of 16: pruned, then added");
        assert!(links.iter(is).any(|e| e == (addr(9), addr(10))));
        links.add(SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], 9)), addr(10), |_| true);
        assert_eq!(links.set.len(), 9, "IPv6 edges are not kept");
    }
}
