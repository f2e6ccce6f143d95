//! Agreeing on one chain: consensus rounds (STATS out, replies ranked), the decision
//! they lead to, syncs to the chosen chain with fallback to the next group, adopting a
//! fetched branch, and the miner's job on whatever tip results.

use super::consensus::{Decision, Group, Round, RoundSummary, Trigger, own_chain_wins, rank_replies};
use super::propagation::Shown;
use super::record::Via;
use super::standing::Report;
use super::sync::{Progress, Sync};
use super::{Event, Mismatch, Node, Output};
use crate::chain::{Block, hex_trailing_zeros, prefix_chars};
use crate::miner::Job;
use crate::protocol::{Message, StatsReply};
use std::net::SocketAddr;
use std::time::Instant;

/// The message of a genesis block mined with no words waiting.
const GENESIS_WORD: &str = "genesis";

impl Node {
    /// Starts a consensus round unless one (or a sync) is running or no peer is known.
    pub(super) fn start_round(&mut self, now: Instant, trigger: Trigger) {
        if self.round.is_some() || self.sync.is_some() || self.peers.is_empty() {
            return;
        }
        // Every peer is asked, named-only ones too: a round needs the whole network's
        // view, and a STATS is smaller than anything that could have named them.
        let peers = self.peers.all_addrs();
        let asked = peers.iter().map(|a| (*a, now)).collect();
        self.round = Some(Round { trigger, started: now, asked, replies: Default::default(), resent: false });
        for peer in peers {
            self.send(peer, &Message::Stats);
        }
    }

    /// A STATS_REPLY counts only from a peer asked: our tip probe's (a longer chain than
    /// ours starts a repair), or one of the running round's.
    pub(super) fn on_stats_reply(&mut self, now: Instant, from: SocketAddr, reply: StatsReply) {
        let probed = self.take_probe(from, now);
        if let Some(rtt) = probed {
            let report = Report { height: reply.height, hash: reply.hash.clone(), our_len: self.chain.len() };
            self.peers.set_reported(from, report, Some(rtt));
            self.note_report(from, Via::Stats);
            if reply.height > self.chain.len() {
                self.on_longer_chain(now, from, Shown { len: reply.height, top: None }, Trigger::Behind);
            }
        }
        let Some(round) = self.round.as_mut().filter(|r| r.asked.contains_key(&from)) else {
            if probed.is_none() {
                self.counters.unsolicited_stats += 1;
            }
            return;
        };
        let rtt = round.asked.get(&from).map(|asked| now.saturating_duration_since(*asked));
        round.replies.insert(from, (reply.height, reply.hash.clone()));
        let complete = round.complete();
        let report = Report { height: reply.height, hash: reply.hash, our_len: self.chain.len() };
        self.peers.set_reported(from, report, rtt);
        self.note_report(from, Via::Stats);
        if complete {
            self.finish_round(now);
        }
    }

    /// When the running round next needs attention: the resend, then the end.
    pub(super) fn round_deadline(&self) -> Option<Instant> {
        let round = self.round.as_ref()?;
        let wait = self.config.stats_wait;
        Some(if round.resent { round.started + wait } else { round.started + wait / 2 })
    }

    pub(super) fn progress_round(&mut self, now: Instant) {
        let Some(deadline) = self.round_deadline().filter(|d| now >= *d) else {
            return;
        };
        let Some(round) = self.round.as_mut() else {
            return;
        };
        if round.resent {
            return self.finish_round(now);
        }
        round.resent = true;
        let silent = round.silent();
        for peer in &silent {
            round.asked.insert(*peer, deadline);
        }
        for peer in silent {
            self.send(peer, &Message::Stats);
        }
    }

    fn finish_round(&mut self, now: Instant) {
        let Some(round) = self.round.take() else {
            return;
        };
        self.joined = true;
        let groups = rank_replies(&round.replies, self.config.generation);
        let decision = match groups.first() {
            None => Decision::NoReplies,
            Some(best) if self.holds(best) && best.height == self.chain.len() => Decision::InSync,
            Some(best) if self.holds(best) => Decision::Ahead,
            Some(best) if self.own_chain_wins(best) => Decision::Ahead,
            Some(best) => Decision::Sync { height: best.height, hash: best.hash.clone() },
        };
        if matches!(decision, Decision::InSync | Decision::Ahead) {
            self.mismatch = None;
        }
        let summary = RoundSummary {
            trigger: round.trigger,
            asked: round.asked.len(),
            replied: round.replies.len(),
            groups,
            decision,
        };
        tracing::info!(decision = ?summary.decision, groups = summary.groups.len(), "consensus round finished");
        self.note_round(&summary);
        self.last_round = Some((now, summary.clone()));
        self.emit(Event::ConsensusFinished(summary.clone()));
        if let Decision::Sync { .. } = summary.decision {
            self.fallbacks = summary.groups;
            self.try_next_group(now);
        }
        self.refresh_job();
    }

    /// Whether the generation's rule prefers our chain to `group`'s.
    fn own_chain_wins(&self, group: &Group) -> bool {
        own_chain_wins(self.config.generation, self.chain.len(), self.chain.tip().map(|b| b.hash.as_str()), group)
    }

    /// Whether our chain contains the tip of `group` (ours, or a prefix of ours).
    fn holds(&self, group: &Group) -> bool {
        group.height.checked_sub(1).and_then(|h| self.chain.get(h)).is_some_and(|b| b.hash == group.hash)
    }

    /// Syncs to the best remaining group — none once our own chain is better — skipping
    /// chains we already hold, chains whose sync failed a short while ago, and, once a
    /// difficulty mismatch is known, chains whose very tip is too weak to fetch again.
    fn try_next_group(&mut self, now: Instant) {
        while !self.fallbacks.is_empty() {
            let group = self.fallbacks.remove(0);
            if self.holds(&group) || self.own_chain_wins(&group) {
                self.fallbacks.clear();
                return;
            }
            if self.mismatch.is_some() && hex_trailing_zeros(&group.hash) < self.chain.limits().difficulty {
                continue;
            }
            if self.failed_targets.failed_lately(group.height, &group.hash, now) {
                self.counters.claims_skipped += 1;
                continue;
            }
            self.start_sync(now, group.height, group.hash, group.peers);
            if self.sync.is_some() {
                return;
            }
        }
    }

    pub(super) fn start_sync(&mut self, now: Instant, height: u64, hash: String, sources: Vec<SocketAddr>) {
        tracing::info!(height, hash = prefix_chars(&hash, 12), sources = sources.len(), "syncing");
        self.emit(Event::SyncStarted { height, hash: hash.clone(), sources: sources.len() });
        let limits = (self.config.window_per_peer, self.config.max_sync_blocks);
        let sync = Sync::new((height, hash), sources, self.chain.len(), limits, now);
        self.sync = Some(sync);
        // The sync fetches whatever a repair would have.
        self.repair = None;
        self.request_blocks(now);
    }

    fn request_blocks(&mut self, now: Instant) {
        let Some(sync) = self.sync.as_mut() else {
            return;
        };
        for (peer, height) in sync.requests(now) {
            self.send(peer, &Message::GetBlock { height });
        }
    }

    /// A block that answers the repair's request or the running sync's; any other is
    /// unsolicited.
    pub(super) fn on_block_reply(&mut self, now: Instant, from: SocketAddr, block: Block) {
        let Err(block) = self.on_repair_block(now, from, block) else {
            return;
        };
        let Some(sync) = self.sync.as_mut() else {
            self.counters.unsolicited_blocks += 1;
            return;
        };
        match sync.on_block(from, block, &self.chain, now) {
            Progress::Continue => self.request_blocks(now),
            Progress::Unsolicited => self.counters.unsolicited_blocks += 1,
            Progress::Done { fork, branch } => self.adopt(now, fork, branch),
            Progress::Failed(reason) => self.fail_sync(now, reason),
            Progress::Mismatch { network } => self.on_mismatch(now, network),
        }
    }

    /// The chain we fetched meets only `network` trailing zeros: say so, keep ours.
    fn on_mismatch(&mut self, now: Instant, network: u32) {
        let required = self.chain.limits().difficulty;
        tracing::warn!(required, network, "the network's chain meets a lower difficulty than ours");
        self.mismatch = Some(Mismatch { required, network });
        self.emit(Event::DifficultyMismatch { required, network });
        self.fail_sync(now, format!("its blocks meet difficulty {network}, this peer requires {required}"));
    }

    pub(super) fn progress_sync(&mut self, now: Instant) {
        let (timeout, stall) = (self.config.block_timeout, self.config.sync_stall);
        let Some(sync) = self.sync.as_mut() else {
            return;
        };
        match sync.on_timeout(now, timeout, stall) {
            Ok(resend) => {
                self.counters.block_retries += resend.len() as u64;
                for (peer, height) in resend {
                    self.send(peer, &Message::GetBlock { height });
                }
                self.request_blocks(now);
            }
            Err(reason) => self.fail_sync(now, reason),
        }
    }

    fn fail_sync(&mut self, now: Instant, reason: String) {
        tracing::warn!(%reason, "sync failed");
        self.counters.sync_failures += 1;
        if let Some(sync) = self.sync.take() {
            let (height, hash) = sync.target();
            self.failed_targets.remember(height, hash, now);
        }
        self.failed_sync = Some((now, reason.clone()));
        self.emit(Event::SyncFailed { reason });
        self.try_next_group(now);
        self.refresh_job();
    }

    /// Replaces our chain from `fork` with the fetched, checked `branch`.
    fn adopt(&mut self, now: Instant, mut fork: u64, mut branch: Vec<Block>) {
        let same = branch.iter().zip(fork..).take_while(|(b, h)| self.chain.get(*h) == Some(*b)).count();
        branch.drain(..same);
        fork += same as u64;
        let added = branch.len() as u64;
        // The chain as it was (shared, not copied), for the record of what was replaced.
        let before = self.chain.blocks().clone();
        match self.chain.replace_from(fork, branch) {
            Ok(removed) => {
                let sources = self.sync.take().map(|s| s.sources().to_vec()).unwrap_or_default();
                self.repair = None;
                self.fallbacks.clear();
                self.failed_sync = None;
                self.mismatch = None;
                tracing::info!(fork, removed, added, height = self.chain.len(), "adopted the agreed chain");
                let replaced = usize::try_from(fork).ok().and_then(|f| before.get(f..)).unwrap_or_default();
                self.note_reorg(fork, replaced, added, &sources);
                self.note_own_chain();
                self.outputs.push_back(Output::ChainChanged { from: fork });
                self.emit(Event::ChainSynced { fork, removed, added });
                self.refresh_job();
            }
            Err(error) => self.fail_sync(now, error.to_string()),
        }
    }

    /// The wall clock now, in Unix seconds.
    fn unix_now(&self) -> u64 {
        self.config.unix_start.saturating_add(self.clock.saturating_duration_since(self.started).as_secs())
    }

    /// Hands the miners a job for the current tip and words (or stops them).
    pub(super) fn refresh_job(&mut self) {
        let job = self.wanted_job();
        // The same work at a later second is the same job: its timestamp stays.
        let same = match (&job, &self.job) {
            (Some(new), Some(old)) => new.same_block_but_time(old),
            (new, old) => new == old,
        };
        if !same {
            self.job.clone_from(&job);
            self.outputs.push_back(Output::MinerJob(job));
        }
    }

    fn wanted_job(&self) -> Option<Job> {
        if !self.mining {
            return None;
        }
        let height = self.chain.len();
        let mut messages = self.words.next_messages(height, &self.config.name);
        if self.chain.is_empty() {
            // A new network's first miner makes the genesis block; a joining one waits
            // until its join round showed there is no chain to fetch — and never starts
            // a chain of its own beside a network it could not join.
            if !self.joined || self.sync.is_some() || self.mismatch.is_some() {
                return None;
            }
            if messages.is_empty() {
                messages.push(GENESIS_WORD.to_owned());
            }
        }
        if messages.is_empty() {
            return None;
        }
        Some(Job {
            height,
            prev_hash: self.chain.tip().map(|b| b.hash.clone()),
            mined_by: self.config.name.clone(),
            messages,
            timestamp: self.config.generation.timestamped().then(|| self.unix_now()),
            difficulty: self.config.difficulty,
        })
    }
}
