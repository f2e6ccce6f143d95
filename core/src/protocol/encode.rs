//! Strict encoding: compact JSON, raw UTF-8, `type` first, the spellings of PROTOCOL.md
//! and PROTOCOL-GOSSIP.md.

use super::message::{BlockReply, Message};
use crate::chain::{Block, Generation};
use serde::Serialize;

/// The wire form of a message, borrowing from it.
#[derive(Serialize)]
#[serde(tag = "type")]
enum Wire<'a> {
    #[serde(rename = "FLOOD")]
    Flood { host: &'a str, port: u16, id: &'a str, name: &'a str },
    #[serde(rename = "FLOOD-REPLY")]
    FloodReply { host: &'a str, port: u16, name: &'a str },
    #[serde(rename = "GOSSIP")]
    Gossip { host: &'a str, port: u16, id: &'a str, name: &'a str },
    #[serde(rename = "GOSSIP_REPLY")]
    GossipReply { host: &'a str, port: u16, name: &'a str },
    #[serde(rename = "STATS")]
    Stats,
    #[serde(rename = "STATS_REPLY")]
    StatsReply { height: u64, hash: Option<&'a str> },
    #[serde(rename = "GET_BLOCK")]
    GetBlock { height: u64 },
    #[serde(rename = "GET_BLOCK_REPLY")]
    GetBlockReply(MaybeBlock<'a>),
    #[serde(rename = "ANNOUNCE")]
    Announce(&'a Block),
    #[serde(rename = "NEW_WORD")]
    NewWord { word: &'a str },
    #[serde(rename = "CONSENSUS")]
    Consensus,
}

/// A block, or the all-null fields of "I don't have it" (with a null timestamp in the
/// GOSSIP generation, which some of its peers read without looking first).
#[derive(Serialize)]
#[serde(untagged)]
enum MaybeBlock<'a> {
    Block(&'a Block),
    Missing {
        height: (),
        #[serde(rename = "minedBy")]
        mined_by: (),
        nonce: (),
        messages: (),
        hash: (),
        /// `Some(())` writes `null`; `None` leaves the key out.
        #[serde(skip_serializing_if = "Option::is_none")]
        timestamp: Option<()>,
    },
}

impl Message {
    /// Encodes the message as compact JSON. `Unknown` messages are never sent and
    /// encode as `{}`.
    pub fn encode(&self) -> Vec<u8> {
        let wire = match self {
            Message::Flood(f) => {
                let (host, port, id, name) = (f.host.as_str(), f.port, f.id.as_str(), f.name.as_str());
                match f.generation {
                    Generation::Flood => Wire::Flood { host, port, id, name },
                    Generation::Gossip => Wire::Gossip { host, port, id, name },
                }
            }
            Message::FloodReply(r) => {
                let (host, port, name) = (r.host.as_str(), r.port, r.name.as_str());
                match r.generation {
                    Generation::Flood => Wire::FloodReply { host, port, name },
                    Generation::Gossip => Wire::GossipReply { host, port, name },
                }
            }
            Message::Stats => Wire::Stats,
            Message::StatsReply(s) => Wire::StatsReply { height: s.height, hash: s.hash.as_deref() },
            Message::GetBlock { height } => Wire::GetBlock { height: *height },
            Message::GetBlockReply(BlockReply::Block(block)) => Wire::GetBlockReply(MaybeBlock::Block(block)),
            Message::GetBlockReply(BlockReply::Missing(generation)) => Wire::GetBlockReply(MaybeBlock::Missing {
                height: (),
                mined_by: (),
                nonce: (),
                messages: (),
                hash: (),
                timestamp: generation.timestamped().then_some(()),
            }),
            Message::Announce(block) => Wire::Announce(block),
            Message::NewWord { word } => Wire::NewWord { word },
            Message::Consensus => Wire::Consensus,
            Message::Unknown { .. } => return b"{}".to_vec(),
        };
        // Serialising these plain structs to memory cannot fail: no maps with
        // non-string keys, no I/O.
        serde_json::to_vec(&wire).unwrap_or_else(|_| b"{}".to_vec())
    }
}
