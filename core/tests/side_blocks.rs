//! Proves that hostile side blocks cannot grow the record past its bounds or get into the
//! chain: a block with a bad hash, one far above our tip, or one from a stranger is not
//! kept; a flood of valid rivals from one peer keeps only that peer's share, from many
//! peers only the record's bound — and our chain never moves.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::{Chain, Generation};
use blockpeer_core::node::record::{MAX_SIDE_BLOCKS, MAX_SIDE_BLOCKS_PER_SOURCE};
use blockpeer_core::node::{Config, Input, Node};
use blockpeer_core::protocol::{Flood, Message};
use blockpeer_core::testing::{chain_of_generation, extend_chain, rival_block};
use std::net::SocketAddr;
use std::time::Instant;

const D: u32 = 1;
const LEN: u64 = 6;

fn node(generation: Generation) -> (Node, Chain, Instant) {
    let chain = chain_of_generation(generation, LEN as usize, D, "base");
    let mut config = Config::new("watcher", "127.0.0.1", 9000);
    config.difficulty = D;
    config.generation = generation;
    let now = Instant::now();
    (Node::new(config, chain.clone(), now), chain, now)
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn send(node: &mut Node, now: Instant, from: SocketAddr, message: Message) {
    node.handle_input(now, Input::Datagram { from, bytes: message.encode() });
}

/// Makes `from` a peer that spoke for itself (its own FLOOD, from its own address).
fn befriend(node: &mut Node, now: Instant, from: SocketAddr, generation: Generation) {
    let flood = Flood {
        generation,
        host: "127.0.0.1".into(),
        port: from.port(),
        id: format!("id-{}", from.port()),
        name: format!("p{}", from.port()),
    };
    send(node, now, from, Message::Flood(flood));
}

#[test]
fn bad_far_and_strangers_blocks_are_not_kept() {
    for generation in [Generation::Flood, Generation::Gossip] {
        let (mut node, chain, now) = node(generation);
        let peer = addr(9100);
        befriend(&mut node, now, peer, generation);
        let mut bad = rival_block(&chain, 3, "bad");
        bad.nonce.push('1');
        send(&mut node, now, peer, Message::Announce(bad));
        let mut far = chain.clone();
        extend_chain(&mut far, 20, "far", "far");
        send(&mut node, now, peer, Message::Announce(far.tip().unwrap().clone()));
        send(&mut node, now, addr(9200), Message::Announce(rival_block(&chain, 3, "stranger")));
        assert!(node.record().side_blocks().is_empty(), "{generation:?}: none of them kept");
        assert_eq!(node.chain().tip(), chain.tip(), "{generation:?}");
    }
}

#[test]
fn a_flood_of_valid_rivals_keeps_only_the_bounds() {
    let generation = Generation::Flood;
    let (mut node, chain, now) = node(generation);
    let loud = addr(9100);
    befriend(&mut node, now, loud, generation);
    for i in 0..(MAX_SIDE_BLOCKS_PER_SOURCE + 50) {
        let height = 1 + i as u64 % (LEN - 1);
        send(&mut node, now, loud, Message::Announce(rival_block(&chain, height, &format!("l{i}"))));
    }
    let from_loud = node.record().side_blocks().iter().filter(|s| s.from == Some(loud)).count();
    assert_eq!(from_loud, MAX_SIDE_BLOCKS_PER_SOURCE, "one peer keeps at most its share");
    let newest = node.record().side_blocks().back().unwrap();
    assert_eq!(newest.block.mined_by, format!("l{}", MAX_SIDE_BLOCKS_PER_SOURCE + 49), "the newest are kept");

    let peers = MAX_SIDE_BLOCKS / MAX_SIDE_BLOCKS_PER_SOURCE + 2;
    for p in 0..peers {
        let peer = addr(9200 + p as u16);
        befriend(&mut node, now, peer, generation);
        for i in 0..MAX_SIDE_BLOCKS_PER_SOURCE {
            let height = 1 + i as u64 % (LEN - 1);
            send(&mut node, now, peer, Message::Announce(rival_block(&chain, height, &format!("p{p}r{i}"))));
        }
    }
    assert_eq!(node.record().side_blocks().len(), MAX_SIDE_BLOCKS, "the record is bounded");
    assert_eq!(node.chain().blocks().len() as u64, LEN);
    assert_eq!(node.chain().tip(), chain.tip(), "nothing of it was adopted");
}
