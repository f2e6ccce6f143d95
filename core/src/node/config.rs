//! Every number the peer runs by, with the defaults of PROTOCOL.md §7, so tests can
//! run a minute of protocol in milliseconds.

use crate::chain::Generation;
use std::net::SocketAddr;
use std::time::Duration;

/// The peer's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Name sent in FLOOD / FLOOD-REPLY and used as `minedBy` (≤ 20 characters).
    pub name: String,
    /// Host we advertise in FLOOD and FLOOD-REPLY (an IPv4 literal).
    pub host: String,
    /// Our UDP port.
    pub port: u16,
    /// The well-known peer we join through; `None` when we start a new network.
    pub well_known: Option<SocketAddr>,
    /// Required trailing hex zeros.
    pub difficulty: u32,
    /// Whether to mine from the start.
    pub mining: bool,
    /// Re-FLOOD period.
    pub flood_interval: Duration,
    /// A peer silent this long is dropped.
    pub peer_timeout: Duration,
    /// Period of consensus rounds (once `min_peers` are known).
    pub consensus_interval: Duration,
    /// Peers needed before periodic consensus runs.
    pub min_peers: usize,
    /// Period of the self-fed random words.
    pub word_interval: Duration,
    /// Delay before the first self-fed words and the join round.
    pub startup_delay: Duration,
    /// How long a consensus round waits for STATS replies (resend at half of it).
    pub stats_wait: Duration,
    /// How long a GET_BLOCK may go unanswered before it is sent again.
    pub block_timeout: Duration,
    /// Give up a sync when no block arrives for this long.
    pub sync_stall: Duration,
    /// GET_BLOCKs in flight per source peer during a sync.
    pub window_per_peer: usize,
    /// Most peers we keep.
    pub max_peers: usize,
    /// Most FLOOD ids remembered for de-duplication.
    pub max_seen_ids: usize,
    /// A new FLOOD is forwarded to every peer (PROTOCOL.md) while we know at most this
    /// many; past it, to `flood_fanout` of them chosen at random. Forwarding to every
    /// peer costs each peer 2 (N − 1)² datagrams a minute (docs/SCALE.md): nothing in a
    /// classroom of 30, 40,000 a minute at 100 peers, 2 million at 1,000. Small networks
    /// keep the protocol's behaviour exactly.
    pub flood_forward_all_up_to: usize,
    /// Peers a new FLOOD is forwarded to past `flood_forward_all_up_to`. An epidemic with
    /// fan-out ln N + c reaches everyone with probability e^(−e^(−c)); 8 is
    /// ln 1,024 (`max_peers`) + 1: a FLOOD misses about N·e^(−8) ≈ 0.3 of 1,024 peers,
    /// and its originator sends it to every peer it knows anyway.
    pub flood_fanout: usize,
    /// Peers a block new to us is relayed to (an ANNOUNCE, chosen at random among the
    /// verified peers): a peer whose ANNOUNCE from the miner was lost still hears of the
    /// block from others. With datagram loss p a peer misses the miner's ANNOUNCE and
    /// every relay with probability about p·e^(−k(1−p)) (docs/SCALE.md); 0 relays nothing.
    pub relay_fanout: usize,
    /// How often we ask one random peer for its tip (a STATS): a peer that missed every
    /// push of a block learns of it within about this long and fetches it. `None`: never.
    pub tip_probe_interval: Option<Duration>,
    /// The most blocks a repair fetches from a peer that showed a longer chain (an
    /// ANNOUNCE above our tip, a STATS_REPLY); a peer further ahead was not missing an
    /// ANNOUNCE or two, and a consensus round decides. 0: never repair, always a round.
    pub repair_gap: u64,
    /// Most words waiting for the miner.
    pub max_pending_words: usize,
    /// Messages per second one source may send us (burst: twice that).
    pub rate_per_source: u32,
    /// Most blocks one sync may download.
    pub max_sync_blocks: u64,
    /// Seed of the node's random numbers (FLOOD ids, words).
    pub seed: u64,
    /// The protocol generation the node speaks.
    pub generation: Generation,
    /// Unix seconds when the node starts: its wall clock, for the timestamps of GOSSIP
    /// blocks it mines (the node itself reads no clock; SimNet sets a fixed one).
    pub unix_start: u64,
}

impl Config {
    /// The defaults of PROTOCOL.md §7 for a peer named `name` on `host:port`.
    pub fn new(name: impl Into<String>, host: impl Into<String>, port: u16) -> Self {
        Self {
            name: name.into(),
            host: host.into(),
            port,
            well_known: None,
            difficulty: 8,
            mining: false,
            flood_interval: Duration::from_secs(30),
            peer_timeout: Duration::from_secs(60),
            consensus_interval: Duration::from_secs(60),
            min_peers: 3,
            word_interval: Duration::from_secs(3600),
            startup_delay: Duration::from_secs(2),
            stats_wait: Duration::from_millis(1500),
            block_timeout: Duration::from_millis(500),
            sync_stall: Duration::from_secs(10),
            window_per_peer: 64,
            max_peers: 1024,
            max_seen_ids: 8192,
            flood_forward_all_up_to: 32,
            flood_fanout: 8,
            relay_fanout: 4,
            tip_probe_interval: Some(Duration::from_secs(1)),
            repair_gap: 4,
            max_pending_words: 1000,
            rate_per_source: 1000,
            max_sync_blocks: 2_000_000,
            seed: 0,
            generation: Generation::Flood,
            unix_start: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_secs()),
        }
    }
}
