//! Proves that a SimNet run is the same on one thread and on several (fixed seeds): every
//! event, in order and at its virtual time, every node's traffic, the network's counts
//! and every chain — in a network that joins, mines, loses, duplicates and reorders
//! datagrams, has a node go offline and one tamper with what it sends; and the scale
//! scenario's report.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::Generation;
use blockpeer_core::node::Command;
use blockpeer_core::testing::scale::{ScaleParams, ScaleRun};
use blockpeer_core::testing::{NetStats, SimNet, chain_of_generation};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Duration;

/// What a run leaves behind, condensed: a hash of every event (with its time and node),
/// their number, a hash of every node's traffic and chain, and the network's counts.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    events: u64,
    event_count: usize,
    nodes: u64,
    stats: NetStats,
}

fn run(generation: Generation, threads: usize) -> Fingerprint {
    let chain = chain_of_generation(generation, 20, 1, "prof");
    let mut sim = SimNet::new(31);
    sim.threads = threads;
    sim.loss = 0.05;
    sim.duplicate = 0.01;
    sim.latency = (Duration::from_millis(1), Duration::from_millis(20));
    let config = |i: u16| {
        let mut config = SimNet::config(i, (i > 0).then_some(0), 1);
        config.generation = generation;
        config
    };
    for i in 0..24 {
        sim.add(config(i), chain.clone());
        sim.run_for(Duration::from_millis(300));
    }
    sim.sim_node(SimNet::addr(5)).tamper = Some(Box::new(|bytes| {
        bytes.reverse();
        bytes.len() % 3 != 0
    }));
    sim.command(SimNet::addr(0), Command::AddWords((0..40).map(|i| format!("w{i}")).collect()));
    sim.command(SimNet::addr(0), Command::SetMining(true));
    sim.run_for(Duration::from_secs(40));
    sim.sim_node(SimNet::addr(9)).online = false;
    sim.run_for(Duration::from_secs(30));
    sim.sim_node(SimNet::addr(9)).online = true;
    sim.add(config(30), blockpeer_core::chain::Chain::new(*chain.limits()));
    sim.run_for(Duration::from_secs(50));

    let mut events = DefaultHasher::new();
    for event in &sim.events {
        format!("{event:?}").hash(&mut events);
    }
    let mut nodes = DefaultHasher::new();
    for addr in sim.addrs() {
        format!("{:?}", sim.traffic(addr)).hash(&mut nodes);
        format!("{:?}", sim.node(addr).chain().blocks()).hash(&mut nodes);
    }
    Fingerprint { events: events.finish(), event_count: sim.events.len(), nodes: nodes.finish(), stats: sim.stats() }
}

#[test]
fn a_run_is_the_same_on_one_two_and_three_threads() {
    for generation in [Generation::Flood, Generation::Gossip] {
        let one = run(generation, 1);
        assert!(one.event_count > 500 && one.stats.lost > 100 && one.stats.duplicated > 10, "{generation}: {one:?}");
        assert_eq!(run(generation, 2), one, "{generation}: two threads");
        assert_eq!(run(generation, 3), one, "{generation}: three threads");
    }
}

#[test]
fn the_scale_report_is_the_same_on_one_and_two_threads() {
    let report = |threads| {
        let mut params = ScaleParams::campus(16, 1, 5);
        params.chain_blocks = 30;
        params.threads = threads;
        ScaleRun::new(params).run()
    };
    let one = report(1);
    assert!(one.finished && one.blocks_mined > 0, "{one:?}");
    assert_eq!(report(2), one);
}
