//! A record of forks filled to every bound with the largest entries the protocol allows
//! (10 words of 20 characters, 20-character names, 39-character nonces), for measuring
//! what the record costs at its worst (`blockpeer bench record`).

use crate::chain::Block;
use crate::node::record::{
    Fate, GroupMark, HeightPoint, LostBlock, MAX_GROUPS_PER_ROUND, MAX_LISTED, MAX_POINTS, MAX_REORGS, MAX_ROUNDS,
    MAX_SIDE_BLOCKS, MAX_SIDE_BLOCKS_PER_SOURCE, Record, Reorg, RoundMark, SideBlock, Via,
};
use crate::node::{Decision, Standing, Trigger};
use std::net::SocketAddr;

/// Peers whose history fills the record (each keeps a hundredth of the points).
pub const FULL_RECORD_PEERS: usize = 100;

/// A hash-shaped string unique to `n`.
fn hash(n: usize) -> String {
    format!("{n:056x}00000000")
}

fn peer(n: usize) -> SocketAddr {
    SocketAddr::from(([10, 0, (n / 250) as u8, (n % 250) as u8], 8999))
}

/// The largest block the protocol allows, at `height`.
fn largest_block(n: usize, height: u64) -> Block {
    Block {
        height,
        mined_by: format!("{:<20}", format!("miner{n}")),
        nonce: "9".repeat(39),
        messages: (0..10).map(|i| format!("{:<20}", format!("w{n}-{i}"))).collect(),
        hash: hash(n),
        timestamp: Some(1_700_000_000 + n as u64),
    }
}

/// A record with every part at its bound.
pub fn full_record() -> Record {
    let mut record = Record::default();
    let sources = MAX_SIDE_BLOCKS / MAX_SIDE_BLOCKS_PER_SOURCE;
    for n in 0..MAX_SIDE_BLOCKS {
        let block = largest_block(n, 100_000 + n as u64);
        let side = SideBlock {
            block,
            parent: Some(hash(n + 1_000_000)),
            fate: Fate::Lost,
            seen_at: 1.7e9 + n as f64,
            from: Some(peer(n % sources)),
            ours: false,
        };
        record.add_side_block(side);
    }
    for n in 0..MAX_REORGS {
        let lost = (0..MAX_LISTED)
            .map(|i| LostBlock {
                height: n as u64 + i as u64,
                hash: hash(n * 100 + i),
                mined_by: "x".repeat(20),
                ours: i % 2 == 0,
            })
            .collect();
        record.add_reorg(Reorg {
            at: 1.7e9 + n as f64,
            fork: n as u64,
            depth: 100,
            added: 101,
            height: 100_000,
            old_tip: Some(hash(n)),
            new_tip: Some(hash(n + 1)),
            sources: (0..MAX_LISTED).map(peer).collect(),
            source_count: 1_000,
            lost,
            ours_lost: 8,
        });
    }
    for n in 0..MAX_ROUNDS {
        let groups = (0..MAX_GROUPS_PER_ROUND)
            .map(|g| GroupMark {
                height: 100_000 + g as u64,
                hash: hash(n * 10 + g),
                count: 128,
                peers: (0..MAX_LISTED).map(peer).collect(),
            })
            .collect();
        record.add_round(RoundMark {
            at: 1.7e9 + n as f64,
            trigger: Trigger::Timer,
            asked: 1_024,
            replied: 1_024,
            groups,
            group_count: 64,
            decision: Decision::Sync { height: 100_001, hash: hash(n) },
        });
    }
    let per_peer = MAX_POINTS / FULL_RECORD_PEERS;
    for i in 0..per_peer {
        for p in 0..FULL_RECORD_PEERS {
            let point = HeightPoint::new(
                1.7e9 + i as f64,
                100_000 + i as u64,
                Some(&hash(p * per_peer + i)),
                Standing::OtherChain,
                Via::Stats,
            );
            record.history_mut().add(peer(p), &format!("{:<20}", format!("peer{p}")), point);
        }
    }
    record
}

/// Adds `point` for `peer` to `record`'s history as the node does (for benchmarks).
pub fn add_history_point(record: &mut Record, peer: SocketAddr, point: HeightPoint) -> bool {
    record.history_mut().add(peer, "", point)
}
