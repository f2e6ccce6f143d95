//! What the node writes into its record (`record/`) as things happen: a peer's reported
//! chain, our own chain, a valid block that lost at its height, a reorganisation, a
//! finished round. Only what validated gets in; the record never feeds back into what
//! the node decides.

use super::record::{
    Fate, GroupMark, HeightPoint, LostBlock, MAX_GROUPS_PER_ROUND, MAX_LISTED, MAX_SIDE_BLOCKS_PER_REORG, Reorg,
    RoundMark, SideBlock, Via,
};
use super::standing::{Standing, standing};
use super::{Event, Node, RoundSummary};
use crate::chain::{Block, validate_block};
use std::net::SocketAddr;
use std::sync::Arc;

/// Side blocks at one height tried as the parent of a new one (each try is a hash).
const PARENT_CANDIDATES: usize = 4;

impl Node {
    /// The wall clock now, in Unix seconds (with fractions).
    pub(super) fn wall_clock(&self) -> f64 {
        self.config.unix_start as f64 + self.clock.saturating_duration_since(self.started).as_secs_f64()
    }

    /// Records the chain `peer` last told us of (its report in the peer table) as it
    /// stands with ours now.
    pub(super) fn note_report(&mut self, peer: SocketAddr, via: Via) {
        let Some(known) = self.peers.get(&peer) else { return };
        let Some(report) = known.reported.as_ref() else { return };
        let point = HeightPoint::new(
            self.wall_clock(),
            report.height,
            report.hash.as_deref(),
            standing(Some(report), &self.chain),
            via,
        );
        if self.record.history().would_change(Some(peer), &known.name, &point) {
            self.record.history_mut().add(peer, &known.name, point);
        }
    }

    /// Records our own chain's length and tip now.
    pub(super) fn note_own_chain(&mut self) {
        let tip = self.chain.tip().map(|b| b.hash.as_str());
        let point = HeightPoint::new(self.wall_clock(), self.chain.len(), tip, Standing::Agrees, Via::Own);
        if self.record.history().would_change(None, "", &point) {
            self.record.history_mut().add_own(point);
        }
    }

    /// Keeps `block` — announced by `from`, or found by our miner (`None`) — as a block
    /// that lost at its height, if it is not on our chain and validates on a block we
    /// hold (ours at the height below, or a side block there). Returns whether it was kept.
    pub(super) fn note_lost_block(&mut self, block: Block, from: Option<SocketAddr>) -> bool {
        if self.chain.get(block.height).is_some_and(|b| b.hash == block.hash)
            || self.record.side_block(&block.hash).is_some()
        {
            return false;
        }
        let Some(parent) = self.known_parent(&block) else {
            return false;
        };
        let ours = from.is_none();
        let event = Event::SideBlock {
            height: block.height,
            hash: block.hash.clone(),
            mined_by: block.mined_by.clone(),
            from,
            ours,
        };
        let side = SideBlock { block, parent, fate: Fate::Lost, seen_at: self.wall_clock(), from, ours };
        let kept = self.record.add_side_block(side);
        if kept {
            self.emit(event);
        }
        kept
    }

    /// The hash of the block `block` validates on — ours at the height below, or one of
    /// the newest side blocks there; `Some(None)` for a valid genesis block; `None` when
    /// it validates on nothing we hold.
    fn known_parent(&self, block: &Block) -> Option<Option<String>> {
        let limits = self.chain.limits();
        let Some(below) = block.height.checked_sub(1) else {
            return validate_block(block, None, limits).is_ok().then_some(None);
        };
        let ours = self.chain.get(below).into_iter();
        let side = self.record.side_blocks_at(below).take(PARENT_CANDIDATES).map(|s| &s.block);
        ours.chain(side)
            .find(|parent| validate_block(block, Some(parent), limits).is_ok())
            .map(|p| Some(p.hash.clone()))
    }

    /// Records a reorganisation that replaced `removed` (our blocks from `fork` up, in
    /// order) with a branch fetched from `sources`, keeps the removed blocks as side
    /// blocks and forgets the side blocks the branch brought onto our chain. Call it after
    /// the chain changed.
    pub(super) fn note_reorg(&mut self, fork: u64, removed: &[Arc<Block>], added: u64, sources: &[SocketAddr]) {
        if removed.is_empty() {
            return;
        }
        let chain = &self.chain;
        self.record.forget_adopted(|block| chain.get(block.height).is_some_and(|b| b.hash == block.hash));
        let at = self.wall_clock();
        let mut parent = fork.checked_sub(1).and_then(|h| self.chain.get(h)).map(|b| b.hash.clone());
        for block in removed.iter().take(MAX_SIDE_BLOCKS_PER_REORG) {
            let ours = self.record.is_ours(block);
            let side = SideBlock {
                block: Block::clone(block),
                parent,
                fate: Fate::Reorganised,
                seen_at: at,
                from: None,
                ours,
            };
            parent = Some(block.hash.clone());
            self.record.add_side_block(side);
        }
        let lost = |block: &Arc<Block>| LostBlock {
            height: block.height,
            hash: block.hash.clone(),
            mined_by: block.mined_by.clone(),
            ours: self.record.is_ours(block),
        };
        let reorg = Reorg {
            at,
            fork,
            depth: removed.len() as u64,
            added,
            height: self.chain.len(),
            old_tip: removed.last().map(|b| b.hash.clone()),
            new_tip: self.chain.tip().map(|b| b.hash.clone()),
            sources: sources.iter().take(MAX_LISTED).copied().collect(),
            source_count: sources.len(),
            lost: removed.iter().take(MAX_LISTED).map(lost).collect(),
            ours_lost: self.record.ours_among(fork, removed),
        };
        tracing::info!(fork, depth = reorg.depth, ours_lost = reorg.ours_lost, "reorganisation");
        self.record.add_reorg(reorg);
    }

    /// Records a finished round: the chains offered, who offered them, what we did.
    pub(super) fn note_round(&mut self, summary: &RoundSummary) {
        let groups = summary.groups.iter().take(MAX_GROUPS_PER_ROUND).map(|group| GroupMark {
            height: group.height,
            hash: group.hash.clone(),
            count: group.peers.len(),
            peers: group.peers.iter().take(MAX_LISTED).copied().collect(),
        });
        let round = RoundMark {
            at: self.wall_clock(),
            trigger: summary.trigger,
            asked: summary.asked,
            replied: summary.replied,
            groups: groups.collect(),
            group_count: summary.groups.len(),
            decision: summary.decision.clone(),
        };
        self.record.add_round(round);
    }
}
