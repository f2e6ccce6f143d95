//! Test support (feature `testing`): quick chain builders, SimNet — many Nodes on a virtual
//! clock with seeded loss and latency — and the CUDA kernel's reference searches (`cuda`).

pub mod cuda;
mod fuzz;
mod hostile;
mod script;

pub use fuzz::exercise_node;
pub use hostile::{exercise_decode, hostile_datagram, log_everything};
pub use script::Script;

use crate::chain::{Block, Chain, Generation, Limits};
use crate::miner::Job;

/// Mines the block for `job` with a plain, slow search from nonce 0 (for low test difficulties).
pub fn mine_naive(job: &Job) -> Block {
    (0u64..).find_map(|nonce| job.block_if_valid(&nonce.to_string())).expect("some nonce meets a test difficulty")
}

/// Unix seconds of the first block of a test chain of the GOSSIP generation; each
/// next block is a minute later.
pub const TEST_EPOCH: u64 = 1_700_000_000;

/// Extends `chain` by `count` blocks mined by `miner`, each carrying one word derived
/// from `tag` (and, in the GOSSIP generation, a timestamp a minute after its parent's).
pub fn extend_chain(chain: &mut Chain, count: usize, miner: &str, tag: &str) {
    for _ in 0..count {
        let height = chain.len();
        let job = Job {
            height,
            prev_hash: chain.tip().map(|b| b.hash.clone()),
            mined_by: miner.to_owned(),
            messages: vec![format!("{tag}{height}")],
            timestamp: chain.limits().generation.timestamped().then_some(TEST_EPOCH + 60 * height),
            difficulty: chain.limits().difficulty,
        };
        let block = mine_naive(&job);
        chain.append(block).expect("a freshly mined block validates");
    }
}

/// A valid FLOOD-generation chain of `len` blocks at `difficulty`.
pub fn chain_of(len: usize, difficulty: u32, miner: &str) -> Chain {
    chain_of_generation(Generation::Flood, len, difficulty, miner)
}

/// A valid chain of `generation` of `len` blocks at `difficulty`.
pub fn chain_of_generation(generation: Generation, len: usize, difficulty: u32, miner: &str) -> Chain {
    let mut chain = Chain::new(Limits::of(generation, difficulty));
    extend_chain(&mut chain, len, miner, "w");
    chain
}

use crate::node::{Command, Config, Event, Input, Node, Output};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Rewrites (or drops, by returning `false`) a datagram a misbehaving node sends.
pub type Tamper = Box<dyn FnMut(&mut Vec<u8>) -> bool>;

/// One node of a SimNet.
pub struct SimNode {
    /// The peer itself.
    pub node: Node,
    /// Offline nodes neither send nor receive.
    pub online: bool,
    /// Applied to everything this node sends.
    pub tamper: Option<Tamper>,
    job: Option<(Instant, crate::miner::Job)>,
}

/// A datagram in flight: (arrival, sequence, to, from, bytes).
type InFlight = Reverse<(Instant, u64, SocketAddr, SocketAddr, Vec<u8>)>;

/// Many nodes on one virtual clock, joined by a network with seeded loss, latency
/// (and so reordering) and duplication. Runs are reproducible for a given seed.
pub struct SimNet {
    now: Instant,
    nodes: BTreeMap<SocketAddr, SimNode>,
    queue: BinaryHeap<InFlight>,
    rng: fastrand::Rng,
    seq: u64,
    /// Probability that a datagram is lost.
    pub loss: f64,
    /// Probability that a datagram arrives twice.
    pub duplicate: f64,
    /// One-way latency range (uniform): a wide range reorders datagrams.
    pub latency: (Duration, Duration),
    /// Virtual time a miner needs for a block.
    pub block_time: Duration,
    /// Everything the nodes reported, in order.
    pub events: Vec<(Duration, SocketAddr, Event)>,
    /// The network's host names (lower case): a node's lookup is answered at once.
    pub names: BTreeMap<String, IpAddr>,
    start: Instant,
}

impl SimNet {
    /// An empty, lossless network with 1–5 ms latency.
    pub fn new(seed: u64) -> Self {
        let now = Instant::now();
        Self {
            now,
            nodes: BTreeMap::new(),
            queue: BinaryHeap::new(),
            rng: fastrand::Rng::with_seed(seed),
            seq: 0,
            loss: 0.0,
            duplicate: 0.0,
            latency: (Duration::from_millis(1), Duration::from_millis(5)),
            block_time: Duration::from_secs(10),
            events: Vec::new(),
            names: BTreeMap::new(),
            start: now,
        }
    }

    /// The address of the `i`-th node of a test.
    pub fn addr(i: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 9000 + i))
    }

    /// Default settings for node `i`, joining through `well_known` (if any), at
    /// `difficulty`, seeded from the node's number.
    pub fn config(i: u16, well_known: Option<u16>, difficulty: u32) -> Config {
        let mut config = Config::new(format!("node{i}"), "127.0.0.1", 9000 + i);
        config.well_known = well_known.map(Self::addr);
        config.difficulty = difficulty;
        config.seed = u64::from(i) + 1;
        config
    }

    /// Starts a node with `config` and `chain` now; returns its address.
    pub fn add(&mut self, config: Config, chain: Chain) -> SocketAddr {
        let addr = SocketAddr::from(([127, 0, 0, 1], config.port));
        let node = Node::new(config, chain, self.now);
        self.nodes.insert(addr, SimNode { node, online: true, tamper: None, job: None });
        self.drain(addr);
        addr
    }

    /// The node at `addr`.
    pub fn node(&self, addr: SocketAddr) -> &Node {
        &self.nodes[&addr].node
    }

    /// The simulated node at `addr`, to change its behaviour.
    pub fn sim_node(&mut self, addr: SocketAddr) -> &mut SimNode {
        self.nodes.get_mut(&addr).expect("a node of this SimNet")
    }

    /// All node addresses.
    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.nodes.keys().copied().collect()
    }

    /// The virtual time now.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Virtual time since the SimNet started.
    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// Gives `addr` a command now.
    pub fn command(&mut self, addr: SocketAddr, command: Command) {
        let now = self.now;
        self.sim_node(addr).node.handle_input(now, Input::Command(command));
        self.drain(addr);
    }

    /// Delivers `bytes` to `to` as if sent from `from`, now.
    pub fn inject(&mut self, to: SocketAddr, from: SocketAddr, bytes: Vec<u8>) {
        let now = self.now;
        if let Some(sim) = self.nodes.get_mut(&to) {
            sim.node.handle_input(now, Input::Datagram { from, bytes });
            self.drain(to);
        }
    }

    /// Runs the network for `duration` of virtual time.
    pub fn run_for(&mut self, duration: Duration) {
        let end = self.now + duration;
        let mut steps: u64 = 0;
        loop {
            steps += 1;
            assert!(steps < 50_000_000, "SimNet livelock at {:?}", self.elapsed());
            let next_datagram = self.queue.peek().map(|Reverse((t, ..))| *t);
            let next_node = self
                .nodes
                .iter()
                .flat_map(|(a, s)| {
                    let mined = s.job.as_ref().map(|(t, _)| (*t, *a));
                    let timer = s.node.poll_timeout().map(|t| (t, *a));
                    [mined, timer]
                })
                .flatten()
                .min();
            let next = [next_datagram, next_node.map(|(t, _)| t)].into_iter().flatten().min();
            match next {
                Some(t) if t <= end => self.now = self.now.max(t),
                _ => {
                    self.now = end;
                    return;
                }
            }
            if next_datagram.is_some_and(|t| t <= self.now) {
                let Some(Reverse((_, _, to, from, bytes))) = self.queue.pop() else {
                    continue;
                };
                let now = self.now;
                if let Some(sim) = self.nodes.get_mut(&to).filter(|s| s.online) {
                    sim.node.handle_input(now, Input::Datagram { from, bytes });
                    self.drain(to);
                }
            } else if let Some((_, addr)) = next_node {
                self.step_node(addr);
            }
        }
    }

    fn step_node(&mut self, addr: SocketAddr) {
        let now = self.now;
        let sim = self.nodes.get_mut(&addr).expect("a node of this SimNet");
        if let Some((at, job)) = sim.job.take() {
            if at <= now {
                let block = mine_naive(&job);
                sim.node.handle_input(now, Input::Mined(block));
            } else {
                sim.job = Some((at, job));
            }
        }
        if sim.node.poll_timeout().is_some_and(|t| t <= now) {
            sim.node.handle_timeout(now);
        }
        self.drain(addr);
    }

    /// Moves a node's outputs into the network.
    fn drain(&mut self, addr: SocketAddr) {
        let now = self.now;
        let elapsed = self.elapsed();
        let Some(sim) = self.nodes.get_mut(&addr) else {
            return;
        };
        let mut lookups = Vec::new();
        while let Some(output) = sim.node.poll_output() {
            match output {
                Output::Send { to, mut bytes } => {
                    if !sim.online || sim.tamper.as_mut().is_some_and(|t| !t(&mut bytes)) {
                        continue;
                    }
                    let copies = if self.rng.f64() < self.duplicate { 2 } else { 1 };
                    for _ in 0..copies {
                        if self.rng.f64() < self.loss {
                            continue;
                        }
                        let (lo, hi) = self.latency;
                        let delay = lo + (hi - lo).mul_f64(self.rng.f64());
                        self.seq += 1;
                        self.queue.push(Reverse((now + delay, self.seq, to, addr, bytes.clone())));
                    }
                }
                Output::MinerJob(job) => {
                    let at = now + self.block_time.mul_f64(0.5 + self.rng.f64());
                    sim.job = job.map(|j| (at, j));
                }
                Output::Resolve { host } => lookups.push(host),
                Output::ChainChanged { .. } => {}
                Output::Event(event) => self.events.push((elapsed, addr, event)),
            }
        }
        if !lookups.is_empty() {
            for host in lookups {
                let ip = self.names.get(&host.to_ascii_lowercase()).copied();
                sim.node.handle_input(now, Input::Resolved { host, ip });
            }
            self.drain(addr);
        }
    }
}
