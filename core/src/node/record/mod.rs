//! The record of what the node saw and did not keep: side blocks (valid blocks that lost
//! at their height, and blocks a reorganisation removed from our chain), the
//! reorganisations themselves, the consensus rounds with the chains they were offered,
//! and every peer's reported chain over time — for the Forks view, `/api/forks`,
//! `/api/history` and the export.
//!
//! Nothing in it decides the chain. Everything in it was validated before it came in
//! (a side block validates on a parent we hold), and every part is bounded by count
//! (the constants below), so a hostile peer can at most replace older entries, never
//! grow the record. Each part is shared (`Arc`): a snapshot takes the whole record for
//! the price of a few reference counts, and the node copies a part only when it changes
//! one that a snapshot still holds.

mod branches;
mod history;
mod marks;
mod report;
mod side;

pub use branches::{Attach, Branches, Column, NEWEST_SHOWN, Placed};
pub use history::{HeightPoint, History, Series, TipPrefix, Via};
pub use marks::{GroupMark, LostBlock, Reorg, RoundMark};
pub use report::{Forks, PeerSeries, Timeline};
pub use side::{Fate, SideBlock};

use crate::chain::Block;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Arc;

/// Side blocks kept; the oldest go first.
pub const MAX_SIDE_BLOCKS: usize = 1_000;
/// Side blocks kept from one announcer: one peer can fill at most a tenth of the record.
pub const MAX_SIDE_BLOCKS_PER_SOURCE: usize = 100;
/// Blocks of one reorganisation kept as side blocks (the lowest, where the branch forks).
pub const MAX_SIDE_BLOCKS_PER_REORG: usize = 100;
/// Reorganisations kept.
pub const MAX_REORGS: usize = 200;
/// Consensus rounds kept.
pub const MAX_ROUNDS: usize = 200;
/// Chains kept per round (the best first).
pub const MAX_GROUPS_PER_ROUND: usize = 8;
/// Peers (or lost blocks) listed per chain of a round or per reorganisation; the counts
/// stay exact.
pub const MAX_LISTED: usize = 16;
/// History points kept, all peers together (and ours).
pub const MAX_POINTS: usize = 10_000;
/// History points kept per peer.
pub const MAX_POINTS_PER_PEER: usize = 1_000;
/// Hashes of blocks we mined, remembered to mark ours among the side blocks.
const MAX_MINED: usize = 1_000;

/// What the node saw and did not keep. Cheap to clone.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Record {
    /// Side blocks, oldest first.
    side_blocks: Arc<VecDeque<Arc<SideBlock>>>,
    /// Reorganisations, oldest first.
    reorgs: Arc<VecDeque<Arc<Reorg>>>,
    /// Consensus rounds, oldest first.
    rounds: Arc<VecDeque<Arc<RoundMark>>>,
    /// Each peer's reported chain over time, and ours.
    history: Arc<History>,
    /// Heights and hashes of the blocks we mined lately.
    #[serde(skip)]
    mined: Arc<VecDeque<(u64, String)>>,
}

impl Record {
    /// Side blocks, oldest first.
    pub fn side_blocks(&self) -> &VecDeque<Arc<SideBlock>> {
        &self.side_blocks
    }

    /// Reorganisations, oldest first.
    pub fn reorgs(&self) -> &VecDeque<Arc<Reorg>> {
        &self.reorgs
    }

    /// Consensus rounds, oldest first.
    pub fn rounds(&self) -> &VecDeque<Arc<RoundMark>> {
        &self.rounds
    }

    /// Each peer's reported chain over time, and ours.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The side block with this hash.
    pub fn side_block(&self, hash: &str) -> Option<&Arc<SideBlock>> {
        self.side_blocks.iter().rev().find(|s| s.block.hash == hash)
    }

    /// The side blocks at `height`, newest first.
    pub fn side_blocks_at(&self, height: u64) -> impl Iterator<Item = &Arc<SideBlock>> {
        self.side_blocks.iter().rev().filter(move |s| s.block.height == height)
    }

    /// Whether we mined `block` (lately).
    pub fn is_ours(&self, block: &Block) -> bool {
        self.mined.iter().any(|(height, hash)| *height == block.height && *hash == block.hash)
    }

    /// How many of `blocks` — consecutive, the first at height `from` — we mined.
    pub fn ours_among(&self, from: u64, blocks: &[Arc<Block>]) -> u64 {
        let at =
            |height: u64| height.checked_sub(from).and_then(|i| usize::try_from(i).ok()).and_then(|i| blocks.get(i));
        self.mined.iter().filter(|(height, hash)| at(*height).is_some_and(|b| b.hash == *hash)).count() as u64
    }

    /// Remembers that we mined `block`.
    pub(crate) fn mined(&mut self, block: &Block) {
        push_bounded(Arc::make_mut(&mut self.mined), (block.height, block.hash.clone()), MAX_MINED);
    }

    /// Keeps `side` unless it is known already; returns whether it was new. Past the
    /// bounds, the source's oldest side block goes (if it has its share), else the oldest.
    pub(crate) fn add_side_block(&mut self, side: SideBlock) -> bool {
        if self.side_block(&side.block.hash).is_some() {
            return false;
        }
        side::insert(Arc::make_mut(&mut self.side_blocks), side);
        true
    }

    /// Forgets the side blocks `on_chain` says are on our chain now: a reorganisation
    /// adopted them, so they are off it no more.
    pub(crate) fn forget_adopted(&mut self, on_chain: impl Fn(&Block) -> bool) {
        if self.side_blocks.iter().any(|s| on_chain(&s.block)) {
            Arc::make_mut(&mut self.side_blocks).retain(|s| !on_chain(&s.block));
        }
    }

    /// Keeps a reorganisation.
    pub(crate) fn add_reorg(&mut self, reorg: Reorg) {
        push_bounded(Arc::make_mut(&mut self.reorgs), Arc::new(reorg), MAX_REORGS);
    }

    /// Keeps a consensus round.
    pub(crate) fn add_round(&mut self, round: RoundMark) {
        push_bounded(Arc::make_mut(&mut self.rounds), Arc::new(round), MAX_ROUNDS);
    }

    /// The history, to add to.
    pub(crate) fn history_mut(&mut self) -> &mut History {
        Arc::make_mut(&mut self.history)
    }
}

/// Appends `item`, dropping the oldest beyond `max`.
fn push_bounded<T>(list: &mut VecDeque<T>, item: T, max: usize) {
    list.push_back(item);
    while list.len() > max {
        list.pop_front();
    }
}
