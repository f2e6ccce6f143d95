//! Proves the record of forks on SimNet, in both generations: a partition that heals
//! after each side mined its own branch ends in one chain — the majority's in FLOOD,
//! the longest in GOSSIP — and the peers that reorganised remember it (the fork point,
//! the depth, the blocks lost, ours marked) with the lost branch kept as side blocks and
//! every peer's chain over time; a block that loses at its height is kept too (until a
//! reorganisation adopts it), and our miner's late block, but not a second solution of
//! our own job.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::{Block, Chain, Generation};
use blockpeer_core::miner::Job;
use blockpeer_core::node::record::{Fate, Via};
use blockpeer_core::node::{Command, Config, Event, Input, Node, Standing};
use blockpeer_core::protocol::Message;
use blockpeer_core::testing::{SimNet, chain_of_generation, extend_chain, mine_naive, rival_block};
use std::net::SocketAddr;
use std::time::Duration;

const D: u32 = 1;
/// Blocks every peer holds before the partition.
const BASE: u64 = 5;

fn config(generation: Generation, i: u16) -> Config {
    let mut config = SimNet::config(i, (i > 0).then_some(0), D);
    config.generation = generation;
    config
}

/// `n` peers holding the same `BASE`-block chain, joined through peer 0.
fn network(generation: Generation, n: u16) -> (SimNet, Chain) {
    let mut sim = SimNet::new(11);
    sim.block_time = Duration::from_secs(2);
    let chain = chain_of_generation(generation, BASE as usize, D, "base");
    for i in 0..n {
        sim.add(config(generation, i), chain.clone());
    }
    sim.run_for(Duration::from_secs(40));
    for addr in sim.addrs() {
        assert_eq!(sim.node(addr).known_peers().len(), usize::from(n) - 1, "{addr} knows every peer");
    }
    (sim, chain)
}

/// Has `miner` mine `words` words (10 to a block) until its queue is empty; returns the
/// blocks it mined.
fn mine(sim: &mut SimNet, miner: SocketAddr, words: usize) -> Vec<Block> {
    let start = sim.node(miner).chain().len();
    let words = (0..words).map(|i| format!("{}w{i}", miner.port())).collect();
    sim.command(miner, Command::AddWords(words));
    sim.command(miner, Command::SetMining(true));
    for _ in 0..120 {
        sim.run_for(Duration::from_secs(1));
        if sim.node(miner).snapshot(sim.now()).job.is_none() {
            break;
        }
    }
    sim.command(miner, Command::SetMining(false));
    let chain = sim.node(miner).chain();
    (start..chain.len()).map(|h| chain.get(h).unwrap().clone()).collect()
}

/// Splits 8 peers 5 : 3, lets peer 0 (majority side) and peer 5 (minority side) mine
/// their branches — the minority's the longer —, heals, runs consensus everywhere;
/// returns the network and the two branches.
fn split_and_heal(generation: Generation) -> (SimNet, Vec<Block>, Vec<Block>) {
    let (mut sim, _) = network(generation, 8);
    let (majority_miner, minority_miner) = (SimNet::addr(0), SimNet::addr(5));
    sim.partition((5..8).map(SimNet::addr));
    // Each miner also holds the 5 words every peer feeds itself at start.
    let majority = mine(&mut sim, majority_miner, 15);
    let minority = mine(&mut sim, minority_miner, 25);
    assert_eq!((majority.len(), minority.len()), (2, 3), "each side mined its branch");
    sim.run_for(Duration::from_secs(3));
    sim.heal();
    for addr in sim.addrs() {
        sim.command(addr, Command::ConsensusNow);
    }
    sim.run_for(Duration::from_secs(30));
    (sim, majority, minority)
}

fn hashes(blocks: &[Block]) -> Vec<&str> {
    blocks.iter().map(|b| b.hash.as_str()).collect()
}

/// Checks that every peer holds `winner` on the base and that the peers of the other
/// side — `losers`, mined by `lost_miner` — reorganised at the fork and remember it.
fn check(sim: &SimNet, winner: &[Block], lost: &[Block], losers: &[u16], lost_miner: u16) {
    for addr in sim.addrs() {
        let chain = sim.node(addr).chain();
        assert_eq!(chain.len(), BASE + winner.len() as u64, "{addr} holds the winning chain");
        assert_eq!(chain.tip().unwrap().hash, winner.last().unwrap().hash, "{addr}");
    }
    for &i in losers {
        let addr = SimNet::addr(i);
        let record = sim.node(addr).record();
        let reorg = record.reorgs().back().unwrap_or_else(|| panic!("{addr} remembers its reorganisation"));
        assert_eq!((reorg.fork, reorg.depth, reorg.added), (BASE, lost.len() as u64, winner.len() as u64), "{addr}");
        assert_eq!(reorg.lost.iter().map(|b| b.hash.as_str()).collect::<Vec<_>>(), hashes(lost), "{addr}");
        assert_eq!(reorg.new_tip.as_deref(), Some(winner.last().unwrap().hash.as_str()));
        assert!(!reorg.sources.is_empty() && reorg.source_count >= reorg.sources.len());
        let ours = i == lost_miner;
        assert!(reorg.lost.iter().all(|b| b.ours == ours), "{addr}: our blocks marked as ours, others' not");
        assert_eq!(reorg.ours_lost, if ours { lost.len() as u64 } else { 0 });
        // The lost branch is kept, linked from the fork point up.
        let side: Vec<_> = lost.iter().map(|b| record.side_block(&b.hash).expect("the lost block is kept")).collect();
        assert!(side.iter().all(|s| s.fate == Fate::Reorganised && s.ours == ours && s.from.is_none()));
        let base_tip = sim.node(addr).chain().get(BASE - 1).unwrap().hash.clone();
        let parents: Vec<_> = side.iter().map(|s| s.parent.clone().unwrap()).collect();
        let expected: Vec<_> =
            std::iter::once(base_tip).chain(lost.iter().map(|b| b.hash.clone())).take(lost.len()).collect();
        assert_eq!(parents, expected, "{addr}: each lost block hangs off the one below");
        // The history shows the other side's chain before the peers converged.
        let saw_other = record.history().peers.values().flat_map(|s| &s.points).any(|p| {
            p.tip.is_some_and(|t| winner.last().unwrap().hash.starts_with(t.as_str()))
                && matches!(p.standing, Standing::OtherChain | Standing::Ahead { .. })
        });
        assert!(saw_other, "{addr} recorded a peer on the winning chain while it was not ours");
        let own = &record.history().own.points;
        assert!(own.iter().any(|p| p.height == BASE + lost.len() as u64) && own.back().unwrap().via == Via::Own);
        assert!(record.rounds().iter().any(|r| r.groups.len() >= 2), "{addr} recorded a round offered both chains");
    }
}

#[test]
fn flood_the_majority_s_shorter_branch_wins_and_the_minority_remembers_its_loss() {
    let (sim, majority, minority) = split_and_heal(Generation::Flood);
    check(&sim, &majority, &minority, &[5, 6, 7], 5);
    for i in 0..5 {
        assert!(sim.node(SimNet::addr(i)).record().reorgs().is_empty(), "the majority side kept its chain");
    }
}

#[test]
fn gossip_the_minority_s_longer_branch_wins_and_the_majority_remembers_its_loss() {
    let (sim, majority, minority) = split_and_heal(Generation::Gossip);
    check(&sim, &minority, &majority, &[0, 1, 2, 3, 4], 0);
    for i in 5..8 {
        assert!(sim.node(SimNet::addr(i)).record().reorgs().is_empty(), "the longest branch's side kept its chain");
    }
}

/// An ANNOUNCE of `block` as `from` would send it.
fn announce(block: &Block) -> Vec<u8> {
    Message::Announce(block.clone()).encode()
}

#[test]
fn a_block_that_loses_at_its_height_is_kept_and_one_that_extends_it_too() {
    for generation in [Generation::Flood, Generation::Gossip] {
        let (mut sim, base) = network(generation, 3);
        let (watcher, rival_miner) = (SimNet::addr(0), SimNet::addr(1));
        let loser = rival_block(&base, BASE - 1, "rival");
        sim.inject(watcher, rival_miner, announce(&loser));
        let record = sim.node(watcher).record();
        let side = record.side_block(&loser.hash).expect("kept");
        let last =
            |sim: &SimNet| sim.node(watcher).record().history().peers[&rival_miner].points.back().unwrap().standing;
        assert_eq!(last(&sim), Standing::OtherChain, "the announcer is on another chain");
        assert_eq!((side.fate, side.from, side.ours), (Fate::Lost, Some(rival_miner), false));
        assert_eq!(side.parent.as_deref(), Some(base.get(BASE - 2).unwrap().hash.as_str()));
        let event = Event::SideBlock {
            height: BASE - 1,
            hash: loser.hash.clone(),
            mined_by: "rival".into(),
            from: Some(rival_miner),
            ours: false,
        };
        assert!(sim.events.iter().any(|(_, _, e)| *e == event), "the window and the page are told");
        // The rival branch grows by one: it validates on the side block.
        let mut branch = Chain::from_blocks(
            base.blocks().iter().take(BASE as usize - 1).map(|b| Block::clone(b)).chain([loser.clone()]).collect(),
            *base.limits(),
        )
        .0;
        extend_chain(&mut branch, 1, "rival", "next");
        let next = branch.tip().unwrap().clone();
        sim.inject(watcher, rival_miner, announce(&next));
        let record = sim.node(watcher).record();
        assert_eq!(record.side_block(&next.hash).unwrap().parent.as_deref(), Some(loser.hash.as_str()));
        assert_eq!(sim.node(watcher).chain().tip().unwrap().hash, base.tip().unwrap().hash, "never adopted");
        assert!(sim.node(watcher).snapshot(sim.now()).consensus.running, "a longer branch asks the network");
        assert_eq!(last(&sim), Standing::Ahead { by: 1 }, "its branch is now the longer");
    }
}

#[test]
fn a_side_block_that_a_reorganisation_adopts_is_off_our_chain_no_more() {
    for generation in [Generation::Flood, Generation::Gossip] {
        let (mut sim, _) = network(generation, 3);
        let (watcher, miner) = (SimNet::addr(0), SimNet::addr(1));
        sim.partition([watcher]);
        let ours = mine(&mut sim, watcher, 5);
        let theirs = mine(&mut sim, miner, 15);
        assert_eq!((ours.len(), theirs.len()), (1, 2), "{generation:?}: one block alone, two on the other side");
        sim.heal();
        // The watcher hears of their first block: it lost at its height, to ours.
        sim.inject(watcher, miner, announce(&theirs[0]));
        let fate = |sim: &SimNet, block: &Block| sim.node(watcher).record().side_block(&block.hash).map(|s| s.fate);
        assert_eq!(fate(&sim, &theirs[0]), Some(Fate::Lost), "{generation:?}");
        for addr in sim.addrs() {
            sim.command(addr, Command::ConsensusNow);
        }
        sim.run_for(Duration::from_secs(30));
        let node = sim.node(watcher);
        assert_eq!(node.chain().tip().unwrap().hash, theirs[1].hash, "{generation:?}: the watcher took their chain");
        assert_eq!(fate(&sim, &theirs[0]), None, "{generation:?}: an adopted block is not shown beside our chain");
        assert_eq!(fate(&sim, &ours[0]), Some(Fate::Reorganised), "{generation:?}");
        let on_chain = |b: &Block| node.chain().get(b.height).is_some_and(|held| held.hash == b.hash);
        assert!(!node.record().side_blocks().iter().any(|s| on_chain(&s.block)), "{generation:?}");
    }
}

#[test]
fn our_late_block_is_kept_but_a_second_solution_of_our_own_job_is_not() {
    let base = chain_of_generation(Generation::Flood, BASE as usize, D, "base");
    let now = std::time::Instant::now();
    let mut node = Node::new(config(Generation::Flood, 0), base.clone(), now);
    let job = |chain: &Chain| Job {
        height: chain.len(),
        prev_hash: chain.tip().map(|b| b.hash.clone()),
        mined_by: "node0".into(),
        messages: vec!["ours".into()],
        timestamp: None,
        difficulty: D,
    };
    // A peer's block takes height 5 first; our miner's block for 5 comes too late.
    let theirs = rival_block(&base, BASE, "peer");
    let ours_late = mine_naive(&job(&base));
    node.handle_input(now, Input::Command(Command::AddPeer(SimNet::addr(1))));
    node.handle_input(now, Input::Datagram { from: SimNet::addr(1), bytes: Message::Announce(theirs).encode() });
    node.handle_input(now, Input::Mined(ours_late.clone()));
    let kept = node.record().side_block(&ours_late.hash).expect("our late block is kept");
    assert_eq!((kept.fate, kept.from, kept.ours), (Fate::Lost, None, true));

    // Our miner solves block 6 twice: the second solution is no fork.
    let next = job(node.chain());
    let first = mine_naive(&next);
    let nonce: u64 = first.nonce.parse().unwrap();
    let second = (nonce + 1..).find_map(|n| next.block_if_valid(&n.to_string())).unwrap();
    node.handle_input(now, Input::Mined(first.clone()));
    node.handle_input(now, Input::Mined(second.clone()));
    assert_eq!(node.chain().tip().unwrap().hash, first.hash);
    assert!(node.record().side_block(&second.hash).is_none(), "a duplicate of our own job is not a fork");
    assert_eq!(node.record().side_blocks().len(), 1);
}
