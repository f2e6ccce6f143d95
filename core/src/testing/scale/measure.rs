//! What the scale scenario reads from the nodes' events as they happen: when each new
//! block reached 99 % of the peers and how it reached each of them, and when the joining
//! peer knew 90 % of the network and held its chain. Times are exact (virtual), not sampled.

use crate::node::{Arrival, Event};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// Percentage of the network's peers (the miner among them) that must hold a new block.
pub const BLOCK_REACH_PERCENT: usize = 99;
/// Percentage of the network's peers the joining peer must know.
pub const LEARN_PERCENT: usize = 90;

/// How each peer's copy of a block reached it, counted over peers (and blocks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paths {
    /// The miner's own ANNOUNCE.
    pub announce: u64,
    /// An ANNOUNCE relayed by another peer.
    pub relay: u64,
    /// Fetched by a repair (a missed ANNOUNCE, from a peer that showed a longer chain).
    pub repair: u64,
    /// Fetched by a sync after a consensus round.
    pub sync: u64,
}

impl std::ops::Add for Paths {
    type Output = Paths;

    fn add(self, other: Paths) -> Paths {
        Paths {
            announce: self.announce + other.announce,
            relay: self.relay + other.relay,
            repair: self.repair + other.repair,
            sync: self.sync + other.sync,
        }
    }
}

impl Paths {
    /// Every arrival counted.
    pub fn total(&self) -> u64 {
        self.announce + self.relay + self.repair + self.sync
    }

    fn count(&mut self, path: Path) {
        *match path {
            Path::Announce => &mut self.announce,
            Path::Relay => &mut self.relay,
            Path::Repair => &mut self.repair,
            Path::Sync => &mut self.sync,
        } += 1;
    }
}

/// One way a block can reach a peer.
#[derive(Clone, Copy, Debug)]
enum Path {
    Announce,
    Relay,
    Repair,
    Sync,
}

/// A block the miner found in the measured window, as the peers received it.
#[derive(Clone, Debug)]
pub(super) struct NewBlock {
    /// Its height.
    pub height: u64,
    /// Its hash.
    pub hash: String,
    /// When the miner added it.
    pub mined: Duration,
    /// Peers other than the miner that hold it.
    pub holders: usize,
    /// How long it took to reach `reach_needed` of them.
    pub reached: Option<Duration>,
    /// How each holder got it.
    pub paths: Paths,
}

/// Figures read from the events.
#[derive(Debug)]
pub(super) struct Measure {
    miner: SocketAddr,
    joiner: SocketAddr,
    /// Blocks below this height were there from the start.
    first_new: u64,
    /// Peers other than the miner that must hold a block for it to count as spread
    /// (with the miner, 99 % of the network).
    reach_needed: usize,
    /// Peers the joining peer must know.
    learn_needed: usize,
    /// Chain length of every peer but the joining one, as its events tell.
    lengths: BTreeMap<SocketAddr, u64>,
    /// The new blocks, by height.
    blocks: BTreeMap<u64, NewBlock>,
    joined_at: Option<Duration>,
    joiner_knows: usize,
    /// Time from joining to knowing `learn_needed` peers.
    pub(super) learned: Option<Duration>,
    /// Time from joining to holding the chain, and the blocks it fetched.
    pub(super) synced: Option<(Duration, u64)>,
}

impl Measure {
    /// Watches `peers` peers, all holding `chain_len` blocks, of which `miner` mines;
    /// `joiner` will join later.
    pub(super) fn new(peers: &[SocketAddr], miner: SocketAddr, joiner: SocketAddr, chain_len: u64) -> Self {
        let share = |percent: usize| (peers.len() * percent).div_ceil(100);
        Self {
            miner,
            joiner,
            first_new: chain_len,
            reach_needed: share(BLOCK_REACH_PERCENT).saturating_sub(1),
            learn_needed: share(LEARN_PERCENT),
            lengths: peers.iter().map(|a| (*a, chain_len)).collect(),
            blocks: BTreeMap::new(),
            joined_at: None,
            joiner_knows: 0,
            learned: None,
            synced: None,
        }
    }

    /// The joining peer joined at `at`, knowing `knows` peers (its well-known peer).
    pub(super) fn joined(&mut self, at: Duration, knows: usize) {
        self.joined_at = Some(at);
        self.joiner_knows = knows;
    }

    /// Takes one event of node `addr` at `at`; returns whether it is a block our miner found.
    pub(super) fn event(&mut self, at: Duration, addr: SocketAddr, event: &Event) -> bool {
        if addr == self.joiner {
            self.joiner_event(at, event);
            return false;
        }
        let (length, path) = match event {
            Event::BlockAdded { height, hash, ours: true, .. } if addr == self.miner => {
                let block = NewBlock {
                    height: *height,
                    hash: hash.clone(),
                    mined: at,
                    holders: 0,
                    reached: None,
                    paths: Paths::default(),
                };
                self.blocks.insert(*height, block);
                self.lengths.insert(addr, height + 1);
                return true;
            }
            Event::BlockAdded { height, via, .. } => (height + 1, self.path(*via)),
            Event::ChainSynced { fork, added, .. } => (fork + added, Path::Sync),
            _ => return false,
        };
        let Some(before) = self.lengths.insert(addr, length).filter(|b| *b < length) else {
            return false;
        };
        for block in self.blocks.range_mut(before.max(self.first_new)..length).map(|(_, b)| b) {
            block.holders += 1;
            block.paths.count(path);
            if block.holders == self.reach_needed && block.reached.is_none() {
                block.reached = Some(at.saturating_sub(block.mined));
            }
        }
        false
    }

    /// The way `via` brought a block: the miner's ANNOUNCE, another peer's relay, a repair.
    fn path(&self, via: Arrival) -> Path {
        match via {
            Arrival::Announced { from } if from == self.miner => Path::Announce,
            Arrival::Announced { .. } => Path::Relay,
            Arrival::Repaired { .. } => Path::Repair,
            Arrival::Mined => Path::Announce,
        }
    }

    fn joiner_event(&mut self, at: Duration, event: &Event) {
        let Some(joined) = self.joined_at else {
            return;
        };
        match event {
            Event::PeerJoined { .. } => self.joiner_knows += 1,
            Event::PeerLeft { .. } => self.joiner_knows = self.joiner_knows.saturating_sub(1),
            Event::ChainSynced { added, .. } if self.synced.is_none() => {
                self.synced = Some((at.saturating_sub(joined), *added));
            }
            _ => {}
        }
        if self.learned.is_none() && self.joiner_knows >= self.learn_needed {
            self.learned = Some(at.saturating_sub(joined));
        }
    }

    /// The blocks mined so far, by height.
    pub(super) fn blocks(&self) -> impl Iterator<Item = &NewBlock> {
        self.blocks.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn added(height: u64, via: Arrival) -> Event {
        Event::BlockAdded { height, hash: String::new(), mined_by: String::new(), ours: false, via }
    }

    #[test]
    fn a_block_counts_as_spread_once_99_percent_of_the_peers_hold_it_and_each_path_is_counted() {
        let peers: Vec<SocketAddr> = (0..5).map(addr).collect();
        let mut measure = Measure::new(&peers, addr(0), addr(9), 10);
        let mined = Event::BlockAdded {
            height: 10,
            hash: "h".into(),
            mined_by: String::new(),
            ours: true,
            via: Arrival::Mined,
        };
        let s = Duration::from_secs;
        assert!(measure.event(s(1), addr(0), &mined));
        measure.event(s(2), addr(1), &added(10, Arrival::Announced { from: addr(0) }));
        measure.event(s(2), addr(2), &added(10, Arrival::Announced { from: addr(1) }));
        measure.event(s(3), addr(3), &Event::ChainSynced { fork: 10, removed: 0, added: 1 });
        let block = measure.blocks().next().unwrap().clone();
        assert_eq!((block.holders, block.reached), (3, None), "four of five is not 99 %");
        measure.event(s(5), addr(4), &added(10, Arrival::Repaired { from: addr(2) }));
        let block = measure.blocks().next().unwrap().clone();
        assert_eq!((block.hash.as_str(), block.reached), ("h", Some(s(4))));
        assert_eq!(block.paths, Paths { announce: 1, relay: 1, repair: 1, sync: 1 });
    }

    #[test]
    fn the_joining_peer_is_timed_from_its_join() {
        let peers: Vec<SocketAddr> = (0..10).map(addr).collect();
        let mut measure = Measure::new(&peers, addr(0), addr(99), 10);
        measure.joined(Duration::from_secs(60), 1);
        for (i, port) in (1..9).enumerate() {
            let at = Duration::from_millis(60_000 + 10 * i as u64);
            measure.event(at, addr(99), &Event::PeerJoined { addr: addr(port), name: String::new() });
        }
        assert_eq!(measure.learned, Some(Duration::from_millis(70)), "9 of 10 known after the 8th reply");
        measure.event(Duration::from_secs(63), addr(99), &Event::ChainSynced { fork: 0, removed: 0, added: 10 });
        assert_eq!(measure.synced, Some((Duration::from_secs(3), 10)));
    }
}
