//! Fetching a chosen chain: GET_BLOCK from the tip down, spread over the agreeing
//! peers with a window of requests in flight, every block checked against the hash
//! of the block above it (so the agreed tip vouches for all of them), until the
//! branch links onto our own chain — the fork point.
//!
//! Downloading top-down finds the fork point without a separate search: the first
//! height (from the top) whose block validates on our chain below it is where the
//! branch attaches. Below our own length, the search widens in doubling steps.
//!
//! A block that fails only for want of trailing zeros — its hash is right, it links, it
//! just meets a lower difficulty than ours — means the peers run at another difficulty,
//! not that they lie. The sync then goes on under the same rules at difficulty 0, only
//! to learn what the chain it was offered meets, and ends in [`Progress::Mismatch`]:
//! such a chain is never adopted.
//!
//! A block is taken only from a peer asked for that height (`requests.rs`); blocks that
//! do not fit are suspects until proven wrong (`blame.rs`).

mod blame;
mod requests;

use blame::Blame;
use requests::InFlight;

use crate::chain::{Block, BlockError, Chain, Limits, hex_trailing_zeros, validate_block};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Re-sends of one GET_BLOCK before the sync gives up.
const MAX_ATTEMPTS: u32 = 8;

/// Whether we looked one block above the reported height, in case the peers report
/// their top index rather than their block count (PROTOCOL.md §8 #1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopIndex {
    Untried,
    /// The probe was sent at this moment.
    Probing(Instant),
    Done,
}

/// Where a sync stands after an input.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// Still fetching.
    Continue,
    /// A block nobody asked that peer for: ignored.
    Unsolicited,
    /// The branch from `fork` up to the target is fetched and checked.
    Done {
        /// The height where the branch attaches to our chain.
        fork: u64,
        /// Blocks `fork..target`, in order.
        branch: Vec<Block>,
    },
    /// The sync cannot finish.
    Failed(String),
    /// The whole chain was fetched, but its blocks meet only `network` trailing zeros,
    /// fewer than our difficulty: it is not adopted.
    Mismatch {
        /// The fewest trailing zeros of a block of the fetched branch.
        network: u32,
    },
}

/// What a block's check found.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    /// Valid but for too few trailing zeros.
    Weak,
    Invalid,
}

/// Checks `block` on `parent` under `limits`, telling a weak block from an invalid one.
fn verdict(block: &Block, parent: Option<&Block>, limits: &Limits) -> Verdict {
    match validate_block(block, parent, limits) {
        Ok(()) => Verdict::Valid,
        Err(BlockError::TooFewZeros { .. })
            if validate_block(block, parent, &Limits { difficulty: 0, ..*limits }).is_ok() =>
        {
            Verdict::Weak
        }
        Err(_) => Verdict::Invalid,
    }
}

/// A chain being fetched.
#[derive(Debug)]
pub struct Sync {
    target_height: u64,
    target_hash: String,
    sources: Vec<SocketAddr>,
    blocks: BTreeMap<u64, (Block, SocketAddr)>,
    /// Blocks `low..target_height` are fetched and linked.
    low: u64,
    /// Requests go no lower than this until the frontier reaches it.
    floor: u64,
    step: u64,
    next: Option<u64>,
    inflight: InFlight,
    /// Heights to ask for again first, and the peer not to ask.
    retry: Vec<(u64, Option<SocketAddr>)>,
    blame: Blame,
    top_index: TopIndex,
    /// Whether a weak block was met: from then on blocks are checked at difficulty 0.
    relaxed: bool,
    started: Instant,
    last_progress: Instant,
    max_blocks: u64,
}

impl Sync {
    /// Starts fetching the chain of `height` blocks ending in `hash` from `sources`,
    /// given that our chain has `our_len` blocks; at most `window` requests in flight
    /// per source, at most `max_blocks` fetched.
    pub fn new(
        (height, hash): (u64, String),
        sources: Vec<SocketAddr>,
        our_len: u64,
        (window, max_blocks): (usize, u64),
        now: Instant,
    ) -> Self {
        let top = height.saturating_sub(1);
        Self {
            target_height: height,
            target_hash: hash,
            sources,
            blocks: BTreeMap::new(),
            low: height,
            floor: our_len.min(top),
            step: 1,
            next: height.checked_sub(1),
            inflight: InFlight::new(window.max(1)),
            retry: Vec::new(),
            blame: Blame::default(),
            top_index: TopIndex::Untried,
            relaxed: false,
            started: now,
            last_progress: now,
            max_blocks,
        }
    }

    /// The target chain's length and tip.
    pub fn target(&self) -> (u64, &str) {
        (self.target_height, &self.target_hash)
    }

    /// Peers we fetch from.
    pub fn sources(&self) -> &[SocketAddr] {
        &self.sources
    }

    /// Blocks fetched and linked so far.
    pub fn fetched(&self) -> u64 {
        self.target_height - self.low
    }

    /// Blocks we expect to fetch (grows if the fork lies deeper than our tip).
    pub fn needed(&self) -> u64 {
        self.target_height - self.floor.min(self.low)
    }

    /// When the sync started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The GET_BLOCKs to send now: `(peer, height)` within each peer's window — one each
    /// until the agreed tip has arrived, so a claim nobody can back costs little.
    pub fn requests(&mut self, now: Instant) -> Vec<(SocketAddr, u64)> {
        let cap = if self.low == self.target_height { 1 } else { usize::MAX };
        let mut out = Vec::new();
        while let Some(&(height, avoid)) = self.retry.last() {
            let Some(source) = self.inflight.least_loaded(&self.sources, cap, avoid) else {
                return out;
            };
            self.retry.pop();
            if self.blocks.contains_key(&height) || (height >= self.low && height != self.target_height) {
                continue;
            }
            self.inflight.insert(height, source, now);
            out.push((source, height));
        }
        while let Some(height) = self.next {
            if height < self.floor || self.target_height - height > self.max_blocks {
                break;
            }
            let Some(source) = self.inflight.least_loaded(&self.sources, cap, None) else {
                break;
            };
            self.next = height.checked_sub(1);
            if height >= self.low || self.blocks.contains_key(&height) || self.inflight.contains(height) {
                continue;
            }
            self.inflight.insert(height, source, now);
            out.push((source, height));
        }
        out
    }

    /// A block arrived from `from`; it counts only if `from` was asked for its height.
    pub fn on_block(&mut self, from: SocketAddr, block: Block, chain: &Chain, now: Instant) -> Progress {
        let height = block.height;
        if !self.inflight.answer(height, from) {
            return Progress::Unsolicited;
        }
        if let TopIndex::Probing(_) = self.top_index
            && height == self.target_height
        {
            self.end_probe();
            if block.hash == self.target_hash {
                // The peers reported their top index: the chain has one block more.
                self.target_height += 1;
                self.low = self.target_height;
            }
        }
        if height >= self.low || self.blocks.contains_key(&height) {
            return Progress::Continue;
        }
        if height + 1 == self.low && self.low == self.target_height {
            if block.hash != self.target_hash {
                match self.top_index {
                    // Perhaps the group reported its top index: look one block higher
                    // before blaming anyone, and ask for this height again after.
                    TopIndex::Untried => {
                        self.top_index = TopIndex::Probing(now);
                        self.retry.push((self.target_height, None));
                    }
                    TopIndex::Probing(_) => {}
                    // Its group agreed on another tip: this peer served something else.
                    TopIndex::Done => {
                        let struck = self.blame.strike(from);
                        self.drop_sources(struck);
                        self.retry.push((height, Some(from)));
                    }
                }
                return self.check_sources();
            }
            self.low = height;
            self.last_progress = now;
        }
        self.blocks.insert(height, (block, from));
        self.advance(chain, now)
    }

    /// Links fetched blocks below the frontier and looks for the fork point.
    ///
    /// Invariant: blocks above `low` are fully checked; the hash of the block at `low`
    /// is vouched for by the block above it (or is the agreed tip), its contents not yet.
    fn advance(&mut self, chain: &Chain, now: Instant) -> Progress {
        let limits = *chain.limits();
        while self.low < self.target_height {
            let Some((top, _)) = self.blocks.get(&self.low) else {
                break;
            };
            let attaches = match self.low.checked_sub(1) {
                _ if self.low > chain.len() => Verdict::Invalid,
                None => verdict(top, None, &limits),
                Some(parent) => verdict(top, chain.get(parent), &limits),
            };
            if self.accepts(attaches) {
                return self.finish();
            }
            if self.low == 0 {
                // Only the genesis block's contents can be wrong here: ask someone else.
                return self.unlink(0, None);
            }
            if self.low == self.floor {
                self.floor = self.floor.saturating_sub(self.step);
                self.step = self.step.saturating_mul(2);
                self.next = self.low.checked_sub(1);
            }
            let below = self.low - 1;
            let links = match (self.blocks.get(&self.low), self.blocks.get(&below)) {
                (Some((top, _)), Some((candidate, _))) => verdict(top, Some(candidate), &limits),
                _ => break,
            };
            if !self.accepts(links) {
                return self.unlink(self.low, Some(below));
            }
            // The block at `low` is proven: whoever served another one there lied.
            if let Some((top, _)) = self.blocks.get(&self.low) {
                let struck = self.blame.settle(self.low, top);
                self.drop_sources(struck);
            }
            self.low = below;
            self.last_progress = now;
        }
        self.check_sources()
    }

    /// Whether a block with `verdict` passes: a weak block does, and relaxes the sync.
    fn accepts(&mut self, verdict: Verdict) -> bool {
        match verdict {
            Verdict::Valid => true,
            Verdict::Weak => {
                self.relaxed = true;
                true
            }
            Verdict::Invalid => false,
        }
    }

    /// The branch from `low` up links onto our chain: done, or — if it met only a lower
    /// difficulty — the difficulty it met.
    fn finish(&mut self) -> Progress {
        let fork = self.low;
        let branch: Vec<Block> = self.blocks.split_off(&fork).into_values().map(|(b, _)| b).collect();
        if self.relaxed {
            let network = branch.iter().map(|b| hex_trailing_zeros(&b.hash)).min().unwrap_or(0);
            return Progress::Mismatch { network };
        }
        Progress::Done { fork, branch }
    }

    /// Blocks at `upper` and `lower` do not fit together: either the upper one's
    /// contents or the lower one's hash is forged. Both are set aside as suspects and
    /// asked for from other peers; the block that finally links there tells who lied.
    fn unlink(&mut self, upper: u64, lower: Option<u64>) -> Progress {
        for height in std::iter::once(upper).chain(lower) {
            if let Some((block, source)) = self.blocks.remove(&height) {
                self.blame.suspect(height, source, block);
                self.retry.push((height, Some(source)));
            }
        }
        self.low = upper + 1;
        self.check_sources()
    }

    /// The probe above the reported height is answered (or given up): the reported top
    /// is asked for again, this time blaming whoever serves a wrong one.
    fn end_probe(&mut self) {
        self.top_index = TopIndex::Done;
        self.inflight.remove(self.target_height);
        if self.low == self.target_height {
            self.retry.push((self.target_height - 1, None));
        }
    }

    /// Stops asking peers that served too many bad blocks.
    fn drop_sources(&mut self, struck: impl IntoIterator<Item = SocketAddr>) {
        for source in struck {
            self.sources.retain(|s| *s != source);
        }
    }

    fn check_sources(&self) -> Progress {
        if self.sources.is_empty() {
            Progress::Failed("every peer of the group served blocks that do not validate".into())
        } else {
            Progress::Continue
        }
    }

    /// Re-sends requests older than `timeout` to another source; fails after too many
    /// attempts or when nothing arrived for `stall`.
    pub fn on_timeout(
        &mut self,
        now: Instant,
        timeout: Duration,
        stall: Duration,
    ) -> Result<Vec<(SocketAddr, u64)>, String> {
        if let TopIndex::Probing(since) = self.top_index
            && now.saturating_duration_since(since) >= timeout
        {
            self.end_probe();
        }
        if now.saturating_duration_since(self.last_progress) > stall {
            return Err(format!("no progress for {} s", stall.as_secs()));
        }
        self.inflight
            .expire(&self.sources, now, timeout, MAX_ATTEMPTS)
            .map_err(|height| format!("block {height} was asked for {MAX_ATTEMPTS} times without an answer"))
    }

    /// The earliest moment `on_timeout` has work.
    pub fn next_deadline(&self, timeout: Duration, stall: Duration) -> Instant {
        let probe = match self.top_index {
            TopIndex::Probing(since) => Some(since + timeout),
            _ => None,
        };
        [self.inflight.next_due(timeout), probe].into_iter().flatten().fold(self.last_progress + stall, Instant::min)
    }
}
