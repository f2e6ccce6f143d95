//! Protocol scenarios on SimNet (virtual clock, fixed seeds): discovery from one
//! well-known node, expiry of a silent node, a minority fork reorganising to the
//! majority, a late joiner syncing 500 blocks, convergence under 20 % loss, and a
//! peer serving invalid blocks that corrupts no one.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::{Chain, Limits, validate_chain};
use blockpeer_core::node::{Command, Event};
use blockpeer_core::protocol::{BlockReply, Message, decode};
use blockpeer_core::testing::{SimNet, chain_of, extend_chain};
use std::net::SocketAddr;
use std::time::Duration;

const D: u32 = 1;

fn empty() -> Chain {
    Chain::new(Limits::new(D))
}

fn tips(sim: &SimNet) -> Vec<(u64, Option<String>)> {
    sim.addrs()
        .iter()
        .map(|a| (sim.node(*a).chain().len(), sim.node(*a).chain().tip().map(|b| b.hash.clone())))
        .collect()
}

fn peer_count(sim: &SimNet, addr: SocketAddr) -> usize {
    sim.node(addr).snapshot(sim.now()).peers.len()
}

/// Node 0 starts a network; nodes 1..n join through it.
fn network(sim: &mut SimNet, n: u16, chain: &Chain) {
    sim.add(SimNet::config(0, None, D), chain.clone());
    for i in 1..n {
        sim.add(SimNet::config(i, Some(0), D), chain.clone());
    }
}

#[test]
fn eight_nodes_discover_each_other_from_one_well_known_node() {
    let mut sim = SimNet::new(1);
    network(&mut sim, 8, &empty());
    sim.run_for(Duration::from_secs(45));
    for addr in sim.addrs() {
        assert_eq!(peer_count(&sim, addr), 7, "{addr} knows every other node");
    }
}

#[test]
fn nodes_whose_flood_ids_collide_still_find_each_other() {
    let mut sim = SimNet::new(7);
    for i in 0..4 {
        let mut config = SimNet::config(i, (i > 0).then_some(0), D);
        config.seed = 42;
        sim.add(config, empty());
    }
    sim.run_for(Duration::from_secs(5));
    for addr in sim.addrs() {
        assert_eq!(peer_count(&sim, addr), 3, "{addr}");
    }
}

#[test]
fn a_silent_node_is_dropped_after_the_timeout() {
    let mut sim = SimNet::new(2);
    network(&mut sim, 5, &empty());
    sim.run_for(Duration::from_secs(40));
    // It was last heard from with its FLOOD at 30 s: dropped between 90 s and 100 s.
    let silent = SimNet::addr(4);
    sim.sim_node(silent).online = false;
    sim.run_for(Duration::from_secs(45));
    assert_eq!(peer_count(&sim, SimNet::addr(1)), 4, "not dropped before the 60 s timeout");
    sim.run_for(Duration::from_secs(16));
    for addr in sim.addrs().into_iter().filter(|a| *a != silent) {
        let peers = sim.node(addr).snapshot(sim.now()).peers;
        assert!(peers.iter().all(|p| p.address != silent.to_string()), "{addr} dropped the silent node");
        assert_eq!(peers.len(), 3);
    }
    assert!(sim.events.iter().any(|(_, _, e)| *e == Event::PeerLeft { addr: silent }));
}

#[test]
fn a_minority_on_a_fork_reorganises_to_the_majority_chain() {
    let common = chain_of(5, D, "common");
    let mut majority = common.clone();
    extend_chain(&mut majority, 3, "major", "a");
    let mut minority = common.clone();
    extend_chain(&mut minority, 4, "minor", "b");
    let mut sim = SimNet::new(3);
    sim.add(SimNet::config(0, None, D), majority.clone());
    for i in 1..8 {
        let chain = if i < 5 { majority.clone() } else { minority.clone() };
        sim.add(SimNet::config(i, Some(0), D), chain);
    }
    sim.run_for(Duration::from_secs(130));
    for (len, tip) in tips(&sim) {
        assert_eq!((len, tip.as_deref()), (8, majority.tip().map(|b| b.hash.as_str())));
    }
    let reorgs =
        sim.events.iter().filter(|(_, _, e)| matches!(e, Event::ChainSynced { fork: 5, removed: 4, added: 3 })).count();
    assert_eq!(reorgs, 3, "each minority node replaced its 4 blocks above the fork");
}

#[test]
fn a_node_that_joins_late_syncs_500_blocks() {
    let chain = chain_of(500, D, "old");
    let mut sim = SimNet::new(4);
    network(&mut sim, 4, &chain);
    sim.run_for(Duration::from_secs(70));
    let late = sim.add(SimNet::config(9, Some(2), D), empty());
    sim.run_for(Duration::from_secs(10));
    let node = sim.node(late);
    assert_eq!(node.chain().len(), 500);
    assert_eq!(node.chain().tip(), chain.tip());
    let snapshot = node.snapshot(sim.now());
    assert!(snapshot.sync.is_none());
    let served: u64 = sim.addrs().iter().map(|a| sim.node(*a).snapshot(sim.now()).counters.blocks_served).sum();
    assert!((500..600).contains(&served), "blocks fetched about once each, got {served}");
}

#[test]
fn with_20_percent_loss_every_node_still_converges() {
    let mut sim = SimNet::new(5);
    sim.loss = 0.2;
    sim.latency = (Duration::from_millis(1), Duration::from_millis(40));
    network(&mut sim, 8, &empty());
    sim.command(SimNet::addr(0), Command::SetMining(true));
    for i in 0..30 {
        sim.command(SimNet::addr(0), Command::AddWords(vec![format!("word{i}")]));
        sim.run_for(Duration::from_secs(20));
    }
    sim.command(SimNet::addr(0), Command::SetMining(false));
    sim.run_for(Duration::from_secs(150));
    let tips = tips(&sim);
    assert!(tips[0].0 >= 10, "the miner made blocks: {}", tips[0].0);
    assert!(tips.iter().all(|t| *t == tips[0]), "all nodes agree: {tips:?}");
}

#[test]
fn a_peer_serving_invalid_blocks_corrupts_no_one() {
    let chain = chain_of(40, D, "honest");
    let mut sim = SimNet::new(6);
    network(&mut sim, 5, &chain);
    // Node 4 answers GET_BLOCK with a block whose words were changed.
    let liar = SimNet::addr(4);
    sim.sim_node(liar).tamper = Some(Box::new(|bytes| {
        if let Ok(Message::GetBlockReply(BlockReply::Block(mut block))) = decode(bytes) {
            block.messages = vec!["forged".into()];
            *bytes = Message::GetBlockReply(BlockReply::Block(block)).encode();
        }
        true
    }));
    sim.run_for(Duration::from_secs(50));
    let newcomer = sim.add(SimNet::config(7, Some(4), D), empty());
    sim.run_for(Duration::from_secs(30));
    for addr in sim.addrs() {
        let node = sim.node(addr);
        assert_eq!(node.chain().tip(), chain.tip(), "{addr} holds the honest chain");
        let blocks: Vec<_> = node.chain().blocks().iter().map(|b| b.as_ref().clone()).collect();
        assert_eq!(validate_chain(&blocks, &Limits::new(D)), (40, None));
    }
    assert!(sim.node(newcomer).chain().blocks().iter().all(|b| b.messages != ["forged"]));
    let liar_served = sim.node(liar).snapshot(sim.now()).counters.blocks_served;
    assert!(liar_served > 0, "the newcomer did ask the liar");
}
