//! The block as it travels on the wire and sits in the chain file.

use super::hash::HashInput;
use serde::{Deserialize, Serialize};

/// One block of the chain, with the wire's field names (`minedBy`).
///
/// Field order matches what peers send: height, minedBy, nonce, messages, hash, and
/// in the GOSSIP generation timestamp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Index in the chain; genesis is 0.
    pub height: u64,
    /// Free-text name of the miner.
    #[serde(rename = "minedBy")]
    pub mined_by: String,
    /// The proof-of-work nonce, as a string (< 40 characters).
    pub nonce: String,
    /// The words ("transactions") this block carries, 1–10 of ≤ 20 characters.
    pub messages: Vec<String>,
    /// Lowercase hex SHA-256 per the hash rule, ending in ≥ D zeros.
    pub hash: String,
    /// GOSSIP generation: Unix seconds when it was mined (hashed as 8 big-endian bytes
    /// between the messages and the nonce); never trusted for anything else. FLOOD: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<u64>,
}

impl Block {
    /// What its hash covers on top of a parent whose hash is `prev_hash`.
    pub fn hash_input<'a>(&'a self, prev_hash: Option<&'a str>) -> HashInput<'a, String> {
        HashInput { prev_hash, mined_by: &self.mined_by, messages: &self.messages, timestamp: self.timestamp }
    }

    /// The first `n` characters of the hash, for logs and tables.
    pub fn short_hash(&self, n: usize) -> &str {
        super::hash::prefix_chars(&self.hash, n)
    }
}

/// Bytes that `{"type":"GET_BLOCK_REPLY",` adds in front of a block's own JSON fields.
const REPLY_PREFIX_LEN: usize = r#"{"type":"GET_BLOCK_REPLY","#.len();

impl Block {
    /// Size of the compact GET_BLOCK_REPLY datagram that carries this block.
    pub fn reply_datagram_len(&self) -> usize {
        // The block's own JSON is `{...}`; the reply replaces its `{` with the prefix.
        serde_json::to_vec(self).map_or(usize::MAX, |json| json.len() - 1 + REPLY_PREFIX_LEN)
    }
}
