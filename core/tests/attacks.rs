//! Attack scripts against the node on SimNet (virtual clock, fixed seeds), one per
//! defect found in review: junk block replies for heights nobody asked, forged top
//! blocks whose probes go unanswered, ANNOUNCEs far above the tip repeated every few
//! seconds, and two hundred silent sources claiming the honest tip — in each, a joining
//! node still syncs the honest chain, and no honest peer is blamed —, and a stranger
//! sending CONSENSUS ten times a second (each would make us ask every peer).

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::Generation;
use blockpeer_core::chain::{Block, Chain, Limits};
use blockpeer_core::protocol::{BlockReply, Flood, Message, StatsReply, decode};
use blockpeer_core::testing::{SimNet, chain_of};
use std::net::SocketAddr;
use std::time::Duration;

const D: u32 = 1;

/// `honest` nodes holding `chain` (node 0 the well-known one), then a newcomer with an
/// empty chain joining through node 0; returns the newcomer's address.
fn network_and_newcomer(sim: &mut SimNet, honest: u16, chain: &Chain, newcomer: u16) -> SocketAddr {
    sim.add(SimNet::config(0, None, D), chain.clone());
    for i in 1..honest {
        sim.add(SimNet::config(i, Some(0), D), chain.clone());
    }
    sim.run_for(Duration::from_secs(5));
    sim.add(SimNet::config(newcomer, Some(0), D), Chain::new(Limits::new(D)))
}

fn synced(sim: &SimNet, addr: SocketAddr, chain: &Chain) -> bool {
    sim.node(addr).chain().tip() == chain.tip()
}

/// A block that looks real to a glance: any height, a hash ending in zeros.
fn forged(height: u64, tag: u64) -> Block {
    Block {
        height,
        mined_by: "liar".into(),
        nonce: tag.to_string(),
        messages: vec!["junk".into()],
        hash: format!("{:063x}0", u128::from(tag) << 64 | u128::from(height)),
        timestamp: None,
    }
}

#[test]
fn junk_block_replies_for_heights_never_asked_strike_no_one() {
    let chain = chain_of(400, D, "honest");
    let mut sim = SimNet::new(31);
    let newcomer = network_and_newcomer(&mut sim, 4, &chain, 9);
    // Node 3 belongs to the group, and sprays junk replies for every height it was
    // not asked for — and for those it was: the blocks its neighbours serve.
    let liar = SimNet::addr(3);
    let mut tag = 0;
    while !synced(&sim, newcomer, &chain) {
        assert!(sim.elapsed() < Duration::from_secs(120), "the newcomer did not sync");
        for height in (0..400).step_by(7) {
            tag += 1;
            let junk = Message::GetBlockReply(BlockReply::Block(forged(height, tag))).encode();
            sim.inject(newcomer, liar, junk);
        }
        sim.run_for(Duration::from_millis(20));
    }
    let counters = sim.node(newcomer).snapshot(sim.now()).counters;
    assert_eq!(counters.sync_failures, 0, "{counters:?}");
    assert!(counters.unsolicited_blocks > 1000, "the junk was ignored: {counters:?}");
}

#[test]
fn a_forged_top_block_and_unanswered_probes_do_not_restart_a_long_sync() {
    let chain = chain_of(2000, D, "honest");
    let top = chain.len() - 1;
    let mut sim = SimNet::new(32);
    sim.loss = 0.1;
    let newcomer = network_and_newcomer(&mut sim, 4, &chain, 9);
    // Node 3 serves a forged top block: the newcomer probes one block higher (nobody
    // has it: the answers are "missing"), then asks again elsewhere.
    sim.sim_node(SimNet::addr(3)).tamper = Some(Box::new(move |bytes| {
        if let Ok(Message::GetBlockReply(BlockReply::Block(block))) = decode(bytes)
            && block.height == top
        {
            *bytes = Message::GetBlockReply(BlockReply::Block(forged(top, 1))).encode();
        }
        true
    }));
    sim.run_for(Duration::from_secs(60));
    assert!(synced(&sim, newcomer, &chain));
    let counters = sim.node(newcomer).snapshot(sim.now()).counters;
    assert_eq!(counters.sync_failures, 0, "one sync, never restarted: {counters:?}");
}

#[test]
fn announces_far_above_the_tip_every_few_seconds_cannot_hold_a_peer_back() {
    let chain = chain_of(300, D, "honest");
    let mut sim = SimNet::new(33);
    let newcomer = network_and_newcomer(&mut sim, 4, &chain, 9);
    let liar = SimNet::addr(8);
    let flood = Flood {
        generation: Generation::Flood,
        host: "127.0.0.1".into(),
        port: liar.port(),
        id: "liar".into(),
        name: "liar".into(),
    };
    sim.inject(newcomer, liar, Message::Flood(flood).encode());
    let claim = |n: u64| Message::Announce(forged(1_000_000 + n, n)).encode();
    let claim_stats = Message::StatsReply(StatsReply { height: 2_000_000, hash: Some(forged(1, 1).hash) }).encode();
    for n in 0..30 {
        sim.inject(newcomer, liar, claim(n));
        // The liar also answers every round with its huge claim.
        sim.inject(newcomer, liar, claim_stats.clone());
        sim.run_for(Duration::from_secs(4));
    }
    assert!(synced(&sim, newcomer, &chain), "caught up despite the liar");
    let counters = sim.node(newcomer).snapshot(sim.now()).counters;
    assert!(counters.datagrams_out < 3_000, "the claims did not make it chatty: {counters:?}");
}

#[test]
fn two_hundred_silent_sources_claiming_the_honest_tip_do_not_stall_a_sync() {
    let chain = chain_of(3000, D, "honest");
    let tip = chain.tip().map(|b| b.hash.clone());
    let mut sim = SimNet::new(34);
    let newcomer = network_and_newcomer(&mut sim, 3, &chain, 9);
    let silent: Vec<SocketAddr> =
        (0..200u16).map(|i| SocketAddr::from(([127, 0, 1, (i % 250) as u8], 20_000 + i))).collect();
    for (i, addr) in silent.iter().enumerate() {
        let flood = Flood {
            generation: Generation::Flood,
            host: addr.ip().to_string(),
            port: addr.port(),
            id: format!("s{i}"),
            name: "s".into(),
        };
        sim.inject(newcomer, *addr, Message::Flood(flood).encode());
    }
    // The join round: every silent source claims the honest tip, then never serves a block.
    while !sim.node(newcomer).snapshot(sim.now()).consensus.running {
        sim.run_for(Duration::from_millis(10));
    }
    let claim = Message::StatsReply(StatsReply { height: chain.len(), hash: tip }).encode();
    for addr in &silent {
        sim.inject(newcomer, *addr, claim.clone());
    }
    sim.run_for(Duration::from_secs(90));
    assert!(synced(&sim, newcomer, &chain), "synced from the three that answer");
    assert_eq!(sim.node(newcomer).snapshot(sim.now()).counters.sync_failures, 0);
}

#[test]
fn a_stranger_sending_consensus_ten_times_a_second_starts_a_round_every_five_seconds() {
    let mut sim = SimNet::new(12);
    let chain = chain_of(5, D, "a");
    sim.add(SimNet::config(0, None, D), chain.clone());
    for i in 1..6 {
        sim.add(SimNet::config(i, Some(0), D), chain.clone());
    }
    sim.run_for(Duration::from_secs(20));
    let target = SimNet::addr(0);
    let stats_sent = |sim: &SimNet| sim.traffic(target).get("STATS").map_or(0, |t| t.msgs_out);
    let (before, rounds_before) = (stats_sent(&sim), sim.node(target).snapshot(sim.now()).counters.consensus_ignored);
    let stranger = SocketAddr::from(([10, 0, 0, 9], 4000));
    // Ten seconds of CONSENSUS every 100 ms; the peers answer each round within
    // milliseconds, so without the limit every one would start a round of 5 STATS.
    for _ in 0..100 {
        sim.inject(target, stranger, br#"{"type":"CONSENSUS"}"#.to_vec());
        sim.run_for(Duration::from_millis(100));
    }
    let ignored = sim.node(target).snapshot(sim.now()).counters.consensus_ignored - rounds_before;
    let sent = stats_sent(&sim) - before;
    assert!(ignored >= 97, "at most one asked-for round per 5 s: {ignored} of 100 ignored");
    // At most 3 asked-for rounds and one timer round, each a STATS (and a resend) per peer.
    assert!(sent <= 4 * 2 * 5, "{sent} STATS sent (500 without the limit)");
}

#[test]
fn stats_replies_nobody_asked_for_move_nothing() {
    let mut sim = SimNet::new(13);
    let chain = chain_of(5, D, "a");
    // No tip probes: a reply to one would be asked for (probes are `propagation.rs`'s).
    let mut target = SimNet::config(0, None, D);
    target.tip_probe_interval = None;
    sim.add(target, chain.clone());
    sim.add(SimNet::config(1, Some(0), D), chain.clone());
    sim.run_for(Duration::from_secs(10));
    let target = SimNet::addr(0);
    let claim = Message::StatsReply(StatsReply { height: 1 << 40, hash: Some(forged(1, 7).hash) }).encode();
    for from in [SocketAddr::from(([10, 0, 0, 9], 4000)), SimNet::addr(1)] {
        for _ in 0..20 {
            sim.inject(target, from, claim.clone());
        }
    }
    sim.run_for(Duration::from_secs(5));
    let snapshot = sim.node(target).snapshot(sim.now());
    assert!(snapshot.counters.unsolicited_stats >= 40, "{:?}", snapshot.counters);
    assert!(snapshot.sync.is_none() && synced(&sim, target, &chain), "the claims moved nothing");
    assert!(
        snapshot.peers.iter().all(|p| p.height.is_none_or(|h| h < 1 << 40)),
        "no peer's height was taken from them"
    );
}
