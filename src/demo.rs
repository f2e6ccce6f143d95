//! `blockpeer --demo N` (and the dialog's *Try a local demo network*): this peer plus
//! N local peers on 127.0.0.1, in-process, with temporary data, a low difficulty and
//! short intervals. Two of them mine (one when N is 1) from words the demo sends them
//! as NEW_WORDs every few seconds, one miner at a time; every few rounds this peer and
//! one of them get a word at the same moment, so that their blocks collide: a fork that
//! consensus resolves, sometimes by taking this peer's block away (a reorganisation the
//! Forks view shows). Within seconds the peer graph fills and blocks arrive; within a
//! minute a fork appears and goes — headless or windowed.

use crate::cli::PeerArgs;
use anyhow::Context;
use blockpeer_core::chain::Generation;
use blockpeer_core::engine::{EngineConfig, EngineHandle, start};
use blockpeer_core::node::{Config, WORDS};
use blockpeer_core::protocol::Message;
use crossbeam_channel::{RecvTimeoutError, Sender, bounded};
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::thread::JoinHandle;
use std::time::Duration;
use tempfile::TempDir;

/// Trailing zeros of the demo network: a block takes a CPU microseconds, far less than
/// an ANNOUNCE takes to reach the other miner — so two miners given words at the same
/// moment both find a block at the same height: a fork.
pub const DIFFICULTY: u32 = 2;
/// Peers the dialog's demo starts besides this one.
pub const DIALOG_PEERS: u8 = 4;
/// The demo's miners: the first two of the other peers.
pub const MINERS: usize = 2;
/// How often a miner is given a word for a block.
const FEED_EVERY: Duration = Duration::from_secs(3);
/// Every this many feeds, this peer and a miner get a word at once: a race, mostly a fork.
const RACE_EVERY: u64 = 4;

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
    /// Field order matters: the words stop, then the engines, then their folders go.
    _feeder: Feeder,
    engines: Vec<EngineHandle>,
    _dirs: Vec<TempDir>,
}

impl Others {
    /// Their names, the miners first.
    pub fn names(&self) -> &'static [&'static str] {
        &NAMES[..self.engines.len()]
    }

    /// The names of the miners.
    pub fn miners(&self) -> &'static [&'static str] {
        &NAMES[..self.engines.len().min(MINERS)]
    }
}

/// Starts this peer (named and mining as `args` say) and `count` more.
pub fn start_demo(count: u8, args: &PeerArgs) -> anyhow::Result<Demo> {
    let own_dir = tempfile::Builder::new().prefix("blockpeer-demo-").tempdir()?;
    // The demo is FLOOD unless `--protocol gossip` asks for the other generation.
    let generation = args.protocol.generation().unwrap_or_default();
    let mut config = demo_config(args.name.clone().unwrap_or_else(|| "you".to_owned()), None, generation)?;
    // This peer mines the words of the races (and, with -m, words of its own).
    config.mining = true;
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
        // The demo's feeder gives the miners their words.
        peer.mining = i < MINERS;
        let dir = tempfile::Builder::new().prefix("blockpeer-demo-").tempdir()?;
        // Its threads log in this span: the terminal shows only their warnings.
        let span = tracing::info_span!(crate::logging::QUIET_SPAN, peer = name);
        let engine = span.in_scope(|| start_peer(&peer, dir.path().into(), 1))?;
        known.push(engine.local_addr());
        engines.push(engine);
        dirs.push(dir);
    }
    let miners = engines.iter().take(MINERS).map(EngineHandle::local_addr).collect();
    let feeder = Feeder::start(miners, own.local_addr(), generation)?;
    Ok(Demo { own, config, others: Others { _feeder: feeder, engines, _dirs: dirs } })
}

/// Sends the miners their words: a word to one miner every [`FEED_EVERY`], and every
/// [`RACE_EVERY`]-th time one to this peer and one to a miner at once. Stops when dropped.
struct Feeder {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Feeder {
    fn start(miners: Vec<SocketAddr>, own: SocketAddr, generation: Generation) -> anyhow::Result<Self> {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).context("cannot open the demo's word feeder")?;
        let (stop, stopped) = bounded::<()>(0);
        let thread = std::thread::Builder::new().name("demo-words".into()).spawn(move || {
            let mut rng = fastrand::Rng::with_seed(u64::from(generation == Generation::Gossip));
            for round in 1u64.. {
                if stopped.recv_timeout(FEED_EVERY) != Err(RecvTimeoutError::Timeout) {
                    return;
                }
                let miner = miners.get((round as usize) % miners.len().max(1)).copied();
                let mut targets: Vec<SocketAddr> = miner.into_iter().collect();
                if round % RACE_EVERY == 0 {
                    // Which of the two hears first varies, and so who wins where.
                    targets.insert(rng.usize(..=targets.len()), own);
                }
                // One word a block (each word makes a block at once at this difficulty);
                // in a race, one to each racer, back to back.
                for target in &targets {
                    let word = WORDS[rng.usize(..WORDS.len())].to_owned();
                    if let Err(error) = socket.send_to(&Message::NewWord { word }.encode(), target) {
                        tracing::debug!(%error, "the demo's word feeder could not send");
                    }
                }
            }
        })?;
        Ok(Self { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Feeder {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
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
