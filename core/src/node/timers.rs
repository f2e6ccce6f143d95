//! The node's periodic work: the keep-alive FLOOD (or GOSSIP), peer expiry, the join
//! round and periodic consensus rounds, self-fed words, tip probes, and the deadlines of
//! rounds, syncs and repairs.

use super::words::WORDS;
use super::{Config, Event, Node, Trigger};
use crate::protocol::{Flood, Message};
use std::time::Instant;

/// How many self-fed words arrive each word interval.
const WORDS_PER_INTERVAL: usize = 5;

/// When each periodic task is next due.
#[derive(Debug)]
pub(super) struct Timers {
    next_flood: Instant,
    next_consensus: Instant,
    next_words: Instant,
    join_round: Option<Instant>,
    /// When the next tip probe is due (`None`: probes are off).
    pub(super) next_probe: Option<Instant>,
    /// When a CONSENSUS or an ANNOUNCE above our tip may next start a round.
    pub(super) asked_round: Instant,
}

impl Timers {
    pub(super) fn new(config: &Config, now: Instant) -> Self {
        Self {
            next_flood: now,
            next_consensus: now + config.consensus_interval,
            next_words: now + config.startup_delay,
            join_round: config.well_known.map(|_| now + config.startup_delay),
            next_probe: config.tip_probe_interval.map(|interval| now + interval),
            asked_round: now,
        }
    }
}

impl Node {
    /// Does whatever is due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.clock = self.clock.max(now);
        if now >= self.timers.next_flood {
            self.flood_all(now);
        }
        for addr in self.peers.expire(now, self.config.peer_timeout) {
            tracing::debug!(%addr, "peer dropped: silent for {} s", self.config.peer_timeout.as_secs());
            self.emit(Event::PeerLeft { addr });
        }
        if self.timers.join_round.is_some_and(|t| now >= t) {
            self.timers.join_round = None;
            if !self.peers.is_empty() {
                self.start_round(now, Trigger::Join);
            }
        }
        if now >= self.timers.next_consensus {
            self.timers.next_consensus = now + self.config.consensus_interval;
            if self.peers.len() >= self.config.min_peers {
                self.start_round(now, Trigger::Timer);
            }
        }
        if now >= self.timers.next_words {
            self.timers.next_words = now + self.config.word_interval;
            for _ in 0..WORDS_PER_INTERVAL {
                let word = WORDS[self.rng.usize(..WORDS.len())];
                if let Err(reason) = self.words.push(word.to_owned(), None) {
                    tracing::debug!(%reason, "refused a word");
                }
            }
            self.refresh_job();
        }
        self.hosts.expire(now);
        self.progress_round(now);
        self.progress_sync(now);
        self.progress_repair(now);
        self.progress_probe(now);
    }

    /// The next moment `handle_timeout` has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let t = &self.timers;
        let mut next = t.next_flood.min(t.next_consensus).min(t.next_words);
        let deadlines = [
            t.join_round,
            self.peers.next_expiry(self.config.peer_timeout),
            self.round_deadline(),
            self.hosts.next_expiry(),
            self.sync.as_ref().map(|s| s.next_deadline(self.config.block_timeout, self.config.sync_stall)),
            self.repair_deadline(),
            self.probe_deadline(),
        ];
        for deadline in deadlines.into_iter().flatten() {
            next = next.min(deadline);
        }
        Some(next)
    }

    /// FLOODs (or GOSSIPs) every peer and the well-known peer with a fresh id.
    pub(super) fn flood_all(&mut self, now: Instant) {
        self.timers.next_flood = now + self.config.flood_interval;
        let flood = self.new_flood();
        let mut targets = self.peers.reachable_addrs();
        if let Some(well_known) = self.config.well_known.filter(|w| !targets.contains(w)) {
            targets.push(well_known);
        }
        for target in targets {
            self.send(target, &flood);
        }
    }

    /// A FLOOD of ours with a fresh UUID-shaped id (remembered, so never forwarded).
    pub(super) fn new_flood(&mut self) -> Message {
        let id = Flood::fresh_id(self.rng.u128(..));
        self.seen.insert(&self.config.host, self.config.port, &id);
        Message::Flood(Flood {
            generation: self.config.generation,
            host: self.config.host.clone(),
            port: self.config.port,
            id,
            name: self.config.name.clone(),
        })
    }
}
