//! Proves that forwarding is bounded in big networks and unchanged in small ones
//! (SimNet, virtual time, fixed seeds): in 60-node networks each new FLOOD is forwarded
//! to at most `flood_fanout` peers (each GOSSIP to at most 3), and still every node
//! learns 90 % of the network and holds every block; a network of 20, below
//! `flood_forward_all_up_to`, runs exactly as if FLOODs were always forwarded to all.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::Generation;
use blockpeer_core::node::{Command, Config, Counters};
use blockpeer_core::testing::{SimNet, chain_of_generation};
use std::net::SocketAddr;
use std::time::Duration;

const D: u32 = 1;

/// `n` nodes of `generation` joining through node 0 at once, each config adjusted by `tune`.
fn network(generation: Generation, n: u16, tune: impl Fn(&mut Config)) -> SimNet {
    let chain = chain_of_generation(generation, 5, D, "prof");
    let mut sim = SimNet::new(11);
    sim.loss = 0.01;
    for i in 0..n {
        let mut config = SimNet::config(i, (i > 0).then_some(0), D);
        config.generation = generation;
        tune(&mut config);
        sim.add(config, chain.clone());
    }
    sim
}

/// Per node: join messages received, of them seen before, and forwards sent.
fn join_counts(sim: &SimNet, generation: Generation) -> Vec<(u64, u64, u64)> {
    sim.addrs()
        .iter()
        .map(|a| {
            let received = sim.traffic(*a).get(generation.join_type()).map_or(0, |t| t.msgs_in);
            let Counters { duplicate_floods, floods_forwarded, .. } = sim.node(*a).snapshot(sim.now()).counters;
            (received, duplicate_floods, floods_forwarded)
        })
        .collect()
}

fn known(sim: &SimNet, addr: SocketAddr) -> usize {
    sim.node(addr).known_peers().len()
}

/// 60 nodes: once their tables are past `bounded_above` peers (two keep-alive rounds),
/// forwards per new join message stay within `fanout`; and after a mining minute and a consensus
/// interval to repair lost ANNOUNCEs, every node knows 90 % of the others and holds
/// every block.
fn bounded(generation: Generation, fanout: u64, bounded_above: usize) {
    const N: u16 = 60;
    let mut sim = network(generation, N, |_| {});
    sim.run_for(Duration::from_secs(70));
    assert!(sim.addrs().iter().all(|a| known(&sim, *a) > bounded_above), "every table is past {bounded_above}");
    let before = join_counts(&sim, generation);
    let miner = SimNet::addr(0);
    sim.command(miner, Command::AddWords((0..40).map(|i| format!("w{i}")).collect()));
    sim.command(miner, Command::SetMining(true));
    sim.run_for(Duration::from_secs(60));
    sim.command(miner, Command::SetMining(false));
    sim.run_for(Duration::from_secs(70));

    let mut forwarded_total = 0;
    for (addr, (then, now)) in sim.addrs().into_iter().zip(before.iter().zip(join_counts(&sim, generation))) {
        let new = (now.0 - then.0) - (now.1 - then.1);
        let forwarded = now.2 - then.2;
        assert!(new >= u64::from(N - 1), "{addr} got every node's keep-alive: {new}");
        assert!(forwarded <= fanout * new, "{addr} forwarded {forwarded} copies of {new} new join messages");
        forwarded_total += forwarded;
        assert!(
            known(&sim, addr) * 10 >= usize::from(N - 1) * 9,
            "{addr} knows {} of {} peers",
            known(&sim, addr),
            N - 1
        );
    }
    assert!(forwarded_total > 0, "join messages are still forwarded");
    let tip = sim.node(miner).chain().tip().map(|b| (b.height, b.hash.clone()));
    assert!(tip.as_ref().is_some_and(|(height, _)| *height >= 8), "the miner mined: {tip:?}");
    for addr in sim.addrs() {
        assert_eq!(sim.node(addr).chain().tip().map(|b| (b.height, b.hash.clone())), tip, "{addr} holds every block");
    }
}

#[test]
fn in_60_flood_nodes_a_flood_goes_to_at_most_the_fanout() {
    let config = Config::new("x", "127.0.0.1", 1);
    bounded(Generation::Flood, u64::try_from(config.flood_fanout).unwrap(), config.flood_forward_all_up_to);
}

#[test]
fn in_60_gossip_nodes_a_gossip_goes_to_at_most_3() {
    bounded(Generation::Gossip, 3, 0);
}

#[test]
fn a_network_below_the_threshold_runs_as_if_floods_went_to_all() {
    let run = |forward_all_up_to| {
        let mut sim = network(Generation::Flood, 20, |c| c.flood_forward_all_up_to = forward_all_up_to);
        sim.run_for(Duration::from_secs(90));
        let traffic: Vec<_> = sim.addrs().iter().map(|a| sim.traffic(*a).clone()).collect();
        (traffic, join_counts(&sim, Generation::Flood), sim.stats())
    };
    let (default, unbounded) = (run(Config::new("x", "127.0.0.1", 1).flood_forward_all_up_to), run(usize::MAX));
    assert!(default.1.iter().all(|(_, _, forwarded)| *forwarded > 0));
    assert_eq!(default.0, unbounded.0, "the same datagrams, of every type, to and from every node");
    assert_eq!(default.1, unbounded.1);
    assert_eq!(default.2, unbounded.2);
}
