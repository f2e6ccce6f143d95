//! One network size of `bench scale`, in a fresh process so that its memory is its own:
//! runs the scenario until it ends or the wall-clock budget is spent, and prints what
//! it measured as one JSON object.

use super::super::proc_status_kb;
use blockpeer_core::chain::Generation;
use blockpeer_core::testing::scale::{ScaleParams, ScaleReport, ScaleRun};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// What one size's process measured.
#[derive(Debug, Serialize, Deserialize)]
pub struct Measured {
    /// The scenario's figures (partial when the budget ran out).
    pub report: ScaleReport,
    /// Wall-clock seconds the run took.
    pub wall_s: f64,
    /// Growth of the resident set while the network ran, per node (the joining one
    /// included), in KiB: the nodes' state and their share of the datagrams in flight.
    /// The starting chain, built before and shared by all nodes, is not in it.
    pub rss_per_node_kib: f64,
    /// The process's peak resident set, in MiB.
    pub peak_rss_mib: f64,
}

/// What one size's process is asked to run.
#[derive(Debug, clap::Args)]
pub struct ChildArgs {
    /// Peers in the network.
    #[arg(long)]
    pub peers: u16,
    /// Virtual minutes measured.
    #[arg(long)]
    pub minutes: u32,
    /// The seed.
    #[arg(long)]
    pub seed: u64,
    /// The protocol generation.
    #[arg(long)]
    pub protocol: Generation,
    /// Wall-clock seconds before the run is stopped.
    #[arg(long)]
    pub budget: f64,
    /// Percentage of datagrams lost.
    #[arg(long)]
    pub loss: f64,
    /// Blocks spread by the miner's ANNOUNCE alone.
    #[arg(long)]
    pub announce_only: bool,
    /// Threads the simulation runs on.
    #[arg(long)]
    pub threads: usize,
}

/// Runs the size `args` asks for (until it ends or its budget of wall time is spent)
/// and prints the figures as JSON.
pub fn run(args: &ChildArgs) -> anyhow::Result<()> {
    let mut params = ScaleParams::campus(args.peers, args.minutes, args.seed);
    params.generation = args.protocol;
    params.loss = args.loss / 100.0;
    params.announce_only = args.announce_only;
    params.threads = args.threads;
    let mut run = ScaleRun::new(params);
    let rss_before = proc_status_kb("VmRSS")?;
    let started = Instant::now();
    let budget = Duration::from_secs_f64(args.budget);
    while started.elapsed() < budget && run.step() {}
    let wall_s = started.elapsed().as_secs_f64();
    let report = run.report();
    let nodes = f64::from(args.peers) + 1.0;
    let measured = Measured {
        rss_per_node_kib: (proc_status_kb("VmRSS")? - rss_before) / nodes,
        peak_rss_mib: proc_status_kb("VmHWM")? / 1024.0,
        wall_s,
        report,
    };
    println!("{}", serde_json::to_string(&measured)?);
    Ok(())
}
