//! `blockpeer bench scale`: networks of 10 to 1,000 Blockpeers on SimNet (virtual time,
//! campus-network loss and latency, one miner), what each costs per peer, and how
//! fast blocks and newcomers get through (docs/SCALE.md). Each size runs in a fresh
//! process with a wall-clock budget; a size that cannot finish in it is stopped, and
//! its figures are extrapolated from the two largest sizes that did.

mod chart;
mod child;
mod table;

pub use child::{ChildArgs, run as child};

use anyhow::Context;
use blockpeer_core::chain::Generation;
use blockpeer_core::testing::scale::{Rates, ScaleParams};
use child::Measured;
use std::path::PathBuf;
use std::process::Command;

/// The sizes run when none is asked for.
const DEFAULT_SIZES: [u16; 5] = [10, 30, 100, 300, 1000];

/// What `bench scale` was asked.
#[derive(Debug, clap::Args)]
pub struct ScaleArgs {
    /// Network sizes to run, e.g. `--peers 1000` or `--peers 10,100` (default 10, 30, 100, 300, 1000).
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u16).range(2..=50_000))]
    pub peers: Vec<u16>,
    /// Virtual minutes measured after one minute of warm-up.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub minutes: u32,
    /// Seed of the network's loss and latency and the peers' random numbers.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The protocol generation every peer speaks: flood or gossip.
    #[arg(long, default_value_t = Generation::Flood)]
    pub protocol: Generation,
    /// Percentage of datagrams the simulated network loses.
    #[arg(long, default_value_t = 1.0, value_parser = loss_percent)]
    pub loss: f64,
    /// Blocks spread by the miner's ANNOUNCE alone, as before issue 21: no relays, no
    /// repairs, no tip probes (for before/after comparisons).
    #[arg(long)]
    pub announce_only: bool,
    /// Threads the simulation runs on (default: one per core; any number gives the same
    /// figures).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    /// Wall-clock seconds one size may run before it is stopped and extrapolated.
    #[arg(long, default_value_t = 120.0)]
    pub budget: f64,
    /// Also draw cost per peer against network size into this SVG file.
    #[arg(long)]
    pub chart: Option<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// One network size: what its run measured, and (when the run was stopped) the
/// figures extrapolated for it.
pub struct Size {
    /// The run.
    pub measured: Measured,
    /// The full run's figures, extrapolated, when the run did not finish.
    pub extrapolated: Option<Estimate>,
}

/// A size's figures estimated from two smaller ones: each grows as N^k between them.
#[derive(Debug, serde::Serialize)]
pub struct Estimate {
    /// Traffic per peer per minute.
    pub per_peer: Rates,
    /// Memory per node in KiB.
    pub rss_per_node_kib: f64,
    /// Wall seconds the whole run would take at the stopped run's datagram rate.
    pub wall_s: f64,
    /// The exponent k of datagrams in per peer.
    pub exponent: f64,
}

/// Runs every size and prints the tables (or JSON); draws the chart if asked.
pub fn run(args: &ScaleArgs) -> anyhow::Result<()> {
    let mut sizes: Vec<u16> = if args.peers.is_empty() { DEFAULT_SIZES.to_vec() } else { args.peers.clone() };
    sizes.sort_unstable();
    sizes.dedup();
    let mut done: Vec<Size> = Vec::new();
    for peers in sizes {
        eprintln!("bench scale: {peers} peers…");
        let measured = spawn(peers, args)?;
        let extrapolated = (!measured.report.finished).then(|| estimate(&done, &measured, args.minutes)).flatten();
        done.push(Size { measured, extrapolated });
    }
    if args.json {
        let rows: Vec<serde_json::Value> = done
            .iter()
            .map(|s| serde_json::json!({ "measured": s.measured, "extrapolated": s.extrapolated }))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
    } else {
        print!("{}", table::render(&done, &params_line(args)));
    }
    if let Some(path) = &args.chart {
        std::fs::write(path, chart::svg(&done, args.protocol))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("bench scale: chart written to {}", path.display());
    }
    Ok(())
}

/// The threads asked for, or one per core.
fn threads(args: &ScaleArgs) -> usize {
    args.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from)
}

/// A loss percentage, 0 to 100.
fn loss_percent(text: &str) -> Result<f64, String> {
    let loss: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=100.0).contains(&loss) { Ok(loss) } else { Err("a percentage from 0 to 100".into()) }
}

/// The scenario's settings in one line.
fn params_line(args: &ScaleArgs) -> String {
    let p = ScaleParams::campus(2, args.minutes, args.seed);
    format!(
        "SimNet, {} generation{}: {} % loss, {}–{} ms one-way latency, one miner (a block every {} s on \
         average), a {}-block chain; {} virtual minutes measured after 1 minute of warm-up; seed {}. CPU: {}; \
         SimNet on {} threads.",
        args.protocol.join_type(),
        if args.announce_only { ", blocks spread by the miner's ANNOUNCE alone" } else { "" },
        args.loss,
        p.latency.0.as_millis(),
        p.latency.1.as_millis(),
        p.block_time.as_secs(),
        p.chain_blocks,
        args.minutes,
        args.seed,
        super::cpu(),
        threads(args),
    )
}

/// Runs one size in a fresh process (`bench scale-child`).
fn spawn(peers: u16, args: &ScaleArgs) -> anyhow::Result<Measured> {
    let output = Command::new(std::env::current_exe()?)
        .args(["bench", "scale-child", "--peers", &peers.to_string(), "--minutes", &args.minutes.to_string()])
        .args(["--seed", &args.seed.to_string(), "--budget", &args.budget.to_string()])
        .args(["--protocol", args.protocol.name(), "--loss", &args.loss.to_string()])
        .args(args.announce_only.then_some("--announce-only"))
        .args(["--threads", &threads(args).to_string()])
        .output()?;
    anyhow::ensure!(output.status.success(), "{peers} peers failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).with_context(|| format!("the report of {peers} peers"))
}

/// Extrapolates a stopped run from the two largest finished sizes below it.
fn estimate(done: &[Size], stopped: &Measured, minutes: u32) -> Option<Estimate> {
    let finished: Vec<&Measured> = done.iter().map(|s| &s.measured).filter(|m| m.report.finished).collect();
    let [.., a, b] = finished.as_slice() else {
        return None;
    };
    let (ra, rb) = (a.report.per_peer?, b.report.per_peer?);
    let (na, nb, n) = (a.report.peers as f64, b.report.peers as f64, stopped.report.peers as f64);
    let grow = |fa: f64, fb: f64| fb * (n / nb).powf((fb / fa).ln() / (nb / na).ln());
    let per_peer = Rates {
        datagrams_in: grow(ra.datagrams_in, rb.datagrams_in),
        datagrams_out: grow(ra.datagrams_out, rb.datagrams_out),
        bytes_in: grow(ra.bytes_in, rb.bytes_in),
        bytes_out: grow(ra.bytes_out, rb.bytes_out),
    };
    // Datagrams of the whole run (the warm-up counted as one more minute) at the rate
    // the stopped run delivered them.
    let rate = stopped.report.datagrams_delivered as f64 / stopped.wall_s.max(1e-9);
    let rate = if rate > 0.0 { rate } else { b.report.datagrams_delivered as f64 / b.wall_s };
    Some(Estimate {
        per_peer,
        rss_per_node_kib: grow(a.rss_per_node_kib, b.rss_per_node_kib),
        wall_s: per_peer.datagrams_in * n * f64::from(minutes + 1) / rate,
        exponent: (rb.datagrams_in / ra.datagrams_in).ln() / (nb / na).ln(),
    })
}
