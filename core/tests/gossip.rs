//! The GOSSIP generation against real blocks and on SimNet: the two Fall 2023 blocks
//! (decoded as the instructor's peers send them, hashed by the rule of the GOSSIP
//! handout computed here independently, validated, refused to the FLOOD generation and
//! after any change), synced from a peer that serves them; and a network of Blockpeers
//! in GOSSIP mode that joins, forwards each unseen GOSSIP to 3, converges, moves to the
//! longest chain, ignores FLOOD-generation peers and survives 30 % loss.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

use blockpeer_core::chain::{Block, BlockError, Chain, Generation, Limits, validate_block, validate_chain};
use blockpeer_core::node::Command;
use blockpeer_core::protocol::{BlockReply, Flood, Message, decode};
use blockpeer_core::testing::{SimNet, chain_of, chain_of_generation, extend_chain, handout_hash};
use std::net::SocketAddr;
use std::time::Duration;

/// The real network's difficulty, and the test networks'.
const REAL_D: u32 = 8;
const D: u32 = 1;

fn real_blocks() -> Vec<Block> {
    let all: serde_json::Value = serde_json::from_str(include_str!("../../tests/data/gossip-vectors.json")).unwrap();
    assert_eq!(all["difficulty"], REAL_D);
    serde_json::from_value(all["blocks"].clone()).unwrap()
}

fn gossip(difficulty: u32) -> Limits {
    Limits::of(Generation::Gossip, difficulty)
}

#[test]
fn the_real_2023_blocks_hash_and_validate_at_difficulty_8() {
    let blocks = real_blocks();
    assert_eq!(handout_hash(&blocks[0], None), blocks[0].hash);
    assert_eq!(handout_hash(&blocks[1], Some(&blocks[0].hash)), blocks[1].hash);
    assert_eq!(validate_chain(&blocks, &gossip(REAL_D)), (2, None));
    let (chain, error) = Chain::from_blocks(blocks.clone(), gossip(REAL_D));
    assert_eq!((chain.len(), error), (2, None));
    // The FLOOD generation hashes without the timestamp: these blocks are not its own.
    assert!(matches!(validate_block(&blocks[0], None, &Limits::new(REAL_D)), Err(BlockError::WrongGeneration { .. })));
    let untimed = Block { timestamp: None, ..blocks[0].clone() };
    assert!(matches!(validate_block(&untimed, None, &gossip(REAL_D)), Err(BlockError::WrongGeneration { .. })));
}

#[test]
fn a_changed_timestamp_or_anything_else_breaks_the_real_blocks() {
    let blocks = real_blocks();
    for (i, block) in blocks.iter().enumerate() {
        let parent = i.checked_sub(1).map(|p| &blocks[p]);
        let later = Block { timestamp: block.timestamp.map(|t| t + 1), ..block.clone() };
        let max = Block { timestamp: Some(u64::MAX), ..block.clone() };
        let renamed = Block { mined_by: "Prof?".into(), ..block.clone() };
        for changed in [later, max, renamed] {
            let error = validate_block(&changed, parent, &gossip(REAL_D)).unwrap_err();
            assert!(matches!(error, BlockError::HashMismatch { .. }), "block {i}: {error:?}");
        }
    }
}

#[test]
fn the_real_blocks_decode_as_the_instructors_peers_send_them() {
    let blocks = real_blocks();
    // Key order of the instructor's peers: type, height, minedBy, nonce, messages, hash, timestamp.
    let reply = r#"{"type": "GET_BLOCK_REPLY", "height": 0, "minedBy": "Prof!", "nonce": "7965175207940",
        "messages": ["3010 rocks", "Warning:", "Procrastinators", "will be sent back", "in time to start", "early."],
        "hash": "2483cc5c0d2fdbeeba3c942bde825270f345b2e9cd28f22d12ba347300000000", "timestamp": 1699293749}"#;
    assert_eq!(decode(reply.as_bytes()), Ok(Message::GetBlockReply(BlockReply::Block(blocks[0].clone()))));
    let announce = Message::Announce(blocks[1].clone());
    let encoded = announce.encode();
    assert!(String::from_utf8_lossy(&encoded).ends_with(r#""timestamp":1699295268}"#), "the timestamp comes last");
    assert_eq!(decode(&encoded), Ok(announce));
    // Timestamps are unsigned 64-bit integers: anything else makes the block unusable.
    for bad in ["-1", "1.5", "18446744073709551616", r#"{"t":1}"#] {
        let text = reply.replace("1699293749", bad);
        assert!(
            !matches!(decode(text.as_bytes()), Ok(Message::GetBlockReply(BlockReply::Block(_)))),
            "timestamp {bad} accepted"
        );
    }
    let max = reply.replace("1699293749", &u64::MAX.to_string());
    let Ok(Message::GetBlockReply(BlockReply::Block(block))) = decode(max.as_bytes()) else {
        panic!("u64::MAX refused")
    };
    assert_eq!(block.timestamp, Some(u64::MAX));
    // Every spelling of "I have no such block".
    for missing in [
        r#"{"type":"GET_BLOCK_REPLY","height":null,"minedBy":null,"nonce":null,"messages":null,"hash":null,"timestamp":null}"#,
        r#"{"type":"GET_BLOCK_REPLY","height":"None","minedBy":"None","nonce":"None","messages":"None","hash":"None","timestamp":"None"}"#,
        r#"{"type":"GET_BLOCK_REPLY","height":-1,"minedBy":null,"nonce":null,"messages":null,"hash":null,"timestamp":null}"#,
    ] {
        assert!(matches!(decode(missing.as_bytes()), Ok(Message::GetBlockReply(BlockReply::Missing(_)))), "{missing}");
    }
}

fn gossip_config(i: u16, well_known: Option<u16>, difficulty: u32) -> blockpeer_core::node::Config {
    let mut config = SimNet::config(i, well_known, difficulty);
    config.generation = Generation::Gossip;
    config
}

#[test]
fn a_fresh_peer_syncs_the_real_blocks_from_a_peer_that_serves_them() {
    let mut sim = SimNet::new(3);
    let (served, _) = Chain::from_blocks(real_blocks(), gossip(REAL_D));
    let server = sim.add(gossip_config(0, None, REAL_D), served);
    let fresh = sim.add(gossip_config(1, Some(0), REAL_D), Chain::new(gossip(REAL_D)));
    sim.run_for(Duration::from_secs(20));
    assert_eq!(sim.node(fresh).chain().blocks(), sim.node(server).chain().blocks());
    assert_eq!(sim.node(fresh).chain().len(), 2);
}

fn tips(sim: &SimNet) -> Vec<Option<String>> {
    sim.addrs().iter().map(|a| sim.node(*a).chain().tip().map(|b| b.hash.clone())).collect()
}

fn peers_known(sim: &SimNet, addr: SocketAddr) -> usize {
    sim.node(addr).snapshot(sim.now()).peers.len()
}

/// Node 0 starts a GOSSIP network; nodes 1..n join through it, with varied settings
/// (half of them start with the chain, the others empty; some reach consensus sooner).
fn gossip_network(sim: &mut SimNet, n: u16, chain: &Chain) {
    sim.add(gossip_config(0, None, D), chain.clone());
    for i in 1..n {
        let mut config = gossip_config(i, Some(0), D);
        config.consensus_interval = Duration::from_secs(if i % 3 == 0 { 30 } else { 120 });
        let start = if i % 2 == 0 { chain.clone() } else { Chain::new(gossip(D)) };
        sim.add(config, start);
    }
}

#[test]
fn gossip_nodes_discover_each_other_and_forward_each_unseen_gossip_to_three() {
    let mut sim = SimNet::new(11);
    gossip_network(&mut sim, 12, &chain_of_generation(Generation::Gossip, 5, D, "g"));
    // Keep-alives carry fresh ids, so every node reaches every other within minutes.
    sim.run_for(Duration::from_secs(150));
    for addr in sim.addrs() {
        assert_eq!(peers_known(&sim, addr), 11, "{addr} knows every other node");
    }
    assert!(tips(&sim).iter().all(|t| *t == tips(&sim)[0]), "{:?}", tips(&sim));
    // One unseen GOSSIP, from a peer of node 5 naming node 7 as its originator: one
    // reply to the originator, 3 forwards; the same id again: nothing.
    let (node, from) = (SimNet::addr(5), SimNet::addr(6));
    let flood = Flood {
        generation: Generation::Gossip,
        host: "127.0.0.1".into(),
        port: SimNet::addr(7).port(),
        id: "one-new-id".into(),
        name: "node7".into(),
    };
    for expected_forwards in [3, 0] {
        let before = sim.node(node).snapshot(sim.now()).counters;
        let sent_before = sim.traffic(node).get("GOSSIP").map_or(0, |t| t.msgs_out);
        sim.inject(node, from, Message::Flood(flood.clone()).encode());
        let after = sim.node(node).snapshot(sim.now()).counters;
        assert_eq!(after.floods_forwarded - before.floods_forwarded, expected_forwards);
        let sent = sim.traffic(node).get("GOSSIP").map_or(0, |t| t.msgs_out) - sent_before;
        assert_eq!(sent, expected_forwards, "forwards on the wire");
    }
    // No node forwards more than 3 per GOSSIP it had not seen.
    for addr in sim.addrs() {
        let counters = sim.node(addr).snapshot(sim.now()).counters;
        let received = sim.traffic(addr).get("GOSSIP").map_or(0, |t| t.msgs_in);
        let unseen = received - counters.duplicate_floods;
        assert!(counters.floods_forwarded <= 3 * unseen, "{addr}: {counters:?}");
    }
}

#[test]
fn the_longest_chain_wins_even_when_few_hold_it() {
    let mut sim = SimNet::new(5);
    let common = chain_of_generation(Generation::Gossip, 3, D, "g");
    let mut short = common.clone();
    extend_chain(&mut short, 5, "many", "s");
    let mut long = common;
    extend_chain(&mut long, 9, "few", "l");
    sim.add(gossip_config(0, None, D), short.clone());
    for i in 1..6 {
        sim.add(gossip_config(i, Some(0), D), short.clone());
    }
    for i in 6..8 {
        sim.add(gossip_config(i, Some(0), D), long.clone());
    }
    sim.run_for(Duration::from_secs(20));
    for addr in sim.addrs() {
        sim.command(addr, Command::ConsensusNow);
    }
    sim.run_for(Duration::from_secs(60));
    let want = long.tip().map(|b| b.hash.clone());
    assert!(tips(&sim).iter().all(|t| *t == want), "all moved to the longest chain: {:?}", tips(&sim));
    for addr in sim.addrs() {
        let blocks: Vec<Block> = sim.node(addr).chain().blocks().iter().map(|b| (**b).clone()).collect();
        assert_eq!(validate_chain(&blocks, &gossip(D)), (12, None));
    }
}

#[test]
fn flood_generation_peers_are_not_taken_in() {
    let mut sim = SimNet::new(9);
    let chain = chain_of_generation(Generation::Gossip, 4, D, "g");
    sim.add(gossip_config(0, None, D), chain.clone());
    sim.add(gossip_config(1, Some(0), D), chain.clone());
    let flood_peer = sim.add(SimNet::config(2, Some(0), D), chain_of(9, D, "flood"));
    sim.run_for(Duration::from_secs(90));
    for addr in [SimNet::addr(0), SimNet::addr(1)] {
        let snapshot = sim.node(addr).snapshot(sim.now());
        assert!(snapshot.peers.iter().all(|p| p.address != flood_peer.to_string()), "{addr} took in a FLOOD peer");
        assert_eq!(sim.node(addr).chain().len(), 4, "{addr} kept its GOSSIP chain");
    }
    assert!(sim.node(SimNet::addr(0)).snapshot(sim.now()).counters.other_generation > 0);
    assert_eq!(sim.node(flood_peer).chain().len(), 9, "and the FLOOD peer kept its own");
}

#[test]
fn a_mining_gossip_network_converges_through_30_percent_loss() {
    let mut sim = SimNet::new(21);
    sim.loss = 0.3;
    sim.latency = (Duration::from_millis(1), Duration::from_millis(40));
    gossip_network(&mut sim, 8, &chain_of_generation(Generation::Gossip, 3, D, "g"));
    sim.command(SimNet::addr(0), Command::SetMining(true));
    sim.command(SimNet::addr(4), Command::SetMining(true));
    // Words come in as people type them; each block carries what is waiting.
    for minute in 0..5 {
        for miner in [0, 4] {
            sim.command(SimNet::addr(miner), Command::AddWords((0..8).map(|w| format!("m{minute}w{w}")).collect()));
        }
        sim.run_for(Duration::from_secs(60));
    }
    sim.command(SimNet::addr(0), Command::SetMining(false));
    sim.command(SimNet::addr(4), Command::SetMining(false));
    // Quiet now: the periodic rounds bring every node to one chain.
    sim.run_for(Duration::from_secs(400));
    let all = tips(&sim);
    assert!(all.iter().all(|t| *t == all[0]), "{all:?}");
    let chain = sim.node(SimNet::addr(0)).chain();
    assert!(chain.len() > 10, "blocks were mined: {}", chain.len());
    assert!(chain.blocks().iter().all(|b| b.timestamp.is_some()), "mined GOSSIP blocks carry a timestamp");
}
