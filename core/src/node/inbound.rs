//! Answers to each message type: STATS and GET_BLOCK are answered at once to the UDP
//! source; FLOODs (GOSSIPs in that generation) are replied to, forwarded once per id
//! and remembered; ANNOUNCEd blocks are appended, trigger a sync, or — valid beside
//! ours — go into the record.

use super::hosts::HostAddr;
use super::peers::{Learned, Upsert};
use super::propagation::Shown;
use super::record::Via;
use super::standing::Report;
use super::{Arrival, Event, Node, Output, Trigger, sendable};
use crate::chain::{Block, Generation, check_standalone};
use crate::protocol::{BlockReply, Flood, FloodReply, MAX_SEND, Message, StatsReply, decode};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Peers a GOSSIP is forwarded to (PROTOCOL-GOSSIP.md §1: a constant 3).
const GOSSIP_FANOUT: usize = 3;
/// Least time between two consensus rounds that others ask for (a CONSENSUS, an
/// ANNOUNCE above our tip): a round sends a STATS to every peer we know.
const ASKED_ROUND_GAP: Duration = Duration::from_secs(5);

impl Node {
    pub(super) fn on_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        self.counters.datagrams_in += 1;
        self.counters.bytes_in += bytes.len() as u64;
        // Peers we are waiting on answer in bursts (a sync); every other source is
        // limited before its datagram is even parsed, so one storm cannot starve others.
        if !self.waiting_on(&from) && !self.limiter.allow(from, now) {
            return;
        }
        let message = match decode(bytes) {
            Ok(message) => message,
            Err(error) => {
                self.counters.malformed += 1;
                tracing::debug!(%from, %error, "ignored a malformed datagram");
                return;
            }
        };
        self.peers.heard_from(from, now, message.kind(), bytes.len());
        match message {
            Message::Flood(_) | Message::FloodReply(_) => self.with_host(now, from, message, bytes),
            Message::Stats => {
                let reply = StatsReply { height: self.chain.len(), hash: self.chain.tip().map(|b| b.hash.clone()) };
                self.reply(now, from, &Message::StatsReply(reply));
            }
            Message::StatsReply(reply) => self.on_stats_reply(now, from, reply),
            Message::GetBlock { height } => {
                let reply = match self.chain.get(height) {
                    Some(block) => {
                        self.counters.blocks_served += 1;
                        BlockReply::Block(block.clone())
                    }
                    None => {
                        self.counters.missing_served += 1;
                        BlockReply::Missing(self.config.generation)
                    }
                };
                self.reply(now, from, &Message::GetBlockReply(reply));
            }
            Message::GetBlockReply(BlockReply::Block(block)) => self.on_block_reply(now, from, block),
            Message::GetBlockReply(BlockReply::Missing(_)) => {
                self.counters.missing_received += 1;
                self.on_repair_missing(now, from);
            }
            Message::Announce(block) => self.on_announce(now, from, block),
            Message::NewWord { word } => {
                if let Err(reason) = self.words.push(word, Some(from)) {
                    tracing::debug!(%reason, "refused a word");
                }
                self.refresh_job();
            }
            Message::Consensus => {
                if !self.start_asked_round(now, Trigger::Request) {
                    self.counters.consensus_ignored += 1;
                }
            }
            Message::Unknown { .. } => self.counters.unknown += 1,
        }
    }

    /// Whether we asked `from` for something it has not all answered yet: a STATS of
    /// the running round, blocks of the running sync.
    fn waiting_on(&self, from: &SocketAddr) -> bool {
        self.round.as_ref().is_some_and(|r| r.asked.contains_key(from))
            || self.sync.as_ref().is_some_and(|s| s.sources().contains(from))
    }

    /// Handles a FLOOD or FLOOD-REPLY once the host it names is known: at once for an
    /// address, after a lookup (off this thread) for a name.
    fn with_host(&mut self, now: Instant, from: SocketAddr, message: Message, raw: &[u8]) {
        let (host, generation) = match &message {
            Message::Flood(flood) => (&flood.host, flood.generation),
            Message::FloodReply(reply) => (&reply.host, reply.generation),
            _ => return,
        };
        // Peers of the other generation are on another network, whatever they say.
        if generation != self.config.generation {
            self.counters.other_generation += 1;
            return;
        }
        match self.hosts.lookup(host, now) {
            HostAddr::Known(ip) => self.on_named(now, from, message, Some(ip), raw),
            HostAddr::Unusable => self.on_named(now, from, message, None, raw),
            HostAddr::Unknown => {
                let host = host.clone();
                if self.hosts.wait(&host, from, message, raw, now) {
                    self.outputs.push_back(Output::Resolve { host });
                }
            }
        }
    }

    /// A FLOOD or FLOOD-REPLY whose host is `ip` (`None`: it has no usable address).
    pub(super) fn on_named(
        &mut self,
        now: Instant,
        from: SocketAddr,
        message: Message,
        ip: Option<IpAddr>,
        raw: &[u8],
    ) {
        let at = |port| ip.map(|ip| SocketAddr::new(ip, port)).filter(|addr| sendable(*addr));
        match message {
            Message::Flood(flood) => {
                let origin = at(flood.port);
                self.on_flood(now, from, flood, origin, raw);
            }
            Message::FloodReply(reply) => {
                let addr = at(reply.port);
                self.on_flood_reply(now, from, reply, addr);
            }
            _ => {}
        }
    }

    /// FLOOD: reply to its originator, forward it once per id (within the forwarding
    /// budget), remember the originator.
    fn on_flood(&mut self, now: Instant, from: SocketAddr, flood: Flood, origin: Option<SocketAddr>, raw: &[u8]) {
        if !self.seen.insert(&flood.host, flood.port, &flood.id) {
            self.counters.duplicate_floods += 1;
            if let Some(origin) = origin {
                // Alive on the forwarder's word; proof of its address comes only from itself.
                self.peers.refresh(origin, now);
            }
            return;
        }
        let Some(origin) = origin.filter(|o| *o != self.me) else {
            return;
        };
        if self.reply_limiter.allow(origin, now) {
            let reply = FloodReply {
                generation: self.config.generation,
                host: self.config.host.clone(),
                port: self.config.port,
                name: self.config.name.clone(),
            };
            self.send(origin, &Message::FloodReply(reply));
        }
        // Forwarded only to peers that have talked to us from their own address, so a
        // FLOOD naming made-up hosts cannot multiply our traffic towards them; and only
        // within the budget, so that a storm of FLOODs cannot multiply it towards anyone.
        if raw.len() <= MAX_SEND && self.forwards.allow(origin, now, self.peers.len()) {
            for peer in self.forward_targets(&[origin, from]) {
                self.counters.floods_forwarded += 1;
                self.send_raw(peer, self.config.generation.join_type(), raw.to_vec());
            }
        }
        let learned = if from == origin { Learned::Flood } else { Learned::ForwardedBy(from) };
        self.add_peer(origin, &flood.name, learned, now, from == origin);
        if from != origin {
            self.peers.add_link(from, origin);
        }
    }

    /// Whom a join message is forwarded to, of the verified peers but `except`:
    /// `GOSSIP_FANOUT` chosen at random in the GOSSIP generation; in the FLOOD one every
    /// one, or `flood_fanout` chosen at random once we know more than
    /// `flood_forward_all_up_to` peers.
    fn forward_targets(&mut self, except: &[SocketAddr]) -> Vec<SocketAddr> {
        let fanout = match self.config.generation {
            Generation::Gossip => GOSSIP_FANOUT,
            Generation::Flood if self.peers.len() > self.config.flood_forward_all_up_to => self.config.flood_fanout,
            Generation::Flood => {
                return self.peers.verified_addrs().into_iter().filter(|p| !except.contains(p)).collect();
            }
        };
        self.peers.sample_verified(&mut self.rng, fanout, except)
    }

    /// FLOOD-REPLY: the replier is a peer. A reply that names a loopback host but came
    /// from another machine is read as coming from that machine's address.
    fn on_flood_reply(&mut self, now: Instant, from: SocketAddr, reply: FloodReply, addr: Option<SocketAddr>) {
        let addr = addr.map(|a| {
            if a.ip().is_loopback() && !from.ip().is_loopback() { SocketAddr::new(from.ip(), a.port()) } else { a }
        });
        if let Some(addr) = addr.filter(|a| *a != self.me) {
            self.add_peer(addr, &reply.name, Learned::FloodReply, now, addr == from);
        }
    }

    pub(super) fn add_peer(&mut self, addr: SocketAddr, name: &str, learned: Learned, now: Instant, verified: bool) {
        if self.peers.upsert(addr, name, learned, now, verified) == Upsert::New {
            tracing::debug!(%addr, name, "peer joined");
            self.emit(Event::PeerJoined { addr, name: name.to_owned() });
        }
    }

    /// Starts a round another peer asked for, unless one started so within the last
    /// [`ASKED_ROUND_GAP`]; whether it did.
    pub(super) fn start_asked_round(&mut self, now: Instant, trigger: Trigger) -> bool {
        if now < self.timers.asked_round {
            return false;
        }
        self.timers.asked_round = now + ASKED_ROUND_GAP;
        self.start_round(now, trigger);
        true
    }

    /// ANNOUNCE: append a block that extends our tip; a block a little above it means we
    /// missed an ANNOUNCE or two (repaired from the announcer), far above it that we are
    /// behind (a consensus round); a valid block beside ours (at our height or below, or
    /// on a side branch) lost at its height and goes into the record. Either way the
    /// announcer has told us its tip.
    fn on_announce(&mut self, now: Instant, from: SocketAddr, block: Block) {
        let height = block.height;
        let tip = |our_len| Report { height: height.saturating_add(1), hash: Some(block.hash.clone()), our_len };
        if height == self.chain.len() {
            let report = tip(height.saturating_add(1));
            match self.chain.append(block.clone()) {
                Ok(()) => {
                    self.peers.raise_reported(from, report);
                    self.note_report(from, Via::Announce);
                    self.block_added(now, Arrival::Announced { from });
                }
                Err(error) => {
                    tracing::debug!(%from, height, %error, "rejected an announced block");
                    if !self.lost_block_announced(from, block) {
                        self.counters.invalid_blocks += 1;
                    } else if !self.start_asked_round(now, Trigger::Announce) {
                        // A side branch longer than our chain: ask everyone, as above our tip.
                        self.counters.announces_ignored += 1;
                    }
                }
            }
        } else if height > self.chain.len() {
            // A known peer's block that could be real (it carries the work) means we missed
            // something — or that it lies: never follow it alone beyond what validates on
            // our own tip, and ask everyone (a round) not more often than every few seconds.
            let plausible = check_standalone(&block, self.chain.limits()).is_ok();
            if plausible && self.peers.is_verified(&from) {
                self.peers.raise_reported(from, tip(self.chain.len()));
                self.note_report(from, Via::Announce);
                let shown = Shown { len: height.saturating_add(1), top: Some(block) };
                self.on_longer_chain(now, from, shown, Trigger::Announce);
            } else if plausible {
                self.counters.announces_ignored += 1;
            } else {
                self.counters.invalid_blocks += 1;
            }
        } else {
            if self.chain.get(height).is_some_and(|ours| ours.hash == block.hash) {
                self.peers.raise_reported(from, tip(self.chain.len()));
                self.note_report(from, Via::Announce);
            } else {
                self.lost_block_announced(from, block);
            }
            self.counters.announces_ignored += 1;
        }
    }

    /// A block `from` announced that does not extend our tip: if it is a valid block
    /// beside ours and `from` a peer that spoke for itself, it goes into the record (and
    /// `from`'s tip is that branch). Returns whether it did.
    fn lost_block_announced(&mut self, from: SocketAddr, block: Block) -> bool {
        if !self.peers.is_verified(&from) {
            return false;
        }
        let report = Report {
            height: block.height.saturating_add(1),
            hash: Some(block.hash.clone()),
            our_len: self.chain.len(),
        };
        if !self.note_lost_block(block, Some(from)) {
            return false;
        }
        self.peers.raise_reported(from, report);
        self.note_report(from, Via::Announce);
        true
    }

    /// A block our miner found: append, persist and announce it, unless the tip moved.
    /// A stale one — valid on a block we hold — goes into the record.
    pub(super) fn on_mined(&mut self, now: Instant, block: Block) {
        self.record.mined(&block);
        if let Err(error) = self.chain.append(block.clone()) {
            self.counters.stale_blocks += 1;
            tracing::debug!(%error, "discarded a mined block: the tip moved");
            // A second solution of a job whose first we appended is no fork.
            let ours_there = self.chain.get(block.height).is_some_and(|held| self.record.is_ours(held));
            if !ours_there {
                self.note_lost_block(block, None);
            }
            self.refresh_job();
            return;
        }
        self.blocks_mined += 1;
        self.words.remove_mined(&block.messages);
        let announce = Message::Announce(block);
        for peer in self.peers.reachable_addrs() {
            self.send(peer, &announce);
        }
        self.block_added(now, Arrival::Mined);
    }

    /// Reports the new tip block, which `via` brought, relays it, moves a repair on and
    /// refreshes the miner's job.
    pub(super) fn block_added(&mut self, now: Instant, via: Arrival) {
        if let Some(tip) = self.chain.tip() {
            let ours = via == Arrival::Mined;
            let event = Event::BlockAdded {
                height: tip.height,
                hash: tip.hash.clone(),
                mined_by: tip.mined_by.clone(),
                ours,
                via,
            };
            self.outputs.push_back(super::Output::ChainChanged { from: tip.height });
            self.emit(event);
        }
        self.note_own_chain();
        self.relay_tip(via);
        self.continue_repair(now);
        self.refresh_job();
    }
}
