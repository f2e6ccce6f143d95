//! Proves what a person reads about the network on SimNet (virtual clock, fixed seeds):
//! healthy peers are shown agreeing between consensus rounds, and a network whose
//! blocks meet a lower difficulty than ours is named, with the difficulty its chain
//! meets, instead of failing silently — and its chain is never adopted.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::{Chain, Limits, hex_trailing_zeros};
use blockpeer_core::node::{Command, Event, Mismatch, Standing};
use blockpeer_core::testing::{SimNet, chain_of};
use std::time::Duration;

#[test]
fn healthy_peers_agree_between_rounds() {
    let mut sim = SimNet::new(11);
    sim.block_time = Duration::from_secs(3);
    for i in 0..4 {
        let mut config = SimNet::config(i, (i > 0).then_some(0), 1);
        config.consensus_interval = Duration::from_secs(5);
        config.min_peers = 1;
        sim.add(config, Chain::new(Limits::new(1)));
    }
    let miner = SimNet::addr(1);
    sim.command(miner, Command::SetMining(true));
    sim.run_for(Duration::from_secs(15));
    let watcher = SimNet::addr(0);
    let mut blocks_seen = 0;
    for step in 0..600 {
        sim.command(miner, Command::AddWords(vec![format!("w{step}")]));
        sim.run_for(Duration::from_millis(100));
        let snapshot = sim.node(watcher).snapshot(sim.now());
        blocks_seen = snapshot.height;
        let standings: Vec<Standing> = snapshot.peers.iter().map(|p| p.standing).collect();
        let agreeing = standings.iter().filter(|s| **s == Standing::Agrees).count();
        assert!(agreeing >= 2, "at {:?}, height {}: {standings:?}", sim.elapsed(), snapshot.height);
        assert!(!standings.contains(&Standing::OtherChain), "{standings:?}");
    }
    assert!(blocks_seen >= 10, "the miner made blocks meanwhile: {blocks_seen}");
}

#[test]
fn a_network_of_lower_difficulty_is_named_and_not_joined() {
    let network_chain = chain_of(6, 2, "prof");
    let fewest = network_chain.blocks().iter().map(|b| hex_trailing_zeros(&b.hash)).min().unwrap();
    let mut sim = SimNet::new(12);
    sim.add(SimNet::config(0, None, 2), network_chain.clone());
    sim.add(SimNet::config(1, Some(0), 2), network_chain.clone());
    let mut joiner = SimNet::config(2, Some(0), 4);
    joiner.mining = true;
    joiner.min_peers = 1;
    joiner.consensus_interval = Duration::from_secs(30);
    let joiner = sim.add(joiner, Chain::new(Limits::new(4)));
    sim.run_for(Duration::from_secs(20));

    let mismatch = Mismatch { required: 4, network: fewest };
    let said = sim
        .events
        .iter()
        .filter(|(_, a, e)| *a == joiner && *e == Event::DifficultyMismatch { required: 4, network: fewest });
    assert!(said.count() >= 1, "the mismatch is reported as an event");
    let snapshot = sim.node(joiner).snapshot(sim.now());
    assert_eq!(snapshot.difficulty_mismatch, Some(mismatch));
    let failed = snapshot.consensus.failed_sync.expect("the failed sync is shown as failed");
    assert!(failed.reason.contains(&format!("difficulty {fewest}")), "{}", failed.reason);
    assert_eq!(snapshot.height, 0, "the weak chain is not adopted");
    assert!(snapshot.job.is_none(), "no chain of its own beside the network");

    // Later rounds do not fetch the same weak chain again and again.
    let served_before: u64 = (0..2).map(|i| sim.node(SimNet::addr(i)).snapshot(sim.now()).counters.blocks_served).sum();
    sim.run_for(Duration::from_secs(300));
    let served_after: u64 = (0..2).map(|i| sim.node(SimNet::addr(i)).snapshot(sim.now()).counters.blocks_served).sum();
    assert!(served_after - served_before <= 6 * 2, "{served_before} → {served_after}");
    assert_eq!(sim.node(joiner).snapshot(sim.now()).difficulty_mismatch, Some(mismatch));
}

#[test]
fn the_same_network_joined_at_its_difficulty_syncs() {
    let network_chain = chain_of(6, 2, "prof");
    let mut sim = SimNet::new(13);
    sim.add(SimNet::config(0, None, 2), network_chain.clone());
    let joiner = sim.add(SimNet::config(1, Some(0), 2), Chain::new(Limits::new(2)));
    sim.run_for(Duration::from_secs(10));
    let snapshot = sim.node(joiner).snapshot(sim.now());
    assert_eq!((snapshot.height, snapshot.difficulty_mismatch), (6, None));
    assert!(snapshot.consensus.failed_sync.is_none());
}
