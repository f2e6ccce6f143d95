//! Proves that a new block reaches every peer fast without weakening anything (SimNet,
//! virtual time, fixed seeds, both generations): a peer that missed a block's every push
//! gets it from a tip probe's repair within about a probe interval; a missed parent is
//! fetched from the announcer of the next block, with no consensus round; a lying
//! announcer gains nothing and costs little; at 10 % loss every block reaches every peer
//! within 3 s; and the extra traffic per peer does not grow with the network.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::Generation;
use blockpeer_core::node::{Arrival, Command, Config, Counters, Event, Trigger};
use blockpeer_core::protocol::{BlockReply, Message, StatsReply, decode};
use blockpeer_core::testing::{SimNet, chain_of_generation};
use std::net::SocketAddr;
use std::time::Duration;

const D: u32 = 1;
const GENERATIONS: [Generation; 2] = [Generation::Flood, Generation::Gossip];

/// `n` nodes of `generation` joined through node 0, each config adjusted by `tune`, run
/// until every node knows every other.
fn network(generation: Generation, n: u16, seed: u64, loss: f64, tune: impl Fn(&mut Config)) -> SimNet {
    let chain = chain_of_generation(generation, 5, D, "prof");
    let mut sim = SimNet::new(seed);
    sim.loss = loss;
    for i in 0..n {
        let mut config = SimNet::config(i, (i > 0).then_some(0), D);
        config.generation = generation;
        tune(&mut config);
        sim.add(config, chain.clone());
    }
    run_until(&mut sim, Duration::from_secs(40), |sim| {
        sim.addrs().iter().all(|a| sim.node(*a).known_peers().len() == usize::from(n) - 1)
    });
    sim
}

/// Runs in steps of 5 ms until `done` holds or `limit` of virtual time has passed;
/// whether it holds.
fn run_until(sim: &mut SimNet, limit: Duration, done: impl Fn(&SimNet) -> bool) -> bool {
    let end = sim.elapsed() + limit;
    while !done(sim) {
        if sim.elapsed() >= end {
            return false;
        }
        sim.run_for(Duration::from_millis(5));
    }
    true
}

fn miner() -> SocketAddr {
    SimNet::addr(0)
}

fn len(sim: &SimNet, addr: SocketAddr) -> u64 {
    sim.node(addr).chain().len()
}

fn counters(sim: &SimNet, addr: SocketAddr) -> Counters {
    sim.node(addr).snapshot(sim.now()).counters
}

/// Has the miner mine exactly one block while `victim` is offline (it misses the
/// ANNOUNCE and every relay), then brings the victim back; returns the block's height.
fn mine_one_while_offline(sim: &mut SimNet, victim: SocketAddr) -> u64 {
    let height = len(sim, miner());
    sim.sim_node(victim).online = false;
    sim.command(miner(), Command::AddWords(vec!["missed".into()]));
    sim.command(miner(), Command::SetMining(true));
    assert!(run_until(sim, Duration::from_secs(30), |sim| len(sim, miner()) > height), "the miner mined");
    sim.command(miner(), Command::SetMining(false));
    sim.run_for(Duration::from_millis(100));
    let others_hold = sim.addrs().iter().filter(|a| **a != victim).all(|a| len(sim, *a) == height + 1);
    assert!(others_hold, "every other peer got it by the ANNOUNCE or a relay");
    sim.sim_node(victim).online = true;
    height
}

/// How `addr` came by the block at `height`, from the events.
fn arrival(sim: &SimNet, addr: SocketAddr, height: u64) -> Option<Arrival> {
    sim.events.iter().find_map(|(_, a, e)| match e {
        Event::BlockAdded { height: h, via, .. } if *a == addr && *h == height => Some(*via),
        _ => None,
    })
}

fn rounds_started_by(sim: &SimNet, addr: SocketAddr, trigger: Trigger) -> usize {
    sim.events
        .iter()
        .filter(|(_, a, e)| *a == addr && matches!(e, Event::ConsensusFinished(r) if r.trigger == trigger))
        .count()
}

#[test]
fn a_peer_that_missed_every_push_gets_the_block_within_about_a_probe_interval() {
    for generation in GENERATIONS {
        let mut sim = network(generation, 20, 21, 0.0, |_| {});
        let victim = SimNet::addr(7);
        let height = mine_one_while_offline(&mut sim, victim);
        let back = sim.elapsed();
        let interval = Config::new("x", "127.0.0.1", 1).tip_probe_interval.unwrap();
        let limit = interval + Duration::from_millis(500);
        assert!(run_until(&mut sim, limit, |sim| len(sim, victim) == height + 1), "{generation}: repaired in time");
        let took = sim.elapsed() - back;
        assert!(matches!(arrival(&sim, victim, height), Some(Arrival::Repaired { .. })), "{generation}: by a repair");
        assert_eq!(sim.node(victim).chain().tip(), sim.node(miner()).chain().tip(), "{generation}");
        let c = counters(&sim, victim);
        assert_eq!((c.repairs_started, c.blocks_repaired, c.repairs_failed), (1, 1, 0), "{generation}");
        assert!(!sim.events.iter().any(|(_, a, e)| *a == victim && matches!(e, Event::ChainSynced { .. })));
        eprintln!("{generation}: the missed block arrived {took:?} after the peer came back");
    }
}

#[test]
fn a_missed_parent_is_fetched_from_the_announcer_of_the_next_block_without_a_round() {
    for generation in GENERATIONS {
        // Neither relays nor probes: only the next block's ANNOUNCE tells the victim.
        let mut sim = network(generation, 12, 22, 0.0, |c| {
            c.relay_fanout = 0;
            c.tip_probe_interval = None;
        });
        let victim = SimNet::addr(5);
        let height = mine_one_while_offline(&mut sim, victim);
        sim.run_for(Duration::from_secs(2));
        assert_eq!(len(&sim, victim), height, "{generation}: nothing else repairs it");
        sim.command(miner(), Command::AddWords(vec!["next".into()]));
        sim.command(miner(), Command::SetMining(true));
        assert!(run_until(&mut sim, Duration::from_secs(30), |sim| len(sim, miner()) > height + 1));
        sim.command(miner(), Command::SetMining(false));
        assert!(run_until(&mut sim, Duration::from_millis(200), |sim| len(sim, victim) == height + 2), "{generation}");
        assert_eq!(arrival(&sim, victim, height), Some(Arrival::Repaired { from: miner() }), "{generation}");
        assert_eq!(arrival(&sim, victim, height + 1), Some(Arrival::Announced { from: miner() }), "{generation}");
        assert_eq!(sim.node(victim).chain().tip(), sim.node(miner()).chain().tip());
        assert_eq!(rounds_started_by(&sim, victim, Trigger::Announce), 0, "{generation}: no consensus round");
    }
}

/// A liar's tampering: its blocks forged (the words changed, so the hash no longer fits)
/// and, if `claims`, every STATS_REPLY claiming two blocks more than it has.
fn liar(claims: bool) -> impl FnMut(&mut Vec<u8>) -> bool + Send {
    move |bytes| {
        match decode(bytes) {
            Ok(Message::GetBlockReply(BlockReply::Block(mut block))) => {
                block.messages = vec!["forged".into()];
                *bytes = Message::GetBlockReply(BlockReply::Block(block)).encode();
            }
            Ok(Message::StatsReply(reply)) if claims => {
                let claim = StatsReply { height: reply.height + 2, hash: Some(format!("{}0", "a".repeat(63))) };
                *bytes = Message::StatsReply(claim).encode();
            }
            _ => {}
        }
        true
    }
}

/// A network of 10 in which node 3 lies (`claims`: to tip probes too): the network, the
/// liar, the honest chain, the other nodes and their counters now.
struct Lied {
    sim: SimNet,
    liar: SocketAddr,
    honest: blockpeer_core::chain::Chain,
    victims: Vec<SocketAddr>,
    before: Vec<Counters>,
}

fn with_a_liar(generation: Generation, seed: u64, claims: bool) -> Lied {
    let mut sim = network(generation, 10, seed, 0.0, |_| {});
    let liar_addr = SimNet::addr(3);
    sim.sim_node(liar_addr).tamper = Some(Box::new(liar(claims)));
    let honest = sim.node(miner()).chain().clone();
    let victims: Vec<SocketAddr> = sim.addrs().into_iter().filter(|a| *a != liar_addr).collect();
    let before = victims.iter().map(|a| counters(&sim, *a)).collect();
    Lied { sim, liar: liar_addr, honest, victims, before }
}

#[test]
fn a_lying_announcer_gains_nothing_and_costs_little() {
    for generation in GENERATIONS {
        let Lied { mut sim, liar: liar_addr, honest, victims, before } = with_a_liar(generation, 23, false);
        let asked_before = sim.traffic(liar_addr).get("GET_BLOCK").map_or(0, |t| t.msgs_in);
        // A plausible block two above everyone's tip (its hash meets the difficulty; it
        // links to nothing), sent by the liar to everyone every half second for a minute.
        let mut fake = honest.tip().unwrap().clone();
        fake.height = honest.len() + 1;
        fake.hash = format!("{}0", "b".repeat(63));
        let announce = Message::Announce(fake).encode();
        for _ in 0..120 {
            for victim in &victims {
                sim.inject(*victim, liar_addr, announce.clone());
            }
            sim.run_for(Duration::from_millis(500));
        }
        for (victim, then) in victims.iter().zip(&before) {
            assert_eq!(sim.node(*victim).chain().blocks(), honest.blocks(), "{generation}: {victim} kept its chain");
            let now = counters(&sim, *victim);
            let repairs = now.repairs_started - then.repairs_started;
            assert!((1..=2).contains(&repairs), "{generation}: {victim} tried the liar once a minute: {repairs}");
            assert_eq!(now.repairs_failed - then.repairs_failed, repairs, "{generation}: and never got anywhere");
            let rounds = rounds_started_by(&sim, *victim, Trigger::Announce);
            assert!(rounds <= 13, "{generation}: {victim} ran at most one asked round per 5 s: {rounds}");
        }
        let asked = sim.traffic(liar_addr).get("GET_BLOCK").map_or(0, |t| t.msgs_in) - asked_before;
        let most = 3 * 2 * victims.len() as u64;
        assert!(asked <= most, "{generation}: the liar was asked for {asked} blocks, at most {most} (3 a repair)");
    }
}

#[test]
fn a_peer_that_lies_to_tip_probes_gains_nothing_and_is_not_repaired_from_again_for_a_while() {
    for generation in GENERATIONS {
        let Lied { mut sim, honest, victims, before, .. } = with_a_liar(generation, 27, true);
        sim.run_for(Duration::from_secs(59));
        for (victim, then) in victims.iter().zip(&before) {
            assert_eq!(sim.node(*victim).chain().blocks(), honest.blocks(), "{generation}: {victim} kept its chain");
            let now = counters(&sim, *victim);
            let repairs = now.repairs_started - then.repairs_started;
            assert!(repairs <= 1, "{generation}: {victim} repaired from the liar at most once a minute: {repairs}");
            assert_eq!(now.blocks_repaired, then.blocks_repaired, "{generation}: {victim} took no block from it");
        }
        let probed = victims.iter().zip(&before).map(|(v, then)| counters(&sim, *v).tip_probes - then.tip_probes);
        assert!(
            probed.clone().all(|p| p >= 50),
            "{generation}: the victims kept probing: {:?}",
            probed.collect::<Vec<_>>()
        );
    }
}

/// Per miner's block: the seconds until every other peer held it (`None`: one never did).
fn spread_times(sim: &SimNet, peers: usize) -> Vec<(u64, Option<f64>)> {
    let mined: Vec<(u64, Duration)> = sim
        .events
        .iter()
        .filter_map(|(t, a, e)| match e {
            Event::BlockAdded { height, ours: true, .. } if *a == miner() => Some((*height, *t)),
            _ => None,
        })
        .collect();
    mined
        .iter()
        .map(|(height, at)| {
            let mut holders = std::collections::BTreeSet::new();
            let mut reached = None;
            for (t, a, e) in sim.events.iter().filter(|(t, a, _)| t >= at && *a != miner()) {
                let covers = match e {
                    Event::BlockAdded { height: h, .. } => h == height,
                    Event::ChainSynced { fork, added, .. } => (*fork..fork + added).contains(height),
                    _ => false,
                };
                if covers && holders.insert(*a) && holders.len() == peers - 1 {
                    reached = Some((*t - *at).as_secs_f64());
                    break;
                }
            }
            (*height, reached)
        })
        .collect()
}

#[test]
fn at_10_percent_loss_every_block_reaches_every_peer_within_3_s() {
    for generation in GENERATIONS {
        const N: u16 = 40;
        let mut sim = network(generation, N, 24, 0.10, |_| {});
        sim.command(miner(), Command::AddWords((0..200).map(|i| format!("w{i}")).collect()));
        sim.command(miner(), Command::SetMining(true));
        sim.run_for(Duration::from_secs(180));
        sim.command(miner(), Command::SetMining(false));
        sim.run_for(Duration::from_secs(5));
        let times = spread_times(&sim, usize::from(N));
        assert!(times.len() >= 10, "{generation}: the miner mined: {}", times.len());
        for (height, reached) in &times {
            assert!(reached.is_some_and(|s| s < 3.0), "{generation}: block {height} reached everyone in {reached:?} s");
        }
        let repaired: u64 = sim.addrs().iter().map(|a| counters(&sim, *a).blocks_repaired).sum();
        let relayed_arrivals = sim
            .events
            .iter()
            .filter(
                |(_, _, e)| matches!(e, Event::BlockAdded { via: Arrival::Announced { from }, .. } if *from != miner()),
            )
            .count();
        assert!(relayed_arrivals > 0, "{generation}: relays carried blocks to peers that missed the ANNOUNCE");
        eprintln!("{generation}: {} blocks, {relayed_arrivals} copies by relay, {repaired} by repair", times.len());
    }
}

/// ANNOUNCEs relayed per peer per block and tip probes sent per peer per minute, over
/// `minutes` of mining in a network of `n` at 1 % loss; and the blocks mined.
fn extra_traffic(generation: Generation, n: u16, minutes: u64) -> (f64, f64, u64) {
    let mut sim = network(generation, n, 25, 0.01, |_| {});
    let before: Vec<Counters> = sim.addrs().iter().map(|a| counters(&sim, *a)).collect();
    let height = len(&sim, miner());
    sim.command(miner(), Command::AddWords((0..200).map(|i| format!("w{i}")).collect()));
    sim.command(miner(), Command::SetMining(true));
    sim.run_for(Duration::from_secs(60 * minutes));
    let blocks = len(&sim, miner()) - height;
    let (mut relayed, mut probes) = (0, 0);
    for (addr, then) in sim.addrs().iter().zip(&before) {
        let now = counters(&sim, *addr);
        let peer_relays = now.blocks_relayed - then.blocks_relayed;
        let k = Config::new("x", "127.0.0.1", 1).relay_fanout as u64;
        assert!(peer_relays <= k * blocks, "{generation}: {addr} relayed {peer_relays} for {blocks} blocks");
        relayed += peer_relays;
        probes += now.tip_probes - then.tip_probes;
        assert!(
            now.tip_probes - then.tip_probes <= 2 * 60 * minutes,
            "{generation}: {addr} probes at most twice a second"
        );
    }
    let peers = f64::from(n);
    (relayed as f64 / peers / blocks as f64, probes as f64 / peers / minutes as f64, blocks)
}

#[test]
fn the_extra_traffic_per_peer_does_not_grow_with_the_network() {
    for generation in GENERATIONS {
        let (small, large) = (extra_traffic(generation, 15, 2), extra_traffic(generation, 45, 2));
        eprintln!("{generation}: relays, probes per peer per minute, blocks: 15 peers {small:?}, 45 peers {large:?}");
        assert!(small.2 >= 6 && large.2 >= 6, "{generation}: the miner mined");
        assert!(large.0 <= 1.25 * small.0, "{generation}: relays per peer per block stay level");
        assert!(large.1 <= 1.25 * small.1 && large.1 >= 30.0, "{generation}: about one probe a second, whatever N");
    }
}
