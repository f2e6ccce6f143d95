//! The record as the web API and the export give it: the forks (side blocks, the blocks
//! of our chain they fork from, the reorganisations) and the history (every peer's
//! chain over time, the rounds, the reorganisations), each bounded by the record.

use super::{Branches, HeightPoint, Reorg, RoundMark, SideBlock};
use crate::chain::{Block, Generation};
use crate::node::Snapshot;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Side blocks, the blocks of our chain beside them, and the reorganisations.
#[derive(Debug, Serialize)]
pub struct Forks<'a> {
    /// The generation, whose rule picks the chain (FLOOD: the majority; GOSSIP: the longest).
    pub protocol: Generation,
    /// Our chain's length.
    pub height: u64,
    /// Our tip.
    pub tip: Option<&'a str>,
    /// Side blocks, oldest first (the newest `limit`).
    pub side_blocks: Vec<&'a SideBlock>,
    /// The blocks of our chain in the picture's columns (beside the side blocks, and
    /// the newest few): the main line the branches are drawn against. Oldest first.
    pub main: Vec<&'a Block>,
    /// Where each side block is drawn.
    pub branches: Branches,
    /// Reorganisations, oldest first.
    pub reorgs: Vec<&'a Reorg>,
}

impl<'a> Forks<'a> {
    /// The forks of `snapshot`: at most `limit` side blocks, the newest.
    pub fn of(snapshot: &'a Snapshot, limit: usize) -> Self {
        let (blocks, record) = (snapshot.blocks.as_slice(), &snapshot.record);
        let side = record.side_blocks();
        let side_blocks: Vec<&SideBlock> =
            side.iter().skip(side.len().saturating_sub(limit)).map(Arc::as_ref).collect();
        let branches = Branches::of(blocks, &side_blocks);
        let main = branches.heights().filter_map(|h| usize::try_from(h).ok().and_then(|h| blocks.get(h)));
        Forks {
            protocol: snapshot.protocol,
            height: blocks.len() as u64,
            tip: blocks.last().map(|b| b.hash.as_str()),
            main: main.map(Arc::as_ref).collect(),
            side_blocks,
            branches,
            reorgs: record.reorgs().iter().map(Arc::as_ref).collect(),
        }
    }
}

/// One peer's series in [`Timeline`].
#[derive(Debug, Serialize)]
pub struct PeerSeries<'a> {
    /// `host:port`.
    pub address: String,
    /// Its name when it last reported.
    pub name: &'a str,
    /// Whether it is a peer now (a peer that left keeps its points until they age out).
    pub known: bool,
    /// Its points at or after `since`, oldest first.
    pub points: Vec<&'a HeightPoint>,
}

/// Every peer's chain over time, ours, the rounds and the reorganisations.
#[derive(Debug, Serialize)]
pub struct Timeline<'a> {
    /// The earliest moment given (Unix seconds).
    pub since: f64,
    /// Each peer's points, by address.
    pub peers: Vec<PeerSeries<'a>>,
    /// Our own chain's points.
    pub own: Vec<&'a HeightPoint>,
    /// Consensus rounds, oldest first.
    pub rounds: Vec<&'a RoundMark>,
    /// Reorganisations, oldest first.
    pub reorgs: Vec<&'a Reorg>,
}

impl<'a> Timeline<'a> {
    /// What `snapshot`'s record holds from `since` (Unix seconds) on.
    pub fn of(snapshot: &'a Snapshot, since: f64) -> Self {
        let known: BTreeSet<&str> = snapshot.peers.iter().map(|p| p.address.as_str()).collect();
        let record = &snapshot.record;
        let history = record.history();
        let recent = move |points: &'a std::collections::VecDeque<HeightPoint>| {
            let first = points.partition_point(|p| p.at < since);
            points.range(first..).collect::<Vec<_>>()
        };
        let peers = history
            .peers
            .iter()
            .map(|(addr, series)| PeerSeries {
                address: addr.to_string(),
                name: &series.name,
                known: known.contains(addr.to_string().as_str()),
                points: recent(&series.points),
            })
            .filter(|series| !series.points.is_empty())
            .collect();
        Timeline {
            since,
            peers,
            own: recent(&history.own.points),
            rounds: record.rounds().iter().filter(|r| r.at >= since).map(Arc::as_ref).collect(),
            reorgs: record.reorgs().iter().filter(|r| r.at >= since).map(Arc::as_ref).collect(),
        }
    }
}
