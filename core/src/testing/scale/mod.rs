//! The scale scenario (issue 13): a network of N Blockpeers on SimNet with campus-network
//! loss and latency, one of them mining, measured for M virtual minutes.
//!
//! Timeline: the peers join one by one through peer 0 (the well-known peer and the
//! miner) over the first 30 s, all holding the same `chain_blocks`-block chain; at 60 s
//! the measured window opens: peer 0 starts mining (a block every `block_time` on
//! average, words given to it as it needs them) and a fresh peer with no chain joins
//! through peer 0; the window runs M minutes. The run advances in steps of at most one
//! virtual second, so a caller can watch the wall clock between steps and stop it.

mod measure;
mod report;

pub use measure::{BLOCK_REACH_PERCENT, LEARN_PERCENT, Paths};
pub use report::{BlockSpread, Rates, ScaleReport};

use super::{ByKind, SimNet, chain_of_generation};
use crate::chain::{Chain, Generation, Limits};
use crate::node::{Command, Config, Traffic};
use measure::Measure;
use std::net::SocketAddr;
use std::time::Duration;

/// The peers join one by one over this long.
pub const JOIN_SPREAD: Duration = Duration::from_secs(30);
/// The measured window opens this long after the first peer started.
pub const WARM_UP: Duration = Duration::from_secs(60);
/// The longest single advance of the virtual clock.
const STEP: Duration = Duration::from_secs(1);
/// Difficulty of the scenario's chain (SimNet mines by the clock, not by hashing).
const DIFFICULTY: u32 = 1;
/// Words the miner holds beyond the block it mines: enough that feeding it never
/// changes its current job (which would restart its virtual search).
const WORDS_AHEAD: usize = 20;
/// Most peers: their ports are 9000 + i.
const MAX_PEERS: u16 = 50_000;

/// The settings of a scale run.
#[derive(Clone, Debug)]
pub struct ScaleParams {
    /// Peers in the network (the joining peer comes on top).
    pub peers: u16,
    /// Virtual minutes measured after the warm-up.
    pub minutes: u32,
    /// Seed of the network's loss and latency and of the peers' random numbers.
    pub seed: u64,
    /// Blocks every peer holds at the start (and the joining peer fetches).
    pub chain_blocks: usize,
    /// Probability that a datagram is lost.
    pub loss: f64,
    /// One-way latency range (uniform).
    pub latency: (Duration, Duration),
    /// Mean virtual time the miner needs for a block.
    pub block_time: Duration,
    /// The protocol generation every peer speaks (its join messages and its chain).
    pub generation: Generation,
    /// Blocks spread by the miner's ANNOUNCE alone, as before issue 21: no relays, no
    /// repairs, no tip probes (a missed ANNOUNCE waits for a consensus round).
    pub announce_only: bool,
    /// Threads SimNet runs the nodes on (the figures are the same on any number).
    pub threads: usize,
}

impl ScaleParams {
    /// A campus network of the FLOOD generation: 1 % loss, 1–20 ms one-way latency, a
    /// 1,000-block chain, a block every 10 s on average.
    pub fn campus(peers: u16, minutes: u32, seed: u64) -> Self {
        Self {
            peers,
            minutes,
            seed,
            chain_blocks: 1000,
            loss: 0.01,
            latency: (Duration::from_millis(1), Duration::from_millis(20)),
            block_time: Duration::from_secs(10),
            generation: Generation::Flood,
            announce_only: false,
            threads: 1,
        }
    }
}

/// The measured window: when it opened and the traffic counted until then.
#[derive(Debug)]
struct Window {
    start: Duration,
    network: ByKind,
    per_peer: Vec<Traffic>,
}

/// A scale run in progress.
pub struct ScaleRun {
    params: ScaleParams,
    sim: SimNet,
    chain: Chain,
    added: u16,
    measure: Measure,
    window: Option<Window>,
    words: usize,
}

impl ScaleRun {
    /// A run of `params`, not started. Panics beyond 50,000 peers (ports 9000 + i).
    pub fn new(params: ScaleParams) -> Self {
        assert!((2..=MAX_PEERS).contains(&params.peers), "2 to {MAX_PEERS} peers");
        let mut sim = SimNet::new(params.seed);
        sim.loss = params.loss;
        sim.latency = params.latency;
        sim.block_time = params.block_time;
        sim.threads = params.threads;
        let peers: Vec<SocketAddr> = (0..params.peers).map(SimNet::addr).collect();
        let chain = chain_of_generation(params.generation, params.chain_blocks, DIFFICULTY, "prof");
        let measure = Measure::new(&peers, peers[0], Self::joiner(&params), chain.len());
        Self { sim, chain, added: 0, measure, window: None, words: 0, params }
    }

    fn joiner(params: &ScaleParams) -> SocketAddr {
        SimNet::addr(params.peers)
    }

    /// The simulated network.
    pub fn sim(&self) -> &SimNet {
        &self.sim
    }

    /// The addresses of the network's peers (the joining peer not among them).
    pub fn peers(&self) -> impl Iterator<Item = SocketAddr> + use<> {
        (0..self.added).map(SimNet::addr)
    }

    /// When the run ends, in virtual time.
    pub fn end(&self) -> Duration {
        WARM_UP + Duration::from_secs(60) * self.params.minutes
    }

    /// Runs to the end.
    pub fn run(&mut self) -> ScaleReport {
        while self.step() {}
        self.report()
    }

    /// Advances the run by at most one virtual second; `false` once it has ended.
    pub fn step(&mut self) -> bool {
        let now = self.sim.elapsed();
        if now >= self.end() {
            return false;
        }
        while self.added < self.params.peers && self.join_time(self.added) <= now {
            let i = self.added;
            self.sim.add(self.config(i, (i > 0).then_some(0)), self.chain.clone());
            self.added += 1;
        }
        if self.window.is_none() && now >= WARM_UP {
            self.open_window();
        }
        let next_join = (self.added < self.params.peers).then(|| self.join_time(self.added));
        let stop = [Some(now + STEP), next_join, self.window.is_none().then_some(WARM_UP), Some(self.end())]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(now + STEP);
        self.sim.run_for(stop.saturating_sub(now));
        self.read_events();
        true
    }

    /// SimNet's settings for peer `i` joining through `well_known`, in the run's generation.
    fn config(&self, i: u16, well_known: Option<u16>) -> Config {
        let mut config = SimNet::config(i, well_known, DIFFICULTY);
        config.generation = self.params.generation;
        if self.params.announce_only {
            config.relay_fanout = 0;
            config.tip_probe_interval = None;
            config.repair_gap = 0;
        }
        config
    }

    fn join_time(&self, i: u16) -> Duration {
        JOIN_SPREAD * u32::from(i) / u32::from(self.params.peers)
    }

    /// Counts the traffic so far, starts the miner and lets the fresh peer join.
    fn open_window(&mut self) {
        let per_peer: Vec<Traffic> = self.peers().map(|a| self.sim.traffic(a).values().sum()).collect();
        self.window = Some(Window { start: self.sim.elapsed(), network: self.network_traffic(), per_peer });
        let miner = SimNet::addr(0);
        self.sim.command(miner, Command::SetMining(true));
        self.feed_miner(WORDS_AHEAD);
        let empty = Chain::new(Limits::of(self.params.generation, DIFFICULTY));
        let joiner = self.sim.add(self.config(self.params.peers, Some(0)), empty);
        self.measure.joined(self.sim.elapsed(), self.sim.node(joiner).known_peers().len());
    }

    fn feed_miner(&mut self, count: usize) {
        let words = (self.words..self.words + count).map(|i| format!("word{i}")).collect();
        self.words += count;
        self.sim.command(SimNet::addr(0), Command::AddWords(words));
    }

    fn read_events(&mut self) {
        for (at, addr, event) in std::mem::take(&mut self.sim.events) {
            if self.measure.event(at, addr, &event) {
                self.feed_miner(self.chain.limits().max_messages);
            }
        }
    }

    /// Traffic of all the network's peers together, by message type.
    fn network_traffic(&self) -> ByKind {
        let mut sum = ByKind::new();
        for addr in self.peers() {
            for (kind, t) in self.sim.traffic(addr) {
                let entry = sum.entry(kind).or_default();
                *entry = [*entry, *t].iter().sum();
            }
        }
        sum
    }
}
