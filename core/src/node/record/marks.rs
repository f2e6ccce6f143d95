//! The events of the record: reorganisations (where our chain was replaced, how deep,
//! from whom, and which blocks it cost) and consensus rounds (the chains offered and
//! what was decided).

use crate::node::{Decision, Trigger};
use serde::Serialize;
use std::net::SocketAddr;

/// A block a reorganisation removed from our chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LostBlock {
    /// Its height.
    pub height: u64,
    /// Its hash.
    pub hash: String,
    /// Its miner.
    pub mined_by: String,
    /// Whether our miner found it.
    pub ours: bool,
}

/// Our chain replaced from a fork point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reorg {
    /// When (Unix seconds).
    pub at: f64,
    /// The first height replaced.
    pub fork: u64,
    /// Blocks of ours removed.
    pub depth: u64,
    /// Blocks of the new branch added.
    pub added: u64,
    /// Our chain's length after it.
    pub height: u64,
    /// Our tip before it.
    pub old_tip: Option<String>,
    /// Our tip after it.
    pub new_tip: Option<String>,
    /// The peers the new branch was fetched from (at most `MAX_LISTED`).
    pub sources: Vec<SocketAddr>,
    /// How many peers it was fetched from.
    pub source_count: usize,
    /// The blocks removed, lowest first (at most `MAX_LISTED`; `depth` counts them all).
    pub lost: Vec<LostBlock>,
    /// How many of the blocks removed our miner had found.
    pub ours_lost: u64,
}

/// A chain offered in a consensus round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupMark {
    /// Its length.
    pub height: u64,
    /// Its tip.
    pub hash: String,
    /// How many peers reported it.
    pub count: usize,
    /// Who reported it (at most `MAX_LISTED`).
    pub peers: Vec<SocketAddr>,
}

/// A finished consensus round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundMark {
    /// When it finished (Unix seconds).
    pub at: f64,
    /// Why it ran.
    pub trigger: Trigger,
    /// Peers asked.
    pub asked: usize,
    /// Peers that answered.
    pub replied: usize,
    /// The chains offered, best first by the generation's rule (at most
    /// `MAX_GROUPS_PER_ROUND`).
    pub groups: Vec<GroupMark>,
    /// How many chains were offered.
    pub group_count: usize,
    /// What it decided.
    pub decision: Decision,
}
