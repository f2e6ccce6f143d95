//! The sans-IO peer: a state machine with no sockets, threads or clock inside. It
//! takes datagrams, commands and found blocks with the time they happened, and emits
//! datagrams to send, jobs for the miners and events — deterministically.
//!
//! Where things happen: `inbound.rs` answers each message type (a FLOOD is handled in
//! `Node::on_flood`), `timers.rs` runs the periodic work, `agreement.rs` decides
//! consensus rounds and adopts fetched chains, `sync/` fetches them, `propagation/` gets
//! new blocks to every peer (relays, repairs, tip probes), and `observe.rs` keeps the
//! record (`record/`) of forks, reorganisations, rounds and peers' chains.

mod agreement;
mod config;
mod consensus;
mod hosts;
mod inbound;
mod limits;
mod observe;
mod packed;
mod peers;
mod pending;
mod propagation;
pub mod record;
mod snapshot;
mod standing;
mod sync;
mod timers;
mod words;

pub use config::Config;
pub use consensus::{Decision, Group, RoundSummary, Trigger};
pub use peers::{Learned, Traffic};
pub use pending::WordRefused;
pub use snapshot::{ConsensusView, Counters, CudaStats, FailedSync, JobView, MinerStats, PeerView, Snapshot, SyncView};
pub use standing::Standing;
pub use words::WORDS;

use crate::chain::{Block, Chain};
use crate::miner::Job;
use crate::protocol::{MAX_SEND, Message};
use consensus::Round;
use hosts::Hosts;
use limits::{FailedTargets, ForwardBudget, RateLimiter, SeenIds};
use peers::PeerTable;
use pending::PendingWords;
use record::Record;
use serde::Serialize;
use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;
use sync::Sync;

/// FLOOD-REPLYs per second we send to one address (a FLOOD's host may be spoofed).
const FLOOD_REPLIES_PER_TARGET: u32 = 10;
/// Reply bytes per second we send to one address that is not a peer: a request with a
/// spoofed source must not turn us into an amplifier against someone else.
const STRANGER_BYTES_PER_SEC: u32 = 16 * 1024;
/// Reply bytes per second to all strangers together.
const ALL_STRANGERS_BYTES_PER_SEC: u32 = 2 * 1024 * 1024;
/// Outputs the empty queue keeps room for (a burst beyond is given back once drained).
const KEPT_OUTPUTS: usize = 64;
/// The key of the one bucket shared by all strangers.
const ALL_STRANGERS: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);

/// Something that happened to the node.
#[derive(Debug)]
pub enum Input {
    /// A datagram arrived.
    Datagram {
        /// Its UDP source.
        from: SocketAddr,
        /// Its payload.
        bytes: Vec<u8>,
    },
    /// The user (window, command line) asks for something.
    Command(Command),
    /// A miner found a block for the current job.
    Mined(Block),
    /// The answer to an [`Output::Resolve`]: what `host` resolved to (`None`: nothing).
    Resolved {
        /// The name asked for.
        host: String,
        /// Its address.
        ip: Option<IpAddr>,
    },
}

/// What the user can ask of the node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Start or stop handing out mining jobs.
    SetMining(bool),
    /// Add a peer by address (it gets FLOODed at once).
    AddPeer(SocketAddr),
    /// FLOOD all peers now.
    FloodNow,
    /// Run a consensus round now.
    ConsensusNow,
    /// Queue words for the next block.
    AddWords(Vec<String>),
}

/// Something the node wants done.
#[derive(Debug, PartialEq, Eq)]
pub enum Output {
    /// Send a datagram (≤ 1024 bytes).
    Send {
        /// Destination.
        to: SocketAddr,
        /// Payload.
        bytes: Vec<u8>,
    },
    /// Mine this job from now on (`None`: stop).
    MinerJob(Option<Job>),
    /// Look up this host name (off the node's thread) and answer with [`Input::Resolved`].
    Resolve {
        /// The name.
        host: String,
    },
    /// Blocks at `from` and above changed (appended or replaced): persist them.
    ChainChanged {
        /// The lowest changed height.
        from: u64,
    },
    /// Something worth telling the user.
    Event(Event),
}

/// What the user sees happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A new peer is known.
    PeerJoined {
        /// Its address.
        addr: SocketAddr,
        /// Its name.
        name: String,
    },
    /// A peer was silent too long and was dropped.
    PeerLeft {
        /// Its address.
        addr: SocketAddr,
    },
    /// A block was appended on top of our chain.
    BlockAdded {
        /// Its height.
        height: u64,
        /// Its hash.
        hash: String,
        /// Its miner.
        mined_by: String,
        /// Whether our miner found it.
        ours: bool,
        /// How it reached us.
        via: Arrival,
    },
    /// A fetched chain was adopted from `fork` up (a reorganisation when `removed` > 0).
    ChainSynced {
        /// The fork point.
        fork: u64,
        /// Our blocks removed.
        removed: u64,
        /// Blocks added.
        added: u64,
    },
    /// A valid block that is not on our chain came — it lost at its height to the block
    /// we hold there (two miners found one each), or our miner found it after the tip
    /// had moved — and was kept in the record.
    SideBlock {
        /// Its height.
        height: u64,
        /// Its hash.
        hash: String,
        /// Its miner.
        mined_by: String,
        /// The peer that announced it (`None`: our miner).
        from: Option<SocketAddr>,
        /// Whether our miner found it.
        ours: bool,
    },
    /// A consensus round finished.
    ConsensusFinished(RoundSummary),
    /// We started fetching a chain.
    SyncStarted {
        /// Its length.
        height: u64,
        /// Its tip.
        hash: String,
        /// Peers we fetch from.
        sources: usize,
    },
    /// A sync gave up.
    SyncFailed {
        /// Why.
        reason: String,
    },
    /// The engine stopped on its own (a bug): the peer no longer runs. Sent by the
    /// engine, never by the node.
    Stopped {
        /// Why.
        reason: String,
    },
    /// The chain the network agrees on meets a lower difficulty than ours: it was not
    /// adopted, and we cannot join this network until we require what it meets.
    DifficultyMismatch {
        /// The trailing zeros we require.
        required: u32,
        /// The fewest trailing zeros of the network's blocks.
        network: u32,
    },
}

/// How a block appended on top of our chain reached us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum Arrival {
    /// Our miner found it.
    Mined,
    /// A peer ANNOUNCEd it: its miner, or a peer relaying it.
    Announced {
        /// The announcing peer.
        from: SocketAddr,
    },
    /// We fetched it from a peer that showed a longer chain than ours, which this block
    /// extends (a missed ANNOUNCE, repaired).
    Repaired {
        /// The peer it was fetched from.
        from: SocketAddr,
    },
}

/// The network's chain meets fewer trailing zeros than we require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The trailing zeros we require.
    pub required: u32,
    /// The fewest trailing zeros of a block of the chain we were offered.
    pub network: u32,
}

/// The peer state machine.
pub struct Node {
    config: Config,
    me: SocketAddr,
    chain: Chain,
    peers: PeerTable,
    seen: SeenIds,
    hosts: Hosts,
    forwards: ForwardBudget,
    limiter: RateLimiter,
    reply_limiter: RateLimiter,
    stranger_bytes: RateLimiter,
    all_strangers_bytes: RateLimiter,
    words: PendingWords,
    mining: bool,
    job: Option<Job>,
    blocks_mined: u64,
    round: Option<Round>,
    last_round: Option<(Instant, RoundSummary)>,
    sync: Option<Sync>,
    /// Blocks being fetched from a peer that showed a slightly longer chain.
    repair: Option<propagation::Repair>,
    /// Peers that failed a repair lately.
    shelf: propagation::Shelf,
    /// The tip probe waiting for its reply.
    probe: Option<propagation::Probe>,
    fallbacks: Vec<Group>,
    /// Chains whose sync failed lately: not tried again for a while.
    failed_targets: FailedTargets,
    /// When the last sync failed, and why (cleared when a chain is adopted).
    failed_sync: Option<(Instant, String)>,
    /// A difficulty mismatch with the network (cleared once we agree with it).
    mismatch: Option<Mismatch>,
    /// What the node saw and did not keep: side blocks, reorganisations, rounds, history.
    record: Record,
    /// Whether the join round has finished (a joining miner waits for it before
    /// mining a genesis block of its own).
    joined: bool,
    rng: fastrand::Rng,
    outputs: VecDeque<Output>,
    timers: timers::Timers,
    counters: Counters,
    started: Instant,
    /// The latest moment the node was told of (for the wall clock of mined blocks).
    clock: Instant,
}

impl Node {
    /// A node with `chain` (loaded from disk) starting at `now`.
    pub fn new(config: Config, chain: Chain, now: Instant) -> Self {
        let ip = config.host.parse::<IpAddr>().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let me = SocketAddr::new(ip, config.port);
        let limits = *chain.limits();
        let mut rng = fastrand::Rng::with_seed(config.seed);
        let salt = rng.u128(..);
        let mut node = Self {
            me,
            peers: PeerTable::new(config.max_peers),
            seen: SeenIds::new(config.max_seen_ids, salt),
            hosts: Hosts::default(),
            forwards: ForwardBudget::new(),
            limiter: RateLimiter::new(config.rate_per_source, 4096),
            reply_limiter: RateLimiter::new(FLOOD_REPLIES_PER_TARGET, 4096),
            stranger_bytes: RateLimiter::new(STRANGER_BYTES_PER_SEC, 4096),
            all_strangers_bytes: RateLimiter::new(ALL_STRANGERS_BYTES_PER_SEC, 1),
            words: PendingWords::new(limits, config.max_pending_words),
            mining: config.mining,
            job: None,
            blocks_mined: 0,
            round: None,
            last_round: None,
            sync: None,
            repair: None,
            shelf: propagation::Shelf::default(),
            probe: None,
            fallbacks: Vec::new(),
            failed_targets: FailedTargets::default(),
            failed_sync: None,
            mismatch: None,
            record: Record::default(),
            joined: config.well_known.is_none(),
            rng,
            outputs: VecDeque::new(),
            timers: timers::Timers::new(&config, now),
            counters: Counters::default(),
            started: now,
            clock: now,
            chain,
            config,
        };
        if let Some(well_known) = node.config.well_known {
            node.peers.upsert(well_known, "", Learned::WellKnown, now, false);
        }
        node.note_own_chain();
        node.refresh_job();
        node
    }

    /// The chain as it stands.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// The address we advertise.
    pub fn address(&self) -> SocketAddr {
        self.me
    }

    /// What the node saw and did not keep.
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// The peers known now, with their names, by address.
    pub fn known_peers(&self) -> Vec<(SocketAddr, String)> {
        self.peers.iter().map(|(addr, peer)| (*addr, peer.name.clone())).collect()
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        let output = self.outputs.pop_front();
        if output.is_none() && self.outputs.capacity() > KEPT_OUTPUTS {
            // A keep-alive to a thousand peers leaves a queue of that many: give it back.
            self.outputs.shrink_to(KEPT_OUTPUTS);
        }
        output
    }

    /// Handles one input at `now`.
    pub fn handle_input(&mut self, now: Instant, input: Input) {
        self.clock = self.clock.max(now);
        match input {
            Input::Datagram { from, bytes } => self.on_datagram(now, from, &bytes),
            Input::Command(command) => self.on_command(now, command),
            Input::Mined(block) => self.on_mined(now, block),
            Input::Resolved { host, ip } => {
                for waiting in self.hosts.resolved(&host, ip, now) {
                    self.on_named(now, waiting.from, waiting.message, ip, &waiting.raw);
                }
            }
        }
    }

    fn on_command(&mut self, now: Instant, command: Command) {
        match command {
            Command::SetMining(on) => {
                self.mining = on;
                self.refresh_job();
            }
            Command::AddPeer(addr) => {
                if addr != self.me && self.peers.upsert(addr, "", Learned::Manual, now, false) == peers::Upsert::New {
                    self.emit(Event::PeerJoined { addr, name: String::new() });
                }
                let flood = self.new_flood();
                self.send(addr, &flood);
            }
            Command::FloodNow => self.flood_all(now),
            Command::ConsensusNow => self.start_round(now, Trigger::Manual),
            Command::AddWords(words) => {
                for word in words {
                    if let Err(reason) = self.words.push(word, None) {
                        tracing::debug!(%reason, "refused a word");
                    }
                }
                self.refresh_job();
            }
        }
    }

    /// Answers a request from `to`. Peers get every answer; an address that is not a
    /// peer (a client on an ephemeral socket — or a spoofed victim) gets answers within a
    /// byte budget per address and across all of them.
    fn reply(&mut self, now: Instant, to: SocketAddr, message: &Message) {
        let bytes = message.encode();
        if !self.peers.contains(&to) {
            let cost = bytes.len();
            let allowed = self.stranger_bytes.allow_n(to, now, cost)
                && self.all_strangers_bytes.allow_n(ALL_STRANGERS, now, cost);
            if !allowed {
                self.counters.replies_throttled += 1;
                return;
            }
        }
        self.send_raw(to, message.kind(), bytes);
    }

    /// Encodes and queues `message` for `to`, counting it; never sends over 1024 bytes.
    fn send(&mut self, to: SocketAddr, message: &Message) {
        let bytes = message.encode();
        self.send_raw(to, message.kind(), bytes);
    }

    fn send_raw(&mut self, to: SocketAddr, kind: &'static str, bytes: Vec<u8>) {
        if bytes.len() > MAX_SEND {
            self.counters.oversized_dropped += 1;
            return;
        }
        self.counters.datagrams_out += 1;
        self.counters.bytes_out += bytes.len() as u64;
        self.peers.record_out(to, kind, bytes.len());
        self.outputs.push_back(Output::Send { to, bytes });
    }

    fn emit(&mut self, event: Event) {
        self.outputs.push_back(Output::Event(event));
    }
}

/// Whether we may send to `addr`: a real unicast address and port.
fn sendable(addr: SocketAddr) -> bool {
    let ip = addr.ip();
    let broadcast = matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
    addr.port() != 0 && !ip.is_unspecified() && !ip.is_multicast() && !broadcast
}
