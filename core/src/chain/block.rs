//! The block as it travels on the wire and sits in the chain file.

use serde::{Deserialize, Serialize};

/// One block of the chain, with the wire's field names (`minedBy`).
///
/// Field order matches what peers send: height, minedBy, nonce, messages, hash.
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
}

impl Block {
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
