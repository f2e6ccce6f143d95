//! Drives a Node with an arbitrary byte string read as a script of datagrams (raw,
//! well-formed, and well-formed with hostile field values), commands, mined blocks and
//! clock steps, checking after every step what must always hold: no panic, every
//! datagram ≤ 1024 bytes, the chain valid. The script's first byte picks the node's
//! protocol generation; messages of both generations come. Shared by the `cargo fuzz`
//! target and the proptest run in CI.

use super::hostile::hostile_datagram;
use super::script::Script;
use super::{chain_of_generation, mine_naive};
use crate::chain::{Block, Generation, validate_chain};
use crate::miner::Job;
use crate::node::{Command, Config, Input, Node, Output};
use crate::protocol::{BlockReply, Flood, FloodReply, MAX_SEND, Message, StatsReply};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Difficulty of the fuzzed network: blocks are cheap to mine, rules are the same.
const D: u32 = 1;

fn source(n: u8) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1 + n % 6], 9000 + u16::from(n % 6)))
}

/// Runs the script in `data` against a node holding a short valid chain.
pub fn exercise_node(data: &[u8]) {
    let mut now = Instant::now();
    let mut script = Script(data);
    let generation = Generation::ALL[usize::from(script.byte() % 2)];
    let mut config = Config::new("fuzz", "127.0.0.1", 8999);
    config.difficulty = D;
    config.well_known = Some(source(0));
    config.generation = generation;
    let template = chain_of_generation(generation, 4, D, "other");
    let mut node = Node::new(config, chain_of_generation(generation, 2, D, "fuzz"), now);
    let mut job: Option<Job> = None;
    while !script.is_empty() {
        let from = source(script.byte());
        match script.byte() % 7 {
            0 => {
                let n = usize::from(script.byte()) * 4;
                node.handle_input(now, Input::Datagram { from, bytes: script.bytes(n) });
            }
            1 | 2 => {
                let message = well_formed(&mut script, &node, &template);
                node.handle_input(now, Input::Datagram { from, bytes: message.encode() });
            }
            3 => node.handle_input(now, Input::Command(command(&mut script, from))),
            4 => {
                if let Some(job) = &job {
                    node.handle_input(now, Input::Mined(mine_naive(job)));
                }
            }
            5 => {
                now += Duration::from_millis(u64::from(script.byte()) * 97);
                if node.poll_timeout().is_some_and(|t| t <= now) {
                    node.handle_timeout(now);
                }
            }
            _ => node.handle_input(now, Input::Datagram { from, bytes: hostile_datagram(&mut script) }),
        }
        let mut lookups = Vec::new();
        while let Some(output) = node.poll_output() {
            match output {
                Output::Send { bytes, .. } => assert!(bytes.len() <= MAX_SEND, "sent {} bytes", bytes.len()),
                Output::MinerJob(next) => job = next,
                Output::Resolve { host } => lookups.push(host),
                Output::ChainChanged { .. } | Output::Event(_) => {}
            }
        }
        // A name resolves, or does not, as the script says.
        for host in lookups {
            let ip = (script.byte() % 2 == 0).then(|| std::net::IpAddr::from([127, 0, 0, 1 + script.byte() % 6]));
            node.handle_input(now, Input::Resolved { host, ip });
        }
    }
    let blocks: Vec<Block> = node.chain().blocks().iter().map(|b| b.as_ref().clone()).collect();
    assert_eq!(validate_chain(&blocks, node.chain().limits()).1, None, "the chain stays valid");
}

/// A message of a known type with fields from the script — often valid enough to
/// reach consensus, sync and append paths; mostly of the node's generation, sometimes
/// of the other.
fn well_formed(script: &mut Script<'_>, node: &Node, template: &crate::chain::Chain) -> Message {
    let ours = node.chain().limits().generation;
    let generation =
        if script.byte().is_multiple_of(4) { Generation::ALL[usize::from(ours == Generation::Flood)] } else { ours };
    let pick = script.byte();
    let height = u64::from(script.byte() % 8);
    let known_block = || template.get(height % 4).or(node.chain().get(height)).cloned();
    match pick % 9 {
        0 => Message::Flood(Flood {
            generation,
            host: match script.byte() % 3 {
                0 => format!("peer{}.example", script.byte() % 4),
                _ => format!("127.0.0.{}", 1 + script.byte() % 6),
            },
            port: 9000 + u16::from(script.byte() % 6),
            id: script.text(),
            name: script.text(),
        }),
        1 => Message::FloodReply(FloodReply { generation, host: "127.0.0.2".into(), port: 9001, name: script.text() }),
        2 => Message::Stats,
        3 => Message::StatsReply(StatsReply {
            height: height + u64::from(script.byte() % 2) * 1_000_000,
            hash: known_block().map(|b| b.hash),
        }),
        4 => Message::GetBlock { height },
        5 => Message::GetBlockReply(known_block().map_or(BlockReply::Missing(generation), BlockReply::Block)),
        6 => {
            // The block that would extend the node's tip, mined properly.
            let tip = node.chain().tip();
            let job = Job {
                height: node.chain().len(),
                prev_hash: tip.map(|b| b.hash.clone()),
                mined_by: "fuzzer".into(),
                messages: vec![script.text()].into_iter().filter(|m| m.chars().count() <= 20).collect(),
                timestamp: generation.timestamped().then(|| u64::from_le_bytes(std::array::from_fn(|_| script.byte()))),
                difficulty: D,
            };
            Message::Announce(mine_naive(&job))
        }
        7 => Message::Announce(known_block().unwrap_or_else(|| mine_naive(&empty_job(height, generation)))),
        _ => Message::NewWord { word: script.text() },
    }
}

fn empty_job(height: u64, generation: Generation) -> Job {
    let timestamp = generation.timestamped().then_some(height);
    Job { height, prev_hash: None, mined_by: "x".into(), messages: vec!["x".into()], timestamp, difficulty: D }
}

fn command(script: &mut Script<'_>, from: SocketAddr) -> Command {
    match script.byte() % 5 {
        0 => Command::SetMining(script.byte().is_multiple_of(2)),
        1 => Command::AddPeer(from),
        2 => Command::FloodNow,
        3 => Command::ConsensusNow,
        _ => Command::AddWords(vec![script.text(), script.text()]),
    }
}
