//! What the scale scenario reads from the nodes' events as they happen: when each new
//! block reached 99 % of the peers, and when the joining peer knew 90 % of the
//! network and held its chain. Times are exact (virtual), not sampled.

use crate::node::Event;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// Percentage of the network's peers (the miner among them) that must hold a new block.
pub const BLOCK_REACH_PERCENT: usize = 99;
/// Percentage of the network's peers the joining peer must know.
pub const LEARN_PERCENT: usize = 90;

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
    /// Per new block: when it was mined, how many other peers hold it, and how long
    /// it took to reach `reach_needed` of them.
    blocks: BTreeMap<u64, (Duration, usize, Option<Duration>)>,
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
        let length = match event {
            Event::BlockAdded { height, ours: true, .. } if addr == self.miner => {
                self.blocks.insert(*height, (at, 0, None));
                self.lengths.insert(addr, height + 1);
                return true;
            }
            Event::BlockAdded { height, .. } => height + 1,
            Event::ChainSynced { fork, added, .. } => fork + added,
            _ => return false,
        };
        let Some(before) = self.lengths.insert(addr, length).filter(|b| *b < length) else {
            return false;
        };
        for (mined, holders, reached) in self.blocks.range_mut(before.max(self.first_new)..length).map(|(_, b)| b) {
            *holders += 1;
            if *holders == self.reach_needed && reached.is_none() {
                *reached = Some(at.saturating_sub(*mined));
            }
        }
        false
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

    /// New blocks mined so far, and how long each that reached 99 % of the peers took.
    pub(super) fn spread(&self) -> (usize, Vec<Duration>) {
        let mut times: Vec<Duration> = self.blocks.values().filter_map(|(_, _, reached)| *reached).collect();
        times.sort();
        (self.blocks.len(), times)
    }

    /// The blocks mined before `cutoff` that have not reached 99 % of the peers.
    pub(super) fn unspread_before(&self, cutoff: Duration) -> usize {
        self.blocks.values().filter(|(mined, _, reached)| *mined < cutoff && reached.is_none()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn added(height: u64) -> Event {
        Event::BlockAdded { height, hash: String::new(), mined_by: String::new(), ours: false }
    }

    #[test]
    fn a_block_counts_as_spread_once_99_percent_of_the_peers_hold_it() {
        let peers: Vec<SocketAddr> = (0..4).map(addr).collect();
        let mut measure = Measure::new(&peers, addr(0), addr(9), 10);
        let mined = Event::BlockAdded { height: 10, hash: String::new(), mined_by: String::new(), ours: true };
        let s = Duration::from_secs;
        assert!(measure.event(s(1), addr(0), &mined));
        measure.event(s(2), addr(1), &added(10));
        measure.event(s(3), addr(2), &Event::ChainSynced { fork: 10, removed: 0, added: 1 });
        assert_eq!(measure.spread(), (1, vec![]), "three of four is not 99 %");
        assert_eq!(measure.unspread_before(s(2)), 1);
        measure.event(s(5), addr(3), &added(10));
        assert_eq!(measure.spread(), (1, vec![s(4)]));
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
