//! A mining job: everything a miner needs to search nonces for the next block.

use crate::chain::{Block, block_hash, digest_hex, meets_difficulty};

/// The block at `height` on top of `prev_hash`, carrying `messages`, mined by `mined_by`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Height of the block to mine.
    pub height: u64,
    /// The parent's hash; `None` for genesis.
    pub prev_hash: Option<String>,
    /// Our miner name (≤ 20 characters).
    pub mined_by: String,
    /// The words the block carries (1–10 of ≤ 20 characters).
    pub messages: Vec<String>,
    /// Trailing hex zeros required.
    pub difficulty: u32,
}

impl Job {
    /// The bytes hashed before the nonce: prev hash hex ‖ minedBy ‖ messages.
    pub fn prefix(&self) -> Vec<u8> {
        let mut prefix = Vec::new();
        if let Some(prev) = &self.prev_hash {
            prefix.extend_from_slice(prev.as_bytes());
        }
        prefix.extend_from_slice(self.mined_by.as_bytes());
        for message in &self.messages {
            prefix.extend_from_slice(message.as_bytes());
        }
        prefix
    }

    /// The block this job yields with `nonce`, if that nonce meets the difficulty
    /// under the plain hash rule (the final check before any block leaves a miner).
    pub fn block_if_valid(&self, nonce: &str) -> Option<Block> {
        let digest = block_hash(self.prev_hash.as_deref(), &self.mined_by, &self.messages, nonce);
        meets_difficulty(&digest, self.difficulty).then(|| Block {
            height: self.height,
            mined_by: self.mined_by.clone(),
            nonce: nonce.to_owned(),
            messages: self.messages.clone(),
            hash: digest_hex(&digest),
        })
    }
}
