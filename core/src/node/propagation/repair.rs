//! A repair: the few blocks between our tip and a longer chain one peer showed us,
//! fetched from that peer bottom-up with GET_BLOCK — one request in flight, each block
//! appended only if it validates on our tip, the block it ANNOUNCEd (if any) last. That
//! is what hearing the ANNOUNCEs we missed would have done, so it weakens neither
//! generation's rule: a block that does not extend our tip, a "missing" answer or
//! silence ends the repair, the peer is not repaired from again for a while, and a
//! consensus round decides as before.

use super::super::{Arrival, Node, Trigger};
use super::Shown;
use crate::chain::Block;
use crate::protocol::Message;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Sends of one GET_BLOCK before the repair gives up.
const MAX_ATTEMPTS: u32 = 3;
/// How long a peer that failed a repair is not repaired from again.
const SHELF_TTL: Duration = Duration::from_secs(60);
/// Most peers shelved at once (past that, the oldest is forgotten).
const MAX_SHELVED: usize = 64;

/// A repair in progress.
#[derive(Debug)]
pub(in crate::node) struct Repair {
    /// The peer that showed the longer chain, the only one asked.
    source: SocketAddr,
    /// The length of the chain it showed.
    target: u64,
    /// The top block it ANNOUNCEd, appended once the blocks below it are.
    top: Option<Block>,
    /// What starts the consensus round if the repair fails.
    trigger: Trigger,
    /// The height asked for, when it was last sent, and how many times.
    asked: Option<(u64, Instant, u32)>,
}

/// Peers that failed a repair lately, and until when.
#[derive(Debug, Default)]
pub(in crate::node) struct Shelf {
    until: BTreeMap<SocketAddr, Instant>,
}

impl Shelf {
    /// Whether `peer` failed a repair a short while before `now`.
    pub(in crate::node) fn holds(&self, peer: SocketAddr, now: Instant) -> bool {
        self.until.get(&peer).is_some_and(|until| *until > now)
    }

    fn put(&mut self, peer: SocketAddr, now: Instant) {
        self.until.retain(|_, until| *until > now);
        if self.until.len() >= MAX_SHELVED
            && let Some(oldest) = self.until.iter().min_by_key(|(_, until)| **until).map(|(p, _)| *p)
        {
            self.until.remove(&oldest);
        }
        self.until.insert(peer, now + SHELF_TTL);
    }
}

impl Node {
    /// Starts repairing from `source`, which showed `shown`.
    pub(super) fn start_repair(&mut self, now: Instant, source: SocketAddr, shown: Shown, trigger: Trigger) {
        self.counters.repairs_started += 1;
        self.repair = Some(Repair { source, target: shown.len, top: shown.top, trigger, asked: None });
        self.continue_repair(now);
    }

    /// Moves the repair on after our chain grew: over once we hold the length shown;
    /// the ANNOUNCEd top appended once it fits; otherwise the next block asked for.
    pub(in crate::node) fn continue_repair(&mut self, now: Instant) {
        let len = self.chain.len();
        let Some(repair) = self.repair.as_mut() else {
            return;
        };
        if len >= repair.target {
            self.repair = None;
            return;
        }
        if let Some(top) = repair.top.take_if(|top| top.height == len) {
            let source = repair.source;
            self.repair = None;
            return match self.chain.append(top) {
                Ok(()) => self.block_added(now, Arrival::Announced { from: source }),
                Err(error) => self.fail_repair(now, source, &format!("its announced block does not fit: {error}")),
            };
        }
        if repair.asked.is_some_and(|(height, ..)| height == len) {
            return;
        }
        repair.asked = Some((len, now, 1));
        let source = repair.source;
        self.send(source, &Message::GetBlock { height: len });
    }

    /// A block from `from`: whether it answers the repair's request (then it is handled).
    pub(in crate::node) fn on_repair_block(
        &mut self,
        now: Instant,
        from: SocketAddr,
        block: Block,
    ) -> Result<(), Block> {
        let asked = self.repair.as_ref().filter(|r| r.source == from).and_then(|r| r.asked);
        if asked.is_none_or(|(height, ..)| height != block.height) {
            return Err(block);
        }
        if let Some(repair) = self.repair.as_mut() {
            repair.asked = None;
        }
        if block.height != self.chain.len() {
            // It came another way meanwhile (a relay): ask for the next one.
            self.continue_repair(now);
            return Ok(());
        }
        match self.chain.append(block) {
            Ok(()) => {
                self.counters.blocks_repaired += 1;
                self.block_added(now, Arrival::Repaired { from });
            }
            Err(error) => {
                self.counters.invalid_blocks += 1;
                self.fail_repair(now, from, &format!("its block does not extend our tip: {error}"));
            }
        }
        Ok(())
    }

    /// A "missing" answer from `from`: the repair's source lacks a block of the chain it
    /// showed. Whether it was the repair's.
    pub(in crate::node) fn on_repair_missing(&mut self, now: Instant, from: SocketAddr) -> bool {
        if !self.repair.as_ref().is_some_and(|r| r.source == from && r.asked.is_some()) {
            return false;
        }
        self.fail_repair(now, from, "it lacks a block of the chain it showed");
        true
    }

    /// When the repair's request is next due to be sent again (or given up).
    pub(in crate::node) fn repair_deadline(&self) -> Option<Instant> {
        let (_, sent, _) = self.repair.as_ref()?.asked?;
        Some(sent + self.config.block_timeout)
    }

    /// Sends the repair's request again once it has waited `block_timeout`; gives up
    /// after a few sends.
    pub(in crate::node) fn progress_repair(&mut self, now: Instant) {
        let timeout = self.config.block_timeout;
        let Some(repair) = self.repair.as_mut() else {
            return;
        };
        let Some((height, _, attempts)) = repair.asked.filter(|(_, sent, _)| now >= *sent + timeout) else {
            return;
        };
        let source = repair.source;
        if attempts >= MAX_ATTEMPTS {
            return self.fail_repair(now, source, "it did not answer");
        }
        repair.asked = Some((height, now, attempts + 1));
        self.send(source, &Message::GetBlock { height });
    }

    /// Ends the repair from `source` unfinished: the peer is shelved for a while and
    /// everyone is asked instead (a consensus round, within its usual limit).
    fn fail_repair(&mut self, now: Instant, source: SocketAddr, why: &str) {
        tracing::debug!(%source, why, "repair failed");
        let trigger = self.repair.take().map_or(Trigger::Announce, |r| r.trigger);
        self.counters.repairs_failed += 1;
        self.shelf.put(source, now);
        if !self.start_asked_round(now, trigger) {
            self.counters.announces_ignored += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shelved_peer_comes_back_after_a_while_and_the_shelf_stays_bounded() {
        let now = Instant::now();
        let peer = |p: u16| SocketAddr::from(([127, 0, 0, 1], p));
        let mut shelf = Shelf::default();
        shelf.put(peer(1), now);
        assert!(shelf.holds(peer(1), now + Duration::from_secs(59)));
        assert!(!shelf.holds(peer(1), now + SHELF_TTL));
        assert!(!shelf.holds(peer(2), now));
        for p in 0..1000 {
            shelf.put(peer(p), now + Duration::from_millis(u64::from(p)));
        }
        assert_eq!(shelf.until.len(), MAX_SHELVED);
        assert!(shelf.holds(peer(999), now + Duration::from_secs(1)), "the newest stay");
    }
}
