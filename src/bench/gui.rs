//! The window's frame times with a long chain and many peers: a peer holding the
//! chain, a crowd of fake peers around it that fills its record of forks to the bounds
//! (1,000 side blocks, 10,000 history points), and the window scrolling through the
//! chain, then showing the peer table and graph, then the Forks view (needs a display:
//! run it under xvfb-run).

use super::crowd::Crowd;
use super::{Row, start_peer, write_chain};
use anyhow::Context;
use blockpeer_core::chain::{Block, Chain, Generation};
use blockpeer_core::node::record::MAX_SIDE_BLOCKS;
use blockpeer_gui::{BenchPlan, Launch, LaunchOptions, Running};
use std::time::{Duration, Instant};

pub fn run(blocks: usize, peers: usize, frames: usize) -> anyhow::Result<Vec<Row>> {
    anyhow::ensure!(crate::window::display_available(), "bench gui needs a display: run it under xvfb-run");
    let tmp = tempfile::tempdir()?;
    let chain = write_chain(tmp.path(), blocks, Generation::Flood)?;
    let rivals = rivals(&chain, peers);
    let engine = start_peer(tmp.path(), None, Generation::Flood)?;
    let snapshot = engine.snapshot();
    let crowd = Crowd::start(engine.local_addr(), peers, snapshot.height, snapshot.tip.clone(), rivals)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let full = |s: &blockpeer_core::node::Snapshot| {
        s.peers.len() >= peers && s.record.side_blocks().len() >= MAX_SIDE_BLOCKS.min(peers * RIVALS_EACH as usize)
    };
    while !full(&engine.snapshot()) {
        let now = engine.snapshot();
        let (joined, side) = (now.peers.len(), now.record.side_blocks().len());
        anyhow::ensure!(Instant::now() < deadline, "only {joined} of {peers} peers joined, {side} side blocks");
        std::thread::sleep(Duration::from_millis(50));
    }
    let record = engine.snapshot().record.clone();
    let filled = [
        Row {
            key: "side_blocks",
            label: "record: side blocks",
            unit: "count",
            value: record.side_blocks().len() as f64,
            goal: "1 000 (its bound)",
        },
        Row {
            key: "history_points",
            label: "record: history points",
            unit: "count",
            value: record.history().total as f64,
            goal: "100 peers' (bound: 10 000)",
        },
    ];
    let (report, results) = crossbeam_channel::bounded(1);
    let running = Running {
        engine: std::sync::Arc::new(engine),
        web_url: None,
        consensus_interval: Duration::from_secs(60),
        min_peers: 1,
        companions: Some(Box::new(crowd)),
        restart: None,
    };
    let options = LaunchOptions { log: None, view: None, bench: Some(BenchPlan { frames, report }) };
    crate::window::run(Launch::Running { running, options })?;
    let times = results.try_recv().context("the window closed before the benchmark finished")?;
    Ok(filled
        .into_iter()
        .chain(
            times
                .iter()
                .zip([
                    ("chain_mean_ms", "chain_p95_ms", "chain_cpu_ms"),
                    ("peers_mean_ms", "peers_p95_ms", "peers_cpu_ms"),
                    ("forks_mean_ms", "forks_p95_ms", "forks_cpu_ms"),
                ])
                .flat_map(|(t, (mean, p95, cpu))| {
                    [
                        Row { key: mean, label: t.phase, unit: "mean ms/frame", value: t.mean_ms, goal: "≤ 16" },
                        Row { key: p95, label: t.phase, unit: "p95 ms/frame", value: t.p95_ms, goal: "≤ 16" },
                        Row { key: cpu, label: t.phase, unit: "UI thread ms/frame", value: t.cpu_ms, goal: "" },
                    ]
                }),
        )
        .collect())
}

/// Rivals each member of the crowd announces: a share of the record's points each.
const RIVALS_EACH: u64 = 100;

/// `RIVALS_EACH` rivals of `chain`'s newest blocks for each of `peers` members, each
/// member's higher than its last (so that each is a new tip it reports: a history point).
fn rivals(chain: &Chain, peers: usize) -> Vec<Vec<Block>> {
    let span = 3 * RIVALS_EACH;
    let first = chain.len().saturating_sub(span).max(1);
    (0..peers)
        .map(|member| {
            (0..RIVALS_EACH)
                .map(|i| first + 3 * i + member as u64 % 3)
                .filter(|&height| height < chain.len())
                .map(|height| blockpeer_core::testing::rival_block(chain, height, &format!("m{member}h{height}")))
                .collect()
        })
        .collect()
}
