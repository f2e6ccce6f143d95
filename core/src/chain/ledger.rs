//! The in-memory chain: append a valid block, or replace everything above a fork
//! point with a validated branch. Blocks are shared (`Arc`) so snapshots are cheap.

use super::block::Block;
use super::validate::{BlockError, Limits, validate_block};
use std::sync::Arc;
use thiserror::Error;

/// The blocks of a chain, shared between the node and its snapshots.
pub type SharedBlocks = Arc<Vec<Arc<Block>>>;

/// Why a branch could not replace part of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ChainError {
    /// The fork point lies above our tip.
    #[error("fork point {fork} is above the tip (chain has {len} blocks)")]
    ForkAboveTip {
        /// Requested fork height.
        fork: u64,
        /// Our chain length.
        len: u64,
    },
    /// A block of the branch does not validate.
    #[error("block {height} of the branch is invalid: {error}")]
    Invalid {
        /// Height of the first invalid block.
        height: u64,
        /// Why it failed.
        error: BlockError,
    },
}

/// A valid chain from genesis, under fixed [`Limits`].
#[derive(Clone, Debug)]
pub struct Chain {
    blocks: SharedBlocks,
    limits: Limits,
}

impl Chain {
    /// An empty chain.
    pub fn new(limits: Limits) -> Self {
        Self { blocks: Arc::new(Vec::new()), limits }
    }

    /// Builds a chain from the longest valid prefix of `blocks`; reports the first
    /// invalid block's height and error if some were left out.
    pub fn from_blocks(blocks: Vec<Block>, limits: Limits) -> (Self, Option<(u64, BlockError)>) {
        let mut chain = Self::new(limits);
        for block in blocks {
            let height = block.height;
            if let Err(error) = chain.append(block) {
                return (chain, Some((height, error)));
            }
        }
        (chain, None)
    }

    /// The rules this chain validates with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Number of blocks (top index + 1).
    pub fn len(&self) -> u64 {
        self.blocks.len() as u64
    }

    /// Whether the chain has no block yet.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The top block.
    pub fn tip(&self) -> Option<&Block> {
        self.blocks.last().map(|b| b.as_ref())
    }

    /// The block at `height`.
    pub fn get(&self, height: u64) -> Option<&Block> {
        usize::try_from(height).ok().and_then(|h| self.blocks.get(h)).map(|b| b.as_ref())
    }

    /// The shared block list (cheap to clone).
    pub fn blocks(&self) -> &SharedBlocks {
        &self.blocks
    }

    /// Checks `block` as the block at `height` on top of our first `height` blocks.
    pub fn validate_at(&self, height: u64, block: &Block) -> Result<(), BlockError> {
        if height > self.len() {
            return Err(BlockError::WrongHeight { expected: self.len(), got: height });
        }
        let parent = height.checked_sub(1).and_then(|h| self.get(h));
        validate_block(block, parent, &self.limits)
    }

    /// Appends `block` if it validates on top of the tip.
    pub fn append(&mut self, block: Block) -> Result<(), BlockError> {
        validate_block(&block, self.tip(), &self.limits)?;
        Arc::make_mut(&mut self.blocks).push(Arc::new(block));
        Ok(())
    }

    /// Replaces every block at `fork` and above with `branch` (which starts at height
    /// `fork`), after validating all of it. Returns how many of our blocks it removed.
    /// On error the chain is unchanged.
    pub fn replace_from(&mut self, fork: u64, branch: Vec<Block>) -> Result<u64, ChainError> {
        if fork > self.len() {
            return Err(ChainError::ForkAboveTip { fork, len: self.len() });
        }
        let mut parent = fork.checked_sub(1).and_then(|h| self.get(h));
        for block in &branch {
            validate_block(block, parent, &self.limits)
                .map_err(|error| ChainError::Invalid { height: block.height, error })?;
            parent = Some(block);
        }
        let removed = self.len() - fork;
        let blocks = Arc::make_mut(&mut self.blocks);
        blocks.truncate(fork as usize);
        blocks.extend(branch.into_iter().map(Arc::new));
        Ok(removed)
    }
}
