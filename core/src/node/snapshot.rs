//! What the window and the web page show: a self-contained, serialisable picture of
//! the node at one moment. The chain inside is shared, so taking one is cheap.

use super::consensus::RoundSummary;
use super::peers::{Learned, Traffic};
use super::record::Record;
use super::standing::{Standing, standing};
use super::{Mismatch, Node, Trigger};
use crate::chain::{Generation, SharedBlocks};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// Counters of everything the node did or refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Datagrams received.
    pub datagrams_in: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Datagrams sent.
    pub datagrams_out: u64,
    /// Bytes sent.
    pub bytes_out: u64,
    /// Datagrams we could not decode.
    pub malformed: u64,
    /// Messages of unknown type (or `{}`).
    pub unknown: u64,
    /// Datagrams dropped because the engine was too far behind (set by the engine).
    pub datagrams_dropped: u64,
    /// Events not delivered to a subscriber that fell behind (set by the engine).
    pub events_dropped: u64,
    /// Messages dropped by the per-source rate limit.
    pub rate_limited: u64,
    /// Answers not sent to non-peers because their byte budget was spent.
    pub replies_throttled: u64,
    /// Datagrams not sent because they exceeded 1024 bytes.
    pub oversized_dropped: u64,
    /// FLOODs whose id we had seen.
    pub duplicate_floods: u64,
    /// FLOOD ids remembered for de-duplication now (bounded).
    pub flood_ids_remembered: u64,
    /// FLOODs (GOSSIPs) we forwarded.
    pub floods_forwarded: u64,
    /// Join messages of the other protocol generation, ignored.
    pub other_generation: u64,
    /// Announced blocks that failed validation.
    pub invalid_blocks: u64,
    /// Announced blocks below our tip.
    pub announces_ignored: u64,
    /// CONSENSUS messages that came too soon after another asked-for round.
    pub consensus_ignored: u64,
    /// Blocks we mined after the tip had moved.
    pub stale_blocks: u64,
    /// Blocks we served.
    pub blocks_served: u64,
    /// GET_BLOCKs for blocks we don't have.
    pub missing_served: u64,
    /// "Missing" replies we received.
    pub missing_received: u64,
    /// Block replies nobody asked for (or not from the peer asked).
    pub unsolicited_blocks: u64,
    /// STATS replies from peers not asked in the running round.
    pub unsolicited_stats: u64,
    /// FLOODs not forwarded: their originator's or the overall forwarding budget was spent.
    pub forwards_refused: u64,
    /// GET_BLOCKs sent again after a timeout.
    pub block_retries: u64,
    /// Blocks we relayed (ANNOUNCEs sent on to random peers).
    pub blocks_relayed: u64,
    /// Tip probes sent (a STATS to one random peer).
    pub tip_probes: u64,
    /// Repairs started: fetching the few blocks a peer showed we lack.
    pub repairs_started: u64,
    /// Blocks appended by repairs.
    pub blocks_repaired: u64,
    /// Repairs that ended in a consensus round instead.
    pub repairs_failed: u64,
    /// Syncs that gave up.
    pub sync_failures: u64,
    /// Chains not fetched again because their sync had failed a short while before.
    pub claims_skipped: u64,
    /// Words refused (too long, empty, queue full).
    pub words_refused: u64,
    /// Peers refused because the table was full.
    pub peers_refused: u64,
    /// FLOODs and FLOOD-REPLYs dropped while their host name was being looked up.
    pub names_dropped: u64,
}

/// One peer as shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeerView {
    /// `host:port`.
    pub address: String,
    /// Its name.
    pub name: String,
    /// How we learned of it.
    pub learned: Learned,
    /// Seconds since we first heard of it.
    pub first_seen_secs: f64,
    /// Seconds since we last heard from it.
    pub last_seen_secs: f64,
    /// Whether it has talked to us from its own address.
    pub verified: bool,
    /// Round-trip time of its last STATS, in milliseconds.
    pub rtt_ms: Option<f64>,
    /// Its reported height.
    pub height: Option<u64>,
    /// Its reported tip hash.
    pub hash: Option<String>,
    /// Whether its reported tip is ours (`standing` is `Agrees`).
    pub agrees: bool,
    /// Where it stands with our chain.
    pub standing: Standing,
    /// Traffic by message type.
    pub traffic: BTreeMap<&'static str, Traffic>,
}

/// The job the miners work on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobView {
    /// Height of the block being mined.
    pub height: u64,
    /// Its words.
    pub messages: Vec<String>,
    /// Required zeros.
    pub difficulty: u32,
}

/// Consensus as shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsensusView {
    /// Whether a round is waiting for replies.
    pub running: bool,
    /// Seconds since the last round finished.
    pub last_secs: Option<f64>,
    /// The last round.
    pub last: Option<RoundSummary>,
    /// The last sync that failed, until a chain is adopted.
    pub failed_sync: Option<FailedSync>,
}

/// A sync that gave up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailedSync {
    /// Seconds since it failed.
    pub secs: f64,
    /// Why.
    pub reason: String,
}

/// A sync in progress.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyncView {
    /// Length of the chain being fetched.
    pub target_height: u64,
    /// Its tip.
    pub target_hash: String,
    /// Blocks fetched and checked.
    pub fetched: u64,
    /// Blocks expected.
    pub needed: u64,
    /// Peers fetched from.
    pub sources: usize,
    /// Seconds since it started.
    pub elapsed_secs: f64,
}

/// The miners as the engine measures them (the node itself leaves these at zero).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MinerStats {
    /// Hashes per second over the last few seconds.
    pub hashrate: f64,
    /// Worker threads.
    pub threads: usize,
    /// The CPU kernel in use (`MinerPool::backend`: "sha-ni/avx512vl", "avx512", …).
    pub backend: String,
    /// Nonces hashed since start.
    pub total_hashes: u64,
    /// The GPU miner, while CUDA mining is on (and has not failed).
    pub cuda: Option<CudaStats>,
    /// Why CUDA mining was asked for but is not running (then the CPU threads mine).
    pub cuda_error: Option<String>,
}

/// The GPU miner as the engine measures it. `hashrate` above is the CPU threads' alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CudaStats {
    /// Whether the GPU is open and its kernel compiled (until then the CPU threads mine).
    pub ready: bool,
    /// The GPU's name, e.g. "NVIDIA H100 80GB HBM3" (empty until ready).
    pub device: String,
    /// GPU hashes per second over the last few seconds.
    pub hashrate: f64,
    /// Nonces the GPU hashed since it started.
    pub total_hashes: u64,
}

/// The node at one moment.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    /// Our advertised `host:port`.
    pub address: String,
    /// Our name.
    pub name: String,
    /// The protocol generation the peer speaks.
    pub protocol: Generation,
    /// The network difficulty.
    pub difficulty: u32,
    /// Chain length.
    pub height: u64,
    /// Tip hash.
    pub tip: Option<String>,
    /// The blocks (shared; not serialised here — the web API pages through them).
    #[serde(skip)]
    pub blocks: SharedBlocks,
    /// Known peers, by address.
    pub peers: Vec<PeerView>,
    /// Peer-graph edges: (forwarder, originator) of FLOODs.
    pub links: Vec<(String, String)>,
    /// Whether mining is on.
    pub mining: bool,
    /// The miners' job.
    pub job: Option<JobView>,
    /// Words waiting, oldest first (at most 50 shown).
    pub pending_words: Vec<String>,
    /// Number of words waiting.
    pub pending_count: usize,
    /// Blocks our miner added.
    pub blocks_mined: u64,
    /// Miner measurements.
    pub miner: MinerStats,
    /// Consensus state.
    pub consensus: ConsensusView,
    /// The sync in progress.
    pub sync: Option<SyncView>,
    /// The network's chain meets fewer trailing zeros than we require, if so.
    pub difficulty_mismatch: Option<Mismatch>,
    /// Counters.
    pub counters: Counters,
    /// Seconds since the node started.
    pub uptime_secs: f64,
    /// What the node saw and did not keep: side blocks, reorganisations, rounds and
    /// each peer's chain over time (shared; the web API and the export serialise it).
    #[serde(skip)]
    pub record: Record,
    /// Why the chain could not be saved to disk, while it cannot (set by the engine;
    /// the node itself never writes).
    pub store_error: Option<String>,
}

impl Node {
    /// A picture of the node at `now`.
    pub fn snapshot(&self, now: Instant) -> Snapshot {
        let secs = |t: Instant| now.saturating_duration_since(t).as_secs_f64();
        let tip = self.chain.tip().map(|b| b.hash.clone());
        let peers = self
            .peers
            .iter()
            .map(|(addr, p)| {
                let standing = standing(p.reported.as_ref(), &self.chain);
                PeerView {
                    address: addr.to_string(),
                    name: p.name.clone(),
                    learned: p.learned,
                    first_seen_secs: secs(p.first_seen),
                    last_seen_secs: secs(p.last_seen),
                    verified: p.verified,
                    rtt_ms: p.rtt.map(|d| d.as_secs_f64() * 1000.0),
                    height: p.reported.as_ref().map(|r| r.height),
                    hash: p.reported.as_ref().and_then(|r| r.hash.clone()),
                    agrees: standing == Standing::Agrees,
                    standing,
                    traffic: p.traffic.by_kind(),
                }
            })
            .collect();
        let mut counters = self.counters.clone();
        counters.rate_limited = self.limiter.refused();
        counters.peers_refused = self.peers.refused();
        counters.words_refused = self.words.refused();
        counters.flood_ids_remembered = self.seen.len() as u64;
        counters.forwards_refused = self.forwards.refused();
        counters.names_dropped = self.hosts.dropped();
        Snapshot {
            address: self.me.to_string(),
            name: self.config.name.clone(),
            protocol: self.config.generation,
            difficulty: self.config.difficulty,
            height: self.chain.len(),
            tip,
            blocks: self.chain.blocks().clone(),
            peers,
            links: self.peers.links().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            mining: self.mining,
            job: self.job.as_ref().map(|j| JobView {
                height: j.height,
                messages: j.messages.clone(),
                difficulty: j.difficulty,
            }),
            pending_words: self.words.iter().take(50).cloned().collect(),
            pending_count: self.words.len(),
            blocks_mined: self.blocks_mined,
            miner: MinerStats::default(),
            consensus: ConsensusView {
                running: self.round.is_some(),
                last_secs: self.last_round.as_ref().map(|(t, _)| secs(*t)),
                last: self.last_round.as_ref().map(|(_, s)| s.clone()),
                failed_sync: self
                    .failed_sync
                    .as_ref()
                    .map(|(t, reason)| FailedSync { secs: secs(*t), reason: reason.clone() }),
            },
            sync: self.sync.as_ref().map(|s| SyncView {
                target_height: s.target().0,
                target_hash: s.target().1.to_owned(),
                fetched: s.fetched(),
                needed: s.needed(),
                sources: s.sources().len(),
                elapsed_secs: secs(s.started()),
            }),
            difficulty_mismatch: self.mismatch,
            counters,
            uptime_secs: secs(self.started),
            record: self.record.clone(),
            store_error: None,
        }
    }
}

impl Trigger {
    /// A word for the GUI and logs.
    pub fn label(self) -> &'static str {
        match self {
            Trigger::Timer => "periodic",
            Trigger::Join => "join",
            Trigger::Request => "requested by a peer",
            Trigger::Announce => "a peer announced a longer chain",
            Trigger::Behind => "a peer showed a longer chain",
            Trigger::Manual => "manual",
        }
    }
}
