//! Blocks, the hash rule, validation, the in-memory chain and its file on disk.

mod block;
mod generation;
mod hash;
mod ledger;
mod store;
mod validate;

pub use block::Block;
pub use generation::Generation;
pub use hash::{
    HashInput, digest_hex, hex_trailing_zeros, is_hash, meets_difficulty, prefix_chars, trailing_zero_nibbles,
};
pub use ledger::{Chain, ChainError, SharedBlocks};
pub use store::{ChainStore, LoadReport, StoreError};
pub use validate::{BlockError, Limits, check_standalone, validate_block, validate_chain};
