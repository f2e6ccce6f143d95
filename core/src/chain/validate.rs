//! Block and chain validation (PROTOCOL.md §5, PROTOCOL-GOSSIP.md §2), each rejection
//! with its reason.

use super::block::Block;
use super::generation::Generation;
use super::hash::{digest_hex, hex_trailing_zeros, is_hash, trailing_zero_nibbles};
use thiserror::Error;

/// The rules a block must meet, besides linking to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The protocol generation: whether blocks carry (and hash) a timestamp.
    pub generation: Generation,
    /// Required trailing hex zeros of the hash.
    pub difficulty: u32,
    /// Most messages a block may carry.
    pub max_messages: usize,
    /// Longest message, in Unicode code points.
    pub max_message_chars: usize,
    /// Longest nonce we accept, in characters (we send at most 39).
    pub max_nonce_chars: usize,
    /// Largest GET_BLOCK_REPLY datagram the block may need: peers read 1024 bytes.
    pub max_datagram: usize,
}

impl Limits {
    /// The FLOOD generation's rules at difficulty `difficulty`.
    pub const fn new(difficulty: u32) -> Self {
        Self::of(Generation::Flood, difficulty)
    }

    /// The rules of `generation` at difficulty `difficulty`.
    pub const fn of(generation: Generation, difficulty: u32) -> Self {
        Self {
            generation,
            difficulty,
            max_messages: 10,
            max_message_chars: 20,
            max_nonce_chars: 40,
            max_datagram: 1024,
        }
    }
}

/// Why a block was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BlockError {
    /// The block claims another height than the slot it is offered for.
    #[error("wrong height: expected {expected}, block says {got}")]
    WrongHeight {
        /// The height the block should have.
        expected: u64,
        /// The height it claims.
        got: u64,
    },
    /// More messages than a block may carry.
    #[error("too many messages: {count} (at most {max})")]
    TooManyMessages {
        /// Messages in the block.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// One message is longer than allowed.
    #[error("message {index} is {chars} characters long (at most {max})")]
    MessageTooLong {
        /// Which message.
        index: usize,
        /// Its length in code points.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The nonce is longer than allowed.
    #[error("nonce is {chars} characters long (at most {max})")]
    NonceTooLong {
        /// Its length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The block would not fit a datagram that other peers can read.
    #[error("block needs a {bytes}-byte datagram (peers read at most {max})")]
    TooLarge {
        /// Bytes of its GET_BLOCK_REPLY.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A FLOOD block with a timestamp, or a GOSSIP block without one.
    #[error("{}", if *.expected == Generation::Gossip { "the block has no timestamp (GOSSIP blocks carry one)" } else { "the block has a timestamp (FLOOD blocks carry none)" })]
    WrongGeneration {
        /// The generation of the chain.
        expected: Generation,
    },
    /// The hash field is not 64 lowercase hex characters.
    #[error("hash is not 64 lowercase hex characters: {0:?}")]
    MalformedHash(String),
    /// The hash does not end in enough zeros.
    #[error("hash ends in {zeros} zeros, difficulty needs {difficulty}")]
    TooFewZeros {
        /// Trailing zeros of the claimed hash.
        zeros: u32,
        /// Required zeros.
        difficulty: u32,
    },
    /// The hash does not match the block's contents on top of its parent.
    #[error("hash mismatch: the block's contents on top of its parent hash to {computed}")]
    HashMismatch {
        /// What the hash rule gives for this block on this parent.
        computed: String,
    },
}

/// Checks `block` for the slot after `parent` (`None` for genesis) under `limits`.
///
/// Cheap checks come first; the hash is computed last.
pub fn validate_block(block: &Block, parent: Option<&Block>, limits: &Limits) -> Result<(), BlockError> {
    let expected = parent.map_or(0, |p| p.height + 1);
    if block.height != expected {
        return Err(BlockError::WrongHeight { expected, got: block.height });
    }
    check_standalone(block, limits)?;
    let digest = block.hash_input(parent.map(|p| p.hash.as_str())).hash(&block.nonce);
    let computed = digest_hex(&digest);
    if computed != block.hash {
        return Err(BlockError::HashMismatch { computed });
    }
    debug_assert!(trailing_zero_nibbles(&digest) >= limits.difficulty);
    Ok(())
}

/// The checks that need no parent: limits, size, hash format and difficulty. A block
/// that fails them is worthless whatever chain it claims to belong to.
pub fn check_standalone(block: &Block, limits: &Limits) -> Result<(), BlockError> {
    if Generation::of_timestamp(block.timestamp) != limits.generation {
        return Err(BlockError::WrongGeneration { expected: limits.generation });
    }
    if block.messages.len() > limits.max_messages {
        return Err(BlockError::TooManyMessages { count: block.messages.len(), max: limits.max_messages });
    }
    for (index, message) in block.messages.iter().enumerate() {
        let chars = message.chars().count();
        if chars > limits.max_message_chars {
            return Err(BlockError::MessageTooLong { index, chars, max: limits.max_message_chars });
        }
    }
    let nonce_chars = block.nonce.chars().count();
    if nonce_chars > limits.max_nonce_chars {
        return Err(BlockError::NonceTooLong { chars: nonce_chars, max: limits.max_nonce_chars });
    }
    let bytes = block.reply_datagram_len();
    if bytes > limits.max_datagram {
        return Err(BlockError::TooLarge { bytes, max: limits.max_datagram });
    }
    if !is_hash(&block.hash) {
        return Err(BlockError::MalformedHash(block.hash.clone()));
    }
    let zeros = hex_trailing_zeros(&block.hash);
    if zeros < limits.difficulty {
        return Err(BlockError::TooFewZeros { zeros, difficulty: limits.difficulty });
    }
    Ok(())
}

/// Validates `blocks` in order from genesis. Returns how many form a valid prefix and,
/// if that is not all of them, why the next one failed.
pub fn validate_chain(blocks: &[Block], limits: &Limits) -> (usize, Option<BlockError>) {
    let mut parent = None;
    for (index, block) in blocks.iter().enumerate() {
        if let Err(error) = validate_block(block, parent, limits) {
            return (index, Some(error));
        }
        parent = Some(block);
    }
    (blocks.len(), None)
}
