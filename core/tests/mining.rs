//! Proves what the fast miner finds is a block other peers take: for D = 1..5, a
//! MinerPool's block on top of a chain validates with the chain's rule and a second
//! node appends it from an ANNOUNCE — in both generations, GOSSIP blocks hashed as the
//! handout says, checked here with sha2 alone —; and a new job replaces the old one at once.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::{Generation, validate_block};
use blockpeer_core::miner::{Job, MinerPool};
use blockpeer_core::node::{Config, Input, Node};
use blockpeer_core::protocol::Message;
use blockpeer_core::testing::{chain_of_generation, handout_hash};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

#[test]
fn mined_blocks_are_accepted_by_a_second_node() {
    let (found_tx, found) = crossbeam_channel::bounded(4);
    let pool = MinerPool::new(2, found_tx);
    for (difficulty, generation) in (1..=5).flat_map(|d| Generation::ALL.map(|g| (d, g))) {
        let chain = chain_of_generation(generation, 2, difficulty, "base");
        let job = Job {
            height: 2,
            prev_hash: chain.tip().map(|b| b.hash.clone()),
            mined_by: "pool".into(),
            messages: vec!["fast".into(), "miner".into()],
            timestamp: generation.timestamped().then_some(1_764_547_200 + u64::from(difficulty)),
            difficulty,
        };
        pool.set_job(Some(job));
        let block = found.recv_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(validate_block(&block, chain.tip(), chain.limits()), Ok(()), "D = {difficulty}");
        if generation == Generation::Gossip {
            assert_eq!(block.timestamp, Some(1_764_547_200 + u64::from(difficulty)));
            assert_eq!(handout_hash(&block, chain.tip().map(|b| b.hash.as_str())), block.hash);
        }
        let now = Instant::now();
        let mut config = Config::new("second", "127.0.0.1", 9100);
        config.difficulty = difficulty;
        config.generation = generation;
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
    // An impossible job keeps the workers busy (they have hashed some of it); the easy
    // one's block still comes: the workers dropped the old job for the new one.
    pool.set_job(Some(job("never", 30)));
    let deadline = Instant::now() + Duration::from_secs(60);
    while pool.hashes() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(pool.hashes() > 0, "the impossible job never started");
    pool.set_job(Some(job("easy", 1)));
    let block = found.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(block.messages, ["easy"]);
    pool.set_job(None);
}
