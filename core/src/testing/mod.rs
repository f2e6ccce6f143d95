//! Test support (feature `testing`): quick chain builders, SimNet — many Nodes on a virtual
//! clock with seeded loss and latency, on as many threads as asked —, the scale scenario
//! measured on it (`scale`), a record of forks filled to its bounds (`record`),
//! scripted and hostile inputs for the fuzz targets, and the CUDA kernel's reference
//! searches (`cuda`).

pub mod cuda;
mod deadlines;
mod flight;
mod fuzz;
mod hostile;
mod parallel;
mod record;
pub mod scale;
mod script;
mod simnet;
mod traffic;
mod window;

pub use fuzz::exercise_node;
pub use hostile::{exercise_decode, hostile_datagram, log_everything};
pub use record::{FULL_RECORD_PEERS, add_history_point, full_record};
pub use script::Script;
pub use simnet::{NetStats, SimNet, SimNode, Tamper};
pub use traffic::{ByKind, MALFORMED};

use crate::chain::{Block, Chain, Generation, Limits};
use crate::miner::Job;

/// Mines the block for `job` with a plain, slow search from nonce 0 (for low test difficulties).
pub fn mine_naive(job: &Job) -> Block {
    (0u64..).find_map(|nonce| job.block_if_valid(&nonce.to_string())).expect("some nonce meets a test difficulty")
}

/// The GOSSIP generation's hash of `block` on a parent with hash `prev`, written from
/// the handout (PROTOCOL-GOSSIP.md §2) with sha2 alone, not with the crate's hash code:
/// SHA-256 of prev hex ‖ minedBy ‖ messages ‖ timestamp (8 bytes, big-endian) ‖ nonce,
/// in lowercase hex. A block without a timestamp is hashed as if it were 0.
pub fn handout_hash(block: &Block, prev: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let mut sha = Sha256::new();
    sha.update(prev.unwrap_or_default());
    sha.update(&block.mined_by);
    block.messages.iter().for_each(|m| sha.update(m));
    sha.update(block.timestamp.unwrap_or_default().to_be_bytes());
    sha.update(&block.nonce);
    sha.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Unix seconds of the first block of a test chain of the GOSSIP generation; each
/// next block is a minute later.
pub const TEST_EPOCH: u64 = 1_700_000_000;

/// Extends `chain` by `count` blocks mined by `miner`, each carrying one word derived
/// from `tag` (and, in the GOSSIP generation, a timestamp a minute after its parent's).
pub fn extend_chain(chain: &mut Chain, count: usize, miner: &str, tag: &str) {
    for _ in 0..count {
        let height = chain.len();
        let job = Job {
            height,
            prev_hash: chain.tip().map(|b| b.hash.clone()),
            mined_by: miner.to_owned(),
            messages: vec![format!("{tag}{height}")],
            timestamp: chain.limits().generation.timestamped().then_some(TEST_EPOCH + 60 * height),
            difficulty: chain.limits().difficulty,
        };
        let block = mine_naive(&job);
        chain.append(block).expect("a freshly mined block validates");
    }
}

/// A valid rival of `chain`'s block at `height`: a block mined on the same parent by
/// `tag` (also its word, with the height), as a second miner would have found it.
pub fn rival_block(chain: &Chain, height: u64, tag: &str) -> Block {
    let parent = height.checked_sub(1).and_then(|h| chain.get(h));
    let job = Job {
        height,
        prev_hash: parent.map(|p| p.hash.clone()),
        mined_by: tag.to_owned(),
        messages: vec![format!("{tag}{height}")],
        timestamp: chain.limits().generation.timestamped().then_some(TEST_EPOCH + 60 * height + 1),
        difficulty: chain.limits().difficulty,
    };
    mine_naive(&job)
}

/// A valid FLOOD-generation chain of `len` blocks at `difficulty`.
pub fn chain_of(len: usize, difficulty: u32, miner: &str) -> Chain {
    chain_of_generation(Generation::Flood, len, difficulty, miner)
}

/// A valid chain of `generation` of `len` blocks at `difficulty`.
pub fn chain_of_generation(generation: Generation, len: usize, difficulty: u32, miner: &str) -> Chain {
    let mut chain = Chain::new(Limits::of(generation, difficulty));
    extend_chain(&mut chain, len, miner, "w");
    chain
}
