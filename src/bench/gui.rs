//! The window's frame times with a long chain and many peers: a peer holding the
//! chain, a crowd of fake peers around it, and the window scrolling through the chain
//! and then showing the peer table and graph (needs a display: run it under xvfb-run).

use super::crowd::Crowd;
use super::{Row, start_peer, write_chain};
use anyhow::Context;
use blockpeer_core::chain::Generation;
use blockpeer_gui::{BenchPlan, Launch, LaunchOptions, Running};
use std::time::{Duration, Instant};

pub fn run(blocks: usize, peers: usize, frames: usize) -> anyhow::Result<Vec<Row>> {
    anyhow::ensure!(crate::window::display_available(), "bench gui needs a display: run it under xvfb-run");
    let tmp = tempfile::tempdir()?;
    write_chain(tmp.path(), blocks, Generation::Flood)?;
    let engine = start_peer(tmp.path(), None, Generation::Flood)?;
    let snapshot = engine.snapshot();
    let crowd = Crowd::start(engine.local_addr(), peers, snapshot.height, snapshot.tip.clone())?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while engine.snapshot().peers.len() < peers {
        anyhow::ensure!(Instant::now() < deadline, "only {} of {peers} peers joined", engine.snapshot().peers.len());
        std::thread::sleep(Duration::from_millis(50));
    }
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
    Ok(times
        .iter()
        .zip([("chain_mean_ms", "chain_p95_ms", "chain_cpu_ms"), ("peers_mean_ms", "peers_p95_ms", "peers_cpu_ms")])
        .flat_map(|(t, (mean, p95, cpu))| {
            [
                Row { key: mean, label: t.phase, unit: "mean ms/frame", value: t.mean_ms, goal: "≤ 16" },
                Row { key: p95, label: t.phase, unit: "p95 ms/frame", value: t.p95_ms, goal: "≤ 16" },
                Row { key: cpu, label: t.phase, unit: "UI thread ms/frame", value: t.cpu_ms, goal: "" },
            ]
        })
        .collect())
}
