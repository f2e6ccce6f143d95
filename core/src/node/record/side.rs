//! Side blocks: valid blocks that are not on our chain — they lost at their height, or a
//! reorganisation removed them — kept with where they attach, where they came from and
//! when, within the record's bounds.

use super::{MAX_SIDE_BLOCKS, MAX_SIDE_BLOCKS_PER_SOURCE};
use crate::chain::Block;
use serde::Serialize;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;

/// Why a block is off our chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Another block held its height when it came (announced by a peer, or mined here
    /// after the tip had moved): it lost at its height.
    Lost,
    /// It was on our chain until a reorganisation replaced it.
    Reorganised,
}

/// A valid block off our chain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideBlock {
    /// The block, as it came.
    pub block: Block,
    /// The hash of the block it was mined on (`None` for a genesis block). It validated
    /// on that block, which we held (on our chain or as a side block) when it came.
    pub parent: Option<String>,
    /// Why it is off our chain.
    pub fate: Fate,
    /// When it came off (Unix seconds).
    pub seen_at: f64,
    /// The peer that announced it (`None`: it was ours, on our chain or from our miner).
    pub from: Option<SocketAddr>,
    /// Whether our miner found it.
    pub ours: bool,
}

/// Appends `side` to `list`, making room first: the oldest of its source's blocks if the
/// source has its share, else the oldest block of all.
pub(super) fn insert(list: &mut VecDeque<Arc<SideBlock>>, side: SideBlock) {
    if let Some(source) = side.from {
        let mut theirs = list.iter().enumerate().filter(|(_, s)| s.from == Some(source));
        if let Some((oldest, _)) = theirs.next()
            && theirs.count() + 1 >= MAX_SIDE_BLOCKS_PER_SOURCE
        {
            list.remove(oldest);
        }
    }
    if list.len() >= MAX_SIDE_BLOCKS {
        list.pop_front();
    }
    list.push_back(Arc::new(side));
}
