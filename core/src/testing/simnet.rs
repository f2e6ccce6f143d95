//! SimNet: many Nodes on one virtual clock, joined by a network with seeded loss,
//! latency (and so reordering) and duplication. Runs are reproducible for a given seed.
//!
//! Each step handles the earliest thing due: a datagram's arrival (a min-heap by arrival
//! time) or a node's deadline (a min-heap of each node's next timer or mined block,
//! refreshed after every input the node handles), so a step costs O(log N) plus the
//! node's own work. Every datagram is counted per node and message type (`traffic`).

use super::deadlines::Deadlines;
use super::flight::{Datagram, InFlight};
use super::mine_naive;
use super::traffic::{self, ByKind, Kinds};
use crate::chain::Chain;
use crate::miner::Job;
use crate::node::{Command, Config, Event, Input, Node, Output};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Rewrites (or drops, by returning `false`) a datagram a misbehaving node sends.
pub type Tamper = Box<dyn FnMut(&mut Vec<u8>) -> bool>;

/// Steps at one virtual instant after which the network is taken to be livelocked.
const LIVELOCK_STEPS: u64 = 10_000_000;

/// One node of a SimNet.
pub struct SimNode {
    /// The peer itself.
    pub node: Node,
    /// Offline nodes neither send nor receive.
    pub online: bool,
    /// Applied to everything this node sends.
    pub tamper: Option<Tamper>,
    addr: SocketAddr,
    job: Option<(Instant, Job)>,
    traffic: ByKind,
}

/// What happened to the datagrams the nodes sent, network-wide.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetStats {
    /// Datagrams the nodes sent (after tampering).
    pub sent: u64,
    /// Copies the network lost.
    pub lost: u64,
    /// Extra copies the network made.
    pub duplicated: u64,
    /// Copies a node received.
    pub delivered: u64,
    /// Copies that arrived at an address with no node, or an offline one.
    pub undeliverable: u64,
}

/// Many nodes on one virtual clock, joined by a network with seeded loss, latency
/// (and so reordering) and duplication. Runs are reproducible for a given seed.
pub struct SimNet {
    now: Instant,
    start: Instant,
    nodes: Vec<SimNode>,
    index: BTreeMap<SocketAddr, usize>,
    flight: InFlight,
    deadlines: Deadlines,
    /// Nodes lent out by `sim_node`, whose deadline may have changed.
    dirty: Vec<usize>,
    kinds: Kinds,
    rng: fastrand::Rng,
    stats: NetStats,
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
    /// One side of a partition: datagrams between it and the rest are lost.
    partition: Option<BTreeSet<SocketAddr>>,
}

impl SimNet {
    /// An empty, lossless network with 1–5 ms latency.
    pub fn new(seed: u64) -> Self {
        let now = Instant::now();
        Self {
            now,
            start: now,
            nodes: Vec::new(),
            index: BTreeMap::new(),
            flight: InFlight::default(),
            deadlines: Deadlines::default(),
            dirty: Vec::new(),
            kinds: Kinds::default(),
            rng: fastrand::Rng::with_seed(seed),
            stats: NetStats::default(),
            loss: 0.0,
            duplicate: 0.0,
            latency: (Duration::from_millis(1), Duration::from_millis(5)),
            block_time: Duration::from_secs(10),
            events: Vec::new(),
            names: BTreeMap::new(),
            partition: None,
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
        let sim = SimNode { node, online: true, tamper: None, addr, job: None, traffic: ByKind::new() };
        let i = match self.index.get(&addr) {
            Some(&i) => {
                self.nodes[i] = sim;
                i
            }
            None => {
                self.nodes.push(sim);
                self.index.insert(addr, self.nodes.len() - 1);
                self.nodes.len() - 1
            }
        };
        self.settle(i);
        addr
    }

    /// The node at `addr`.
    pub fn node(&self, addr: SocketAddr) -> &Node {
        &self.nodes[self.index[&addr]].node
    }

    /// The simulated node at `addr`, to change its behaviour.
    pub fn sim_node(&mut self, addr: SocketAddr) -> &mut SimNode {
        let i = *self.index.get(&addr).expect("a node of this SimNet");
        self.dirty.push(i);
        &mut self.nodes[i]
    }

    /// All node addresses, in order.
    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.index.keys().copied().collect()
    }

    /// The virtual time now.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Virtual time since the SimNet started.
    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// What `addr` sent and received so far, by message type.
    pub fn traffic(&self, addr: SocketAddr) -> &ByKind {
        &self.nodes[self.index[&addr]].traffic
    }

    /// What happened to the datagrams sent so far, network-wide.
    pub fn stats(&self) -> NetStats {
        self.stats
    }

    /// Gives `addr` a command now.
    pub fn command(&mut self, addr: SocketAddr, command: Command) {
        let i = self.index[&addr];
        self.nodes[i].node.handle_input(self.now, Input::Command(command));
        self.settle(i);
    }

    /// Delivers `bytes` to `to` as if sent from `from`, now.
    pub fn inject(&mut self, to: SocketAddr, from: SocketAddr, bytes: Vec<u8>) {
        if let Some(&i) = self.index.get(&to) {
            let kind = self.kinds.of(&bytes);
            self.deliver(i, Datagram { to, from, kind, bytes });
        }
    }

    /// Splits the network in two: datagrams between `side` and the other nodes are lost
    /// (counted as lost) until [`SimNet::heal`].
    pub fn partition(&mut self, side: impl IntoIterator<Item = SocketAddr>) {
        self.partition = Some(side.into_iter().collect());
    }

    /// Ends a partition.
    pub fn heal(&mut self) {
        self.partition = None;
    }

    /// Runs the network for `duration` of virtual time.
    pub fn run_for(&mut self, duration: Duration) {
        let end = self.now + duration;
        for i in std::mem::take(&mut self.dirty) {
            self.refresh(i);
        }
        let mut steps_now: u64 = 0;
        loop {
            let next_datagram = self.flight.next_arrival();
            let next_node = self.deadlines.next();
            let next = [next_datagram, next_node.map(|(t, _)| t)].into_iter().flatten().min();
            match next {
                Some(t) if t <= end => {
                    steps_now = if t > self.now { 0 } else { steps_now + 1 };
                    assert!(steps_now < LIVELOCK_STEPS, "SimNet livelock at {:?}", self.elapsed());
                    self.now = self.now.max(t);
                }
                _ => {
                    self.now = end;
                    return;
                }
            }
            if next_datagram.is_some_and(|t| t <= self.now) {
                let Some(datagram) = self.flight.pop() else {
                    continue;
                };
                match self.index.get(&datagram.to).copied().filter(|i| self.nodes[*i].online) {
                    Some(i) => self.deliver(i, datagram),
                    None => self.stats.undeliverable += 1,
                }
            } else if let Some((_, i)) = next_node {
                self.step_node(i);
            }
        }
    }

    /// Hands node `i` a datagram now.
    fn deliver(&mut self, i: usize, Datagram { from, kind, bytes, .. }: Datagram) {
        self.stats.delivered += 1;
        let sim = &mut self.nodes[i];
        traffic::record(&mut sim.traffic, kind, bytes.len(), true);
        sim.node.handle_input(self.now, Input::Datagram { from, bytes });
        self.settle(i);
    }

    /// Node `i`'s deadline has come: its miner found a block, or a timer is due.
    fn step_node(&mut self, i: usize) {
        let now = self.now;
        let sim = &mut self.nodes[i];
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
        self.settle(i);
    }

    /// After node `i` handled something: moves its outputs into the network and
    /// refreshes its deadline.
    fn settle(&mut self, i: usize) {
        self.drain(i);
        self.refresh(i);
    }

    fn refresh(&mut self, i: usize) {
        let sim = &self.nodes[i];
        let mined = sim.job.as_ref().map(|(t, _)| *t);
        let next = [mined, sim.node.poll_timeout()].into_iter().flatten().min();
        self.deadlines.set(i, sim.addr, next);
    }

    /// Moves node `i`'s outputs into the network.
    fn drain(&mut self, i: usize) {
        let now = self.now;
        let elapsed = self.elapsed();
        let sim = &mut self.nodes[i];
        let addr = sim.addr;
        let mut lookups = Vec::new();
        while let Some(output) = sim.node.poll_output() {
            match output {
                Output::Send { to, mut bytes } => {
                    if !sim.online || sim.tamper.as_mut().is_some_and(|t| !t(&mut bytes)) {
                        continue;
                    }
                    self.stats.sent += 1;
                    let kind = self.kinds.of(&bytes);
                    traffic::record(&mut sim.traffic, kind, bytes.len(), false);
                    if self.partition.as_ref().is_some_and(|side| side.contains(&addr) != side.contains(&to)) {
                        self.stats.lost += 1;
                        continue;
                    }
                    let copies = if self.rng.f64() < self.duplicate { 2 } else { 1 };
                    self.stats.duplicated += copies - 1;
                    for copy in 1..=copies {
                        if self.rng.f64() < self.loss {
                            self.stats.lost += 1;
                            continue;
                        }
                        let (lo, hi) = self.latency;
                        let delay = lo + (hi - lo).mul_f64(self.rng.f64());
                        let bytes = if copy == copies { std::mem::take(&mut bytes) } else { bytes.clone() };
                        self.flight.push(now + delay, Datagram { to, from: addr, kind, bytes });
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
            self.drain(i);
        }
    }
}
