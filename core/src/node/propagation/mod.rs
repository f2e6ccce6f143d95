//! Getting every new block to every peer fast (issue 21). The miner's one ANNOUNCE to
//! each peer misses about the loss rate of them; three repairs close the gap without a
//! consensus round, each using only messages every peer of both generations understands:
//!
//! * **Relay** (here): a block new to us, appended on our tip from an ANNOUNCE or a
//!   repair, is ANNOUNCEd on to `relay_fanout` random verified peers — once, since a block
//!   is appended once.
//! * **Repair** (`repair.rs`): a peer that shows a chain a few blocks longer than ours
//!   (an ANNOUNCE above our tip, a STATS_REPLY) is asked for the missing blocks, bottom-up;
//!   each is appended only if it validates on our tip — exactly what hearing the ANNOUNCEs
//!   we missed would have done. Anything else ends it in a consensus round, as before.
//! * **Tip probe** (`probe.rs`): every `tip_probe_interval` one random peer is asked for
//!   its tip (a STATS), so a peer that missed every push learns of a block within about
//!   that long.
//!
//! docs/SCALE.md weighs the numbers behind the defaults.

mod probe;
mod repair;

pub(super) use probe::Probe;
pub(super) use repair::{Repair, Shelf};

use super::{Arrival, Node, Trigger};
use crate::protocol::Message;
use std::net::SocketAddr;
use std::time::Instant;

impl Node {
    /// Announces the tip block, which `via` brought us, to `relay_fanout` random verified
    /// peers other than the one it came from. Our own blocks go to every peer instead.
    pub(super) fn relay_tip(&mut self, via: Arrival) {
        let from = match via {
            Arrival::Mined => return,
            Arrival::Announced { from } | Arrival::Repaired { from } => from,
        };
        let Some(tip) = self.chain.tip().filter(|_| self.config.relay_fanout > 0) else {
            return;
        };
        let targets = self.peers.sample_verified(&mut self.rng, self.config.relay_fanout, &[from]);
        if targets.is_empty() {
            return;
        }
        let announce = Message::Announce(tip.clone());
        let bytes = announce.encode();
        for peer in targets {
            self.counters.blocks_relayed += 1;
            self.send_raw(peer, announce.kind(), bytes.clone());
        }
    }

    /// `from` showed a chain of `shown.len` blocks, longer than ours (with its top block
    /// when it ANNOUNCEd it): fetch the few blocks we lack from it (unless a repair or a
    /// sync already runs), or — when more are missing, or it failed a repair lately — ask
    /// everyone (a consensus round, at most one per few seconds).
    pub(super) fn on_longer_chain(&mut self, now: Instant, from: SocketAddr, shown: Shown, trigger: Trigger) {
        let gap = shown.len.saturating_sub(self.chain.len());
        if gap == 0 {
            return;
        }
        if gap <= self.config.repair_gap {
            if self.repair.is_some() || self.sync.is_some() {
                return;
            }
            if !self.shelf.holds(from, now) {
                return self.start_repair(now, from, shown, trigger);
            }
        }
        if !self.start_asked_round(now, trigger) {
            self.counters.announces_ignored += 1;
        }
    }
}

/// A longer chain a peer showed us: its length, and the top block if it sent it.
#[derive(Debug)]
pub(super) struct Shown {
    /// Its length.
    pub len: u64,
    /// Its top block, when the peer ANNOUNCEd it.
    pub top: Option<crate::chain::Block>,
}
