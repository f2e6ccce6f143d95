//! Proves what the fast miner finds is a block other peers take: for D = 1..5, a
//! MinerPool's block on top of a chain validates with the chain's rule and a second
//! node appends it from an ANNOUNCE; and a new job replaces the old one at once.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::validate_block;
use blockpeer_core::miner::{Job, MinerPool};
use blockpeer_core::node::{Config, Input, Node};
use blockpeer_core::protocol::Message;
use blockpeer_core::testing::chain_of;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

#[test]
fn mined_blocks_are_accepted_by_a_second_node() {
    let (found_tx, found) = crossbeam_channel::bounded(4);
    let pool = MinerPool::new(2, found_tx);
    for difficulty in 1..=5 {
        let chain = chain_of(2, difficulty, "base");
        let job = Job {
            height: 2,
            prev_hash: chain.tip().map(|b| b.hash.clone()),
            mined_by: "pool".into(),
            messages: vec!["fast".into(), "miner".into()],
            timestamp: None,
            difficulty,
        };
        pool.set_job(Some(job));
        let block = found.recv_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(validate_block(&block, chain.tip(), chain.limits()), Ok(()), "D = {difficulty}");
        let now = Instant::now();
        let mut config = Config::new("second", "127.0.0.1", 9100);
        config.difficulty = difficulty;
        let mut second = Node::new(config, chain, now);
        let from = SocketAddr::from(([127, 0, 0, 1], 9200));
        second.handle_input(now, Input::Datagram { from, bytes: Message::Announce(block.clone()).encode() });
        assert_eq!(second.chain().tip(), Some(&block), "D = {difficulty}: the second node appended it");
    }
}

#[test]
fn a_new_job_replaces_the_old_one_at_once() {
    let (found_tx, found) = crossbeam_channel::bounded(4);
    let pool = MinerPool::new(2, found_tx);
    let job = |word: &str, difficulty| Job {
        height: 0,
        prev_hash: None,
        mined_by: "pool".into(),
        messages: vec![word.into()],
        timestamp: None,
        difficulty,
    };
    // An impossible job keeps the workers busy; the easy one must come back quickly.
    pool.set_job(Some(job("never", 30)));
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    pool.set_job(Some(job("easy", 1)));
    let block = found.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(block.messages, ["easy"]);
    assert!(start.elapsed() < Duration::from_secs(1), "switched after {:?}", start.elapsed());
    pool.set_job(None);
}
