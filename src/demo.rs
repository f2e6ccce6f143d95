//! `blockpeer --demo N` (and the dialog's *Try a local demo network*): this peer plus
//! N local peers on 127.0.0.1, in-process, with temporary data, a low difficulty and
//! short intervals. One of them mines from words it feeds itself every few seconds,
//! so within seconds the peer graph fills and blocks arrive — headless or windowed.

use crate::cli::PeerArgs;
use anyhow::Context;
use blockpeer_core::chain::Generation;
use blockpeer_core::engine::{EngineConfig, EngineHandle, start};
use blockpeer_core::node::Config;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;
use tempfile::TempDir;

/// Trailing zeros of the demo network: a block takes a CPU a few milliseconds.
pub const DIFFICULTY: u32 = 4;
/// Peers the dialog's demo starts besides this one.
pub const DIALOG_PEERS: u8 = 4;
/// Names of the other peers (the first one mines).
const NAMES: [&str; 16] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
    "peggy", "rupert", "sybil",
];

/// A running demo network.
pub struct Demo {
    /// This peer.
    pub own: EngineHandle,
    /// This peer's settings.
    pub config: Config,
    /// The other peers and the data they keep.
    pub others: Others,
}

/// The demo's other peers; dropping this stops them and deletes their data.
pub struct Others {
    /// Field order matters: the engines stop before their folders are removed.
    engines: Vec<EngineHandle>,
    _dirs: Vec<TempDir>,
}

impl Others {
    /// Their names, the miner first.
    pub fn names(&self) -> &'static [&'static str] {
        &NAMES[..self.engines.len()]
    }
}

/// Starts this peer (named and mining as `args` say) and `count` more.
pub fn start_demo(count: u8, args: &PeerArgs) -> anyhow::Result<Demo> {
    let own_dir = tempfile::Builder::new().prefix("blockpeer-demo-").tempdir()?;
    // The demo is FLOOD unless `--protocol gossip` asks for the other generation.
    let generation = args.protocol.generation().unwrap_or_default();
    let mut config = demo_config(args.name.clone().unwrap_or_else(|| "you".to_owned()), None, generation)?;
    if args.mine {
        feed_words(&mut config);
    }
    let own = start_peer(&config, own_dir.path().into(), args.threads.map_or(1, usize::from))?;
    let mut known = vec![own.local_addr()];
    let (mut engines, mut dirs) = (Vec::new(), vec![own_dir]);
    for (i, name) in NAMES.iter().take(usize::from(count)).enumerate() {
        // Each joins through an earlier peer, so the FLOODs they forward draw a tree.
        let via = SocketAddr::from((Ipv4Addr::LOCALHOST, known[i / 2].port()));
        let mut peer = demo_config((*name).to_owned(), Some(via), generation)?;
        if i == 0 {
            feed_words(&mut peer);
        }
        let dir = tempfile::Builder::new().prefix("blockpeer-demo-").tempdir()?;
        // Its threads log in this span: the terminal shows only their warnings.
        let span = tracing::info_span!(crate::logging::QUIET_SPAN, peer = name);
        let engine = span.in_scope(|| start_peer(&peer, dir.path().into(), 1))?;
        known.push(engine.local_addr());
        engines.push(engine);
        dirs.push(dir);
    }
    Ok(Demo { own, config, others: Others { engines, _dirs: dirs } })
}

/// Makes `config` mine, from 5 words of its own every few seconds.
fn feed_words(config: &mut Config) {
    config.mining = true;
    config.word_interval = Duration::from_secs(3);
}

/// A demo peer's settings: a free port, fast timers, a low difficulty.
fn demo_config(name: String, well_known: Option<SocketAddr>, generation: Generation) -> anyhow::Result<Config> {
    let port = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|s| s.local_addr())
        .context("cannot find a free UDP port on 127.0.0.1")?
        .port();
    let mut config = Config::new(name, "127.0.0.1", port);
    config.well_known = well_known;
    config.difficulty = DIFFICULTY;
    config.flood_interval = Duration::from_secs(3);
    config.peer_timeout = Duration::from_secs(12);
    config.consensus_interval = Duration::from_secs(5);
    config.min_peers = 1;
    config.startup_delay = Duration::from_millis(500);
    config.stats_wait = Duration::from_millis(500);
    config.seed = u64::from(port);
    config.generation = generation;
    Ok(config)
}

fn start_peer(config: &Config, data_dir: std::path::PathBuf, threads: usize) -> anyhow::Result<EngineHandle> {
    let bind = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
    start(EngineConfig { node: config.clone(), bind, data_dir, threads, cuda: false, detect: false })
        .with_context(|| format!("cannot start the demo peer {}", config.name))
}
