//! The messages of both protocol generations as Rust types: the join message and its
//! reply are FLOOD / FLOOD-REPLY or GOSSIP / GOSSIP_REPLY by their `generation`; the
//! others are the same in both, blocks carrying a timestamp in the GOSSIP generation.

use crate::chain::{Block, Generation};

/// Join and keep-alive (FLOOD or GOSSIP): forwarded once per `id`, to all peers or to 3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flood {
    /// FLOOD or GOSSIP.
    pub generation: Generation,
    /// The originator's host (IPv4 or a DNS name).
    pub host: String,
    /// The originator's UDP port.
    pub port: u16,
    /// A unique id per FLOOD.
    pub id: String,
    /// Free-text peer name.
    pub name: String,
}

impl Flood {
    /// A UUID-shaped (version 4) id made of `bits`, as the handouts' peers send them.
    pub fn fresh_id(bits: u128) -> String {
        let hex = format!("{bits:032x}");
        format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
    }
}

/// The answer to a FLOOD (or GOSSIP), sent to its `host:port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FloodReply {
    /// FLOOD-REPLY or GOSSIP_REPLY.
    pub generation: Generation,
    /// The replier's host.
    pub host: String,
    /// The replier's UDP port.
    pub port: u16,
    /// Free-text peer name.
    pub name: String,
}

/// The answer to STATS: the chain's length and tip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsReply {
    /// Number of blocks (some peers send the top index instead).
    pub height: u64,
    /// Hash of the top block; `None` for an empty chain.
    pub hash: Option<String>,
}

/// The answer to GET_BLOCK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockReply {
    /// The block asked for.
    Block(Block),
    /// The peer does not have that block (or sent something we read as "missing"), in
    /// the form of a generation: all fields null, `timestamp` too in the GOSSIP one.
    Missing(Generation),
}

/// One datagram of the protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// `FLOOD` or `GOSSIP`.
    Flood(Flood),
    /// `FLOOD-REPLY` or `GOSSIP_REPLY` (also accepted as `FLOOD_REPLY`, `GOSSIP-REPLY`).
    FloodReply(FloodReply),
    /// `STATS`.
    Stats,
    /// `STATS_REPLY`.
    StatsReply(StatsReply),
    /// `GET_BLOCK`.
    GetBlock {
        /// The height asked for.
        height: u64,
    },
    /// `GET_BLOCK_REPLY`.
    GetBlockReply(BlockReply),
    /// `ANNOUNCE`: a newly mined block.
    Announce(Block),
    /// `NEW_WORD`: a word for the local miner.
    NewWord {
        /// The word.
        word: String,
    },
    /// `CONSENSUS`: run a round now.
    Consensus,
    /// A well-formed message of a type we don't know (or `{}`): ignored, counted.
    Unknown {
        /// Its `type` field, empty when absent.
        kind: String,
    },
}

/// Every value [`Message::kind`] takes: the message types as we write them, then
/// "UNKNOWN" for any other.
pub const KINDS: [&str; 12] = [
    "FLOOD",
    "FLOOD-REPLY",
    "GOSSIP",
    "GOSSIP_REPLY",
    "STATS",
    "STATS_REPLY",
    "GET_BLOCK",
    "GET_BLOCK_REPLY",
    "ANNOUNCE",
    "NEW_WORD",
    "CONSENSUS",
    "UNKNOWN",
];

impl Message {
    /// The wire name of the message type, for counters and logs (one of [`KINDS`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Flood(flood) => flood.generation.join_type(),
            Message::FloodReply(reply) => reply.generation.join_reply_type(),
            Message::Stats => "STATS",
            Message::StatsReply(_) => "STATS_REPLY",
            Message::GetBlock { .. } => "GET_BLOCK",
            Message::GetBlockReply(_) => "GET_BLOCK_REPLY",
            Message::Announce(_) => "ANNOUNCE",
            Message::NewWord { .. } => "NEW_WORD",
            Message::Consensus => "CONSENSUS",
            Message::Unknown { .. } => "UNKNOWN",
        }
    }
}
