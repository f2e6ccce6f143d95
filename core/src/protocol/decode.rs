//! Tolerant decoding: everything PROTOCOL.md §3 and §8 say we must accept, a typed
//! error for the rest, and never a panic on any input.

use super::MAX_RECV;
use super::message::{BlockReply, Flood, FloodReply, Message, StatsReply};
use crate::chain::Block;
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
        "FLOOD" => Message::Flood(Flood {
            host: string(&object, "host").ok_or(bad("FLOOD", "host"))?,
            port: port(&object).ok_or(bad("FLOOD", "port"))?,
            id: text(&object, "id").ok_or(bad("FLOOD", "id"))?,
            name: text(&object, "name").unwrap_or_default(),
        }),
        "FLOOD-REPLY" | "FLOOD_REPLY" => Message::FloodReply(FloodReply {
            host: string(&object, "host").ok_or(bad("FLOOD-REPLY", "host"))?,
            port: port(&object).ok_or(bad("FLOOD-REPLY", "port"))?,
            name: text(&object, "name").unwrap_or_default(),
        }),
        "STATS" => Message::Stats,
        "STATS_REPLY" => Message::StatsReply(stats_reply(&object)),
        "GET_BLOCK" => {
            Message::GetBlock { height: object.get("height").and_then(unsigned).ok_or(bad("GET_BLOCK", "height"))? }
        }
        "GET_BLOCK_REPLY" => Message::GetBlockReply(match block_from_object(&object) {
            Some(block) if is_hex64(&block.hash) => BlockReply::Block(block),
            _ => BlockReply::Missing,
        }),
        "ANNOUNCE" => Message::Announce(block_from_object(&object).ok_or(bad("ANNOUNCE", "block fields"))?),
        "NEW_WORD" => Message::NewWord { word: string(&object, "word").ok_or(bad("NEW_WORD", "word"))? },
        "CONSENSUS" => Message::Consensus,
        other => Message::Unknown { kind: other.to_owned() },
    })
}

/// Reads a block from a JSON object as liberally as PROTOCOL.md asks (the
/// `"minedBy:"` key, integer nonces, numeric-string heights). `None` if unusable.
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
    Some(Block {
        height: object.get("height").and_then(unsigned)?,
        mined_by,
        nonce,
        messages,
        hash: string(object, "hash")?,
    })
}

fn stats_reply(object: &Map<String, Value>) -> StatsReply {
    let hash = string(object, "hash").filter(|h| h != "NONE" && !h.is_empty());
    StatsReply { height: object.get("height").and_then(unsigned).unwrap_or(0), hash }
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

fn is_hex64(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}
