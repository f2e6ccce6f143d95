//! Tolerant decoding: everything PROTOCOL.md §3 and §8 say we must accept, a typed
//! error for the rest, and never a panic on any input.
//!
//! Every field is checked here, at the edge, so that nothing behind it has to trust a
//! stranger: a hash is 64 lowercase hex characters or absent, a height stays far below
//! `u64::MAX` (any `+ 1` is safe), hosts and ids have a length a real peer would use,
//! and a peer's free-text name is cut to [`MAX_NAME_CHARS`].

use super::MAX_RECV;
use super::message::{BlockReply, Flood, FloodReply, Message, StatsReply};
use crate::chain::{Block, Generation, is_hash, prefix_chars};
use serde_json::{Map, Value};
use thiserror::Error;

/// Why a datagram is not a message we can use.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// Longer than we read.
    #[error("datagram of {0} bytes is too large")]
    TooLarge(usize),
    /// Not UTF-8 JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an object.
    #[error("not a JSON object")]
    NotObject,
    /// A known message type with a missing or unusable field.
    #[error("{kind}: missing or invalid field {field:?}")]
    BadField {
        /// The message type.
        kind: &'static str,
        /// The field at fault.
        field: &'static str,
    },
}

/// The greatest height (or block count) we read: 2⁵³ − 1, exact in every JSON
/// implementation, and so far below `u64::MAX` that adding to it never overflows.
pub const MAX_HEIGHT: u64 = (1 << 53) - 1;
/// Longest host we read (a DNS name has at most 253 characters).
pub const MAX_HOST_CHARS: usize = 253;
/// Longest FLOOD id we read (a UUID has 36 characters).
pub const MAX_ID_CHARS: usize = 128;
/// A peer's name is cut to this many characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Decodes one datagram.
pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
    if bytes.len() > MAX_RECV {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| DecodeError::NotJson(e.to_string()))?;
    let Value::Object(object) = value else {
        return Err(DecodeError::NotObject);
    };
    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(other) => {
            return Ok(Message::Unknown { kind: other.to_string() });
        }
        None => {
            return Ok(Message::Unknown { kind: String::new() });
        }
    };
    let bad = |kind, field| DecodeError::BadField { kind, field };
    Ok(match kind {
        "FLOOD" => Message::Flood(join(&object, Generation::Flood)?),
        "GOSSIP" => Message::Flood(join(&object, Generation::Gossip)?),
        "FLOOD-REPLY" | "FLOOD_REPLY" => Message::FloodReply(join_reply(&object, Generation::Flood)?),
        "GOSSIP_REPLY" | "GOSSIP-REPLY" => Message::FloodReply(join_reply(&object, Generation::Gossip)?),
        "STATS" => Message::Stats,
        "STATS_REPLY" => Message::StatsReply(stats_reply(&object).ok_or(bad("STATS_REPLY", "height or hash"))?),
        "GET_BLOCK" => {
            Message::GetBlock { height: object.get("height").and_then(height).ok_or(bad("GET_BLOCK", "height"))? }
        }
        "GET_BLOCK_REPLY" => Message::GetBlockReply(match block_from_object(&object) {
            Some(block) => BlockReply::Block(block),
            // A GOSSIP peer's "missing" carries a timestamp key too (null).
            None => BlockReply::Missing(if object.contains_key("timestamp") {
                Generation::Gossip
            } else {
                Generation::Flood
            }),
        }),
        "ANNOUNCE" => Message::Announce(block_from_object(&object).ok_or(bad("ANNOUNCE", "block fields"))?),
        "NEW_WORD" => Message::NewWord { word: string(&object, "word").ok_or(bad("NEW_WORD", "word"))? },
        "CONSENSUS" => Message::Consensus,
        other => Message::Unknown { kind: other.to_owned() },
    })
}

/// A FLOOD or GOSSIP.
fn join(object: &Map<String, Value>, generation: Generation) -> Result<Flood, DecodeError> {
    let kind = generation.join_type();
    let bad = |field| DecodeError::BadField { kind, field };
    Ok(Flood {
        generation,
        host: host(object).ok_or(bad("host"))?,
        port: port(object).ok_or(bad("port"))?,
        id: text(object, "id").filter(|id| id.chars().count() <= MAX_ID_CHARS).ok_or(bad("id"))?,
        name: name(object),
    })
}

/// A FLOOD-REPLY or GOSSIP_REPLY.
fn join_reply(object: &Map<String, Value>, generation: Generation) -> Result<FloodReply, DecodeError> {
    let kind = generation.join_reply_type();
    let bad = |field| DecodeError::BadField { kind, field };
    Ok(FloodReply {
        generation,
        host: host(object).ok_or(bad("host"))?,
        port: port(object).ok_or(bad("port"))?,
        name: name(object),
    })
}

/// Reads a block from a JSON object as liberally as PROTOCOL.md asks (the
/// `"minedBy:"` key, integer nonces, numeric-string heights). `None` if unusable —
/// among others, a hash that is not 64 lowercase hex characters.
pub fn block_from_value(value: &Value) -> Option<Block> {
    value.as_object().and_then(block_from_object)
}

fn block_from_object(object: &Map<String, Value>) -> Option<Block> {
    let mined_by = string(object, "minedBy").or_else(|| string(object, "minedBy:"))?;
    let nonce = match object.get("nonce")? {
        Value::String(nonce) => nonce.clone(),
        Value::Number(n) if n.is_u64() || n.is_i64() => n.to_string(),
        _ => return None,
    };
    let messages = object
        .get("messages")?
        .as_array()?
        .iter()
        .map(|m| m.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()?;
    let timestamp = match object.get("timestamp") {
        None | Some(Value::Null) => None,
        Some(value) => Some(unsigned(value)?),
    };
    Some(Block {
        height: object.get("height").and_then(height)?,
        mined_by,
        nonce,
        messages,
        hash: string(object, "hash").filter(|h| is_hash(h))?,
        timestamp,
    })
}

/// A STATS_REPLY; `None` if its height is out of range or its hash is malformed. An
/// empty chain comes in many spellings: a hash of `null`, `"NONE"`, `"None"` or `""`,
/// a height of `-1` or `null`.
fn stats_reply(object: &Map<String, Value>) -> Option<StatsReply> {
    let hash = match object.get("hash") {
        None | Some(Value::Null) => None,
        Some(Value::String(h)) if h.is_empty() || h.eq_ignore_ascii_case("none") => None,
        Some(Value::String(h)) if is_hash(h) => Some(h.clone()),
        Some(_) => return None,
    };
    let height = match object.get("height").map(|h| (h, unsigned(h))) {
        Some((_, Some(h))) => (h <= MAX_HEIGHT).then_some(h)?,
        // -1, null, "NONE": no chain.
        _ => 0,
    };
    Some(StatsReply { height, hash })
}

fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A string, or a number written as its decimal text (ids and names are free-form).
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A host: a non-empty IP literal or DNS name of sensible length.
fn host(object: &Map<String, Value>) -> Option<String> {
    string(object, "host").filter(|h| !h.trim().is_empty() && h.chars().count() <= MAX_HOST_CHARS)
}

/// A peer's name, cut to [`MAX_NAME_CHARS`] characters (empty when absent).
fn name(object: &Map<String, Value>) -> String {
    let name = text(object, "name").unwrap_or_default();
    prefix_chars(&name, MAX_NAME_CHARS).to_owned()
}

/// A port: an integer 1–65535, or the same as a numeric string.
fn port(object: &Map<String, Value>) -> Option<u16> {
    object.get("port").and_then(unsigned).and_then(|p| u16::try_from(p).ok()).filter(|p| *p != 0)
}

/// A non-negative integer, or a string holding one.
fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A height: an unsigned integer no greater than [`MAX_HEIGHT`].
fn height(value: &Value) -> Option<u64> {
    unsigned(value).filter(|h| *h <= MAX_HEIGHT)
}
