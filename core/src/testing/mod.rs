//! Test support (feature `testing`): quick chain builders, SimNet — many Nodes on a virtual
//! clock with seeded loss and latency —, the scale scenario measured on it (`scale`) and
//! the CUDA kernel's reference searches (`cuda`).

pub mod cuda;
mod deadlines;
mod flight;
mod fuzz;
pub mod scale;
mod simnet;
mod traffic;

pub use fuzz::exercise_node;
pub use simnet::{NetStats, SimNet, SimNode, Tamper};
pub use traffic::{ByKind, MALFORMED};

use crate::chain::{Block, Chain, Limits};
use crate::miner::Job;

/// Mines the block for `job` with a plain, slow search from nonce 0 (for low test difficulties).
pub fn mine_naive(job: &Job) -> Block {
    (0u64..).find_map(|nonce| job.block_if_valid(&nonce.to_string())).expect("some nonce meets a test difficulty")
}

/// Extends `chain` by `count` blocks mined by `miner`, each carrying one word derived from `tag`.
pub fn extend_chain(chain: &mut Chain, count: usize, miner: &str, tag: &str) {
    for _ in 0..count {
        let height = chain.len();
        let job = Job {
            height,
            prev_hash: chain.tip().map(|b| b.hash.clone()),
            mined_by: miner.to_owned(),
            messages: vec![format!("{tag}{height}")],
            difficulty: chain.limits().difficulty,
        };
        let block = mine_naive(&job);
        chain.append(block).expect("a freshly mined block validates");
    }
}

/// A valid chain of `len` blocks at `difficulty`.
pub fn chain_of(len: usize, difficulty: u32, miner: &str) -> Chain {
    let mut chain = Chain::new(Limits::new(difficulty));
    extend_chain(&mut chain, len, miner, "w");
    chain
}
