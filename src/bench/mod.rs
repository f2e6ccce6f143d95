//! `blockpeer bench …`: measurements behind docs/PERFORMANCE.md, printed as a table
//! (or JSON with `--json`). Peers run in-process on 127.0.0.1 with temporary data.

mod crowd;
mod devtools;
mod gui;
mod launch;
mod load;
mod record;
mod scale;
mod serve;
mod sync;
mod web;

use anyhow::Context;
use blockpeer_core::chain::{Chain, ChainStore, Generation, Limits};
use blockpeer_core::engine::{EngineConfig, EngineHandle, StartError, start};
use blockpeer_core::node::Config;
use clap::Subcommand;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::path::Path;
use std::time::Duration;

/// The benchmarks.
#[derive(Debug, Subcommand)]
pub enum Bench {
    /// Hashes per second of the Python program's method, the midstate method and ours.
    Mine {
        /// Threads for the multi-threaded rows (default: every core).
        #[arg(long)]
        threads: Option<usize>,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Measure the CUDA miner (device 0) instead of the CPU's.
        #[arg(long)]
        cuda: bool,
        /// The protocol generation of the job (GOSSIP hashes 8 more bytes: the time).
        #[arg(long, default_value = "flood")]
        protocol: Generation,
        /// Print JSON (figures in hashes per second) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A fresh peer fetches a chain from three peers over loopback.
    Sync {
        /// Blocks in the chain.
        #[arg(long, default_value_t = 10_000)]
        blocks: usize,
        /// The protocol generation of the peers and their chain.
        #[arg(long, default_value = "flood")]
        protocol: Generation,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// STATS answered per second by one peer.
    Serve {
        /// Seconds to measure.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Client threads (each with its own socket and 64 requests in flight).
        #[arg(long, default_value_t = 2)]
        clients: usize,
        /// The protocol generation of the peer and its chain.
        #[arg(long, default_value = "flood")]
        protocol: Generation,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Start-up load and validation of a long chain, and the peer's memory.
    Load {
        /// Blocks in the chain.
        #[arg(long, default_value_t = 100_000)]
        blocks: usize,
        /// The protocol generation of the chain.
        #[arg(long, default_value = "flood")]
        protocol: Generation,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The web page: /api/status requests per second, and the time headless Chromium
    /// takes to show the newest 100 blocks of a long chain.
    Web {
        /// Blocks in the chain.
        #[arg(long, default_value_t = 100_000)]
        blocks: usize,
        /// Seconds to measure /api/status.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Client threads, each with one keep-alive connection.
        #[arg(long, default_value_t = 2)]
        clients: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Frame times of the window with a long chain and many peers (needs a display:
    /// run it under xvfb-run).
    Gui {
        /// Blocks in the chain.
        #[arg(long, default_value_t = 100_000)]
        blocks: usize,
        /// Peers around it (each also announces rivals of its blocks, filling the
        /// record of forks and history).
        #[arg(long, default_value_t = 100)]
        peers: usize,
        /// Frames measured per view.
        #[arg(long, default_value_t = 300)]
        frames: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Launch to first frame: the binary started as the desktop's menu starts it (no
    /// arguments), timed until its window shows the start/join dialog (needs a display:
    /// run it under xvfb-run).
    Launch {
        /// The binary to launch (default: this one), e.g. an installed /usr/bin/blockpeer.
        #[arg(long, value_name = "PATH")]
        binary: Option<std::path::PathBuf>,
        /// Launches measured.
        #[arg(long, default_value_t = 5)]
        launches: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// What the record of forks costs at its bounds: memory, a snapshot, its JSON.
    Record {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Networks of 10 to 1,000 peers on SimNet (virtual time, campus loss and latency, one
    /// miner): traffic per peer, block spread, a newcomer's join, memory (docs/SCALE.md).
    Scale(scale::ScaleArgs),
    /// Internal: load the chain in DIR in a fresh process and report (used by `load`).
    #[command(hide = true)]
    LoadChild {
        /// The data directory.
        dir: std::path::PathBuf,
        /// The protocol generation of its chain.
        #[arg(long)]
        protocol: Generation,
    },
    /// Internal: run one size of `scale` in a fresh process and report as JSON.
    #[command(hide = true)]
    ScaleChild(scale::ChildArgs),
}

/// Runs one benchmark.
pub fn run(bench: Bench) -> anyhow::Result<()> {
    let (rows, json) = match bench {
        Bench::Mine { cuda: true, seconds, json, protocol, .. } => {
            let report = blockpeer_core::miner::run_cuda_bench(seconds, protocol)
                .map_err(|e| anyhow::anyhow!("CUDA mining unavailable: {e}"))?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print!("{}", report.table());
            }
            return Ok(());
        }
        Bench::Mine { threads, seconds, json, protocol, cuda: false } => {
            let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let report = blockpeer_core::miner::run_bench(threads, seconds, protocol);
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print!("{}", report.table());
            }
            return Ok(());
        }
        Bench::Sync { blocks, protocol, json } => (sync::run(blocks, protocol)?, json),
        Bench::Serve { seconds, clients, protocol, json } => (serve::run(seconds, clients, protocol)?, json),
        Bench::Load { blocks, protocol, json } => (load::run(blocks, protocol)?, json),
        Bench::Web { blocks, seconds, clients, json } => (web::run(blocks, seconds, clients)?, json),
        Bench::Gui { blocks, peers, frames, json } => (gui::run(blocks, peers, frames)?, json),
        Bench::Launch { binary, launches, json } => (launch::run(binary, launches)?, json),
        Bench::LoadChild { dir, protocol } => return load::child(&dir, protocol),
        Bench::Record { json } => (record::run()?, json),
        Bench::Scale(args) => return scale::run(&args),
        Bench::ScaleChild(args) => return scale::child(&args),
    };
    if json {
        let object: serde_json::Map<String, serde_json::Value> =
            rows.iter().map(|r| (r.key.to_owned(), serde_json::json!(r.value))).collect();
        println!("{}", serde_json::Value::Object(object));
    } else {
        println!("{}", cpu());
        println!("{:<44} {:>14}  goal", "measure", "value");
        for row in &rows {
            println!("{:<44} {:>14.1}  {}", format!("{} ({})", row.label, row.unit), row.value, row.goal);
        }
    }
    Ok(())
}

/// One measured figure.
pub struct Row {
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    value: f64,
    goal: &'static str,
}

/// Difficulty of benchmark chains: cheap to make, validated like any other.
const BENCH_DIFFICULTY: u32 = 1;

/// Writes a valid `blocks`-block chain of `generation` into `dir`'s chain file.
fn write_chain(dir: &Path, blocks: usize, generation: Generation) -> anyhow::Result<Chain> {
    let chain = blockpeer_core::testing::chain_of_generation(generation, blocks, BENCH_DIFFICULTY, "bench");
    let (mut store, _, _) = ChainStore::open(dir, Limits::of(generation, BENCH_DIFFICULTY))?;
    store.save(chain.blocks(), 0)?;
    Ok(chain)
}

/// A free UDP port on loopback.
fn free_port() -> std::io::Result<u16> {
    Ok(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// Starts an in-process peer of `generation` on 127.0.0.1 with fast timers.
fn start_peer(dir: &Path, well_known: Option<SocketAddr>, generation: Generation) -> Result<EngineHandle, StartError> {
    let port = free_port().map_err(StartError::Thread)?;
    let mut node = Config::new(format!("bench{port}"), "127.0.0.1", port);
    node.difficulty = BENCH_DIFFICULTY;
    node.well_known = well_known;
    node.startup_delay = Duration::from_millis(300);
    node.stats_wait = Duration::from_millis(200);
    node.min_peers = 1;
    node.rate_per_source = 1_000_000;
    node.seed = u64::from(port);
    node.generation = generation;
    start(EngineConfig {
        node,
        bind: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        data_dir: dir.to_path_buf(),
        threads: 1,
        cuda: false,
        detect: false,
    })
}

/// A figure in KiB from this process's /proc/self/status (`VmRSS`, `VmHWM`, …).
fn proc_status_kb(field: &str) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("no {field} in /proc/self/status"))
}

/// The CPU's model name from /proc/cpuinfo and the cores this process may use.
fn cpu() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| Some(l.strip_prefix("model name")?.split_once(':')?.1.trim().to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{model}, {cores} cores")
}
