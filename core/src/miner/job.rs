//! A mining job: everything a miner needs to search nonces for the next block.

use crate::chain::{Block, HashInput, digest_hex, meets_difficulty};

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
    /// GOSSIP generation: the Unix seconds the block says it was mined at (fixed for the
    /// job, set anew whenever the job is rebuilt); FLOOD: none.
    pub timestamp: Option<u64>,
    /// Trailing hex zeros required.
    pub difficulty: u32,
}

impl Job {
    /// Whether `other` asks for the same block, but perhaps at another time.
    pub fn same_block_but_time(&self, other: &Job) -> bool {
        Job { timestamp: other.timestamp, ..self.clone() } == *other
    }

    /// What the block's hash covers besides the nonce.
    fn input(&self) -> HashInput<'_, String> {
        HashInput {
            prev_hash: self.prev_hash.as_deref(),
            mined_by: &self.mined_by,
            messages: &self.messages,
            timestamp: self.timestamp,
        }
    }

    /// The bytes hashed before the nonce: prev hash hex ‖ minedBy ‖ messages (‖ the
    /// timestamp's 8 big-endian bytes in the GOSSIP generation).
    pub fn prefix(&self) -> Vec<u8> {
        self.input().prefix()
    }

    /// The block this job yields with `nonce`, if that nonce meets the difficulty
    /// under the plain hash rule (the final check before any block leaves a miner).
    pub fn block_if_valid(&self, nonce: &str) -> Option<Block> {
        let digest = self.input().hash(nonce);
        meets_difficulty(&digest, self.difficulty).then(|| Block {
            height: self.height,
            mined_by: self.mined_by.clone(),
            nonce: nonce.to_owned(),
            messages: self.messages.clone(),
            hash: digest_hex(&digest),
            timestamp: self.timestamp,
        })
    }
}
