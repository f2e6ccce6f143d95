//! SimNet: many Nodes on one virtual clock, joined by a network with seeded loss,
//! latency (and so reordering) and duplication. Runs are reproducible for a given seed,
//! and the same on any number of threads.
//!
//! Time advances in windows as long as the least latency: nothing a node sends can arrive
//! before the window ends, so what falls due at different nodes within it is independent
//! (conservative parallel discrete-event simulation; `parallel.rs`). Each node handles its
//! datagrams and deadlines of the window in time order (`window.rs`); the network's
//! randomness — loss, latency, duplication, its miner's times — comes from the node's own
//! generator; and datagrams are ordered by arrival, then sender, then the sender's own
//! count. Every datagram is counted per node and message type (`traffic`).

use super::TEST_EPOCH;
use super::deadlines::Deadlines;
use super::flight::{Datagram, InFlight};
use super::parallel::{self, Network};
use super::traffic::{self, ByKind};
use super::window::{Produced, Wire, deliver, drain};
use crate::chain::Chain;
use crate::miner::Job;
use crate::node::{Command, Config, Event, Input, Node};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Rewrites (or drops, by returning `false`) a datagram a misbehaving node sends.
pub type Tamper = Box<dyn FnMut(&mut Vec<u8>) -> bool + Send>;

/// One node of a SimNet.
pub struct SimNode {
    /// The peer itself.
    pub node: Node,
    /// Offline nodes neither send nor receive.
    pub online: bool,
    /// Applied to everything this node sends.
    pub tamper: Option<Tamper>,
    pub(super) addr: SocketAddr,
    /// Its number: its place in the SimNet, and its rank in ties.
    pub(super) number: usize,
    pub(super) job: Option<(Instant, Job)>,
    pub(super) traffic: ByKind,
    /// The network's randomness for what this node sends, and its miner's times.
    pub(super) rng: fastrand::Rng,
    /// Datagrams this node has put on the wire.
    pub(super) sent: u64,
}

impl SimNode {
    /// The node's next moment of work: a timer, or the block its miner finds.
    pub(super) fn deadline(&self) -> Option<Instant> {
        let mined = self.job.as_ref().map(|(t, _)| *t);
        [mined, self.node.poll_timeout()].into_iter().flatten().min()
    }
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

impl std::ops::AddAssign for NetStats {
    fn add_assign(&mut self, other: NetStats) {
        self.sent += other.sent;
        self.lost += other.lost;
        self.duplicated += other.duplicated;
        self.delivered += other.delivered;
        self.undeliverable += other.undeliverable;
    }
}

/// Many nodes on one virtual clock, joined by a network with seeded loss, latency
/// (and so reordering) and duplication. Runs are reproducible for a given seed.
pub struct SimNet {
    now: Instant,
    start: Instant,
    seed: u64,
    nodes: Vec<SimNode>,
    /// Node numbers by address (looked up for every datagram sent).
    index: HashMap<SocketAddr, usize>,
    flight: InFlight,
    deadlines: Deadlines,
    /// Nodes lent out by `sim_node`, whose deadline may have changed.
    dirty: Vec<usize>,
    stats: NetStats,
    /// Probability that a datagram is lost.
    pub loss: f64,
    /// Probability that a datagram arrives twice.
    pub duplicate: f64,
    /// One-way latency range (uniform): a wide range reorders datagrams. The least
    /// latency is also how far the nodes may run apart.
    pub latency: (Duration, Duration),
    /// Virtual time a miner needs for a block.
    pub block_time: Duration,
    /// Threads the nodes run on (the run is the same on any number).
    pub threads: usize,
    /// Everything the nodes reported, in order.
    pub events: Vec<(Duration, SocketAddr, Event)>,
    /// The network's host names (lower case): a node's lookup is answered at once.
    pub names: BTreeMap<String, IpAddr>,
    /// One side of a partition: datagrams between it and the rest are lost.
    partition: Option<BTreeSet<SocketAddr>>,
}

impl SimNet {
    /// An empty, lossless network with 1–5 ms latency, on one thread.
    pub fn new(seed: u64) -> Self {
        let now = Instant::now();
        Self {
            now,
            start: now,
            seed,
            nodes: Vec::new(),
            index: HashMap::new(),
            flight: InFlight::default(),
            deadlines: Deadlines::default(),
            dirty: Vec::new(),
            stats: NetStats::default(),
            loss: 0.0,
            duplicate: 0.0,
            latency: (Duration::from_millis(1), Duration::from_millis(5)),
            block_time: Duration::from_secs(10),
            threads: 1,
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
    /// `difficulty`, seeded from the node's number, its wall clock starting at
    /// [`TEST_EPOCH`] (so that the GOSSIP blocks it mines are the same on every run).
    pub fn config(i: u16, well_known: Option<u16>, difficulty: u32) -> Config {
        let mut config = Config::new(format!("node{i}"), "127.0.0.1", 9000 + i);
        config.well_known = well_known.map(Self::addr);
        config.difficulty = difficulty;
        config.seed = u64::from(i) + 1;
        config.unix_start = TEST_EPOCH;
        config
    }

    /// Starts a node with `config` and `chain` now (replacing any at its address);
    /// returns its address.
    pub fn add(&mut self, config: Config, chain: Chain) -> SocketAddr {
        let addr = SocketAddr::from(([127, 0, 0, 1], config.port));
        let number = self.index.get(&addr).copied().unwrap_or(self.nodes.len());
        // Each node's network randomness has a stream of its own, from the seed, its
        // number and how many nodes were started before it.
        let stream =
            self.seed ^ (number as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ ((self.nodes.len() as u64) << 40);
        let node = Node::new(config, chain, self.now);
        let sim = SimNode {
            node,
            online: true,
            tamper: None,
            addr,
            number,
            job: None,
            traffic: ByKind::new(),
            rng: fastrand::Rng::with_seed(stream),
            sent: 0,
        };
        if number == self.nodes.len() {
            self.nodes.push(sim);
            self.index.insert(addr, number);
        } else {
            self.nodes[number] = sim;
        }
        self.settle(number, |_, _, _, _| {});
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
        let mut addrs: Vec<SocketAddr> = self.nodes.iter().map(|n| n.addr).collect();
        addrs.sort_unstable();
        addrs
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
        self.settle(i, |sim, now, _, _| sim.node.handle_input(now, Input::Command(command)));
    }

    /// Delivers `bytes` to `to` as if sent from `from`, now.
    pub fn inject(&mut self, to: SocketAddr, from: SocketAddr, bytes: Vec<u8>) {
        if let Some(&i) = self.index.get(&to) {
            let kind = traffic::kind_of(&bytes);
            let datagram = Datagram { to_node: Some(i), from, kind, bytes };
            self.settle(i, |sim, now, wire, out| deliver(sim, now, datagram, wire, out));
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
            self.deadlines.set(i, self.nodes[i].deadline());
        }
        let (threads, lookahead) = (self.threads, self.latency.0);
        self.with_network(|nodes, network, wire| parallel::run(nodes, network, wire, (end, lookahead), threads));
        self.now = end;
    }

    /// Lets node `i` do something now (`act`), then moves its outputs into the network
    /// and refreshes its deadline.
    fn settle(&mut self, i: usize, act: impl FnOnce(&mut SimNode, Instant, &Wire, &mut Produced)) {
        let now = self.now;
        self.with_network(|nodes, mut network, wire| {
            let mut out = Produced::default();
            let sim = &mut nodes[i];
            act(sim, now, wire, &mut out);
            drain(sim, now, wire, &mut out);
            out.deadlines.push((i, sim.deadline()));
            parallel::merge(&mut network, out);
        });
    }

    /// Runs `work` on the nodes, the network's moving parts and its settings; keeps the
    /// events it reports.
    fn with_network(&mut self, work: impl FnOnce(&mut [SimNode], Network, &Wire)) {
        let (loss, duplicate, latency, block_time) = (self.loss, self.duplicate, self.latency, self.block_time);
        let Self { nodes, index, names, partition, flight, deadlines, stats, start, events, .. } = self;
        let wire = Wire { loss, duplicate, latency, block_time, index, names, partition: partition.as_ref() };
        let mut reported = Vec::new();
        work(nodes, Network { flight, deadlines, stats, events: &mut reported }, &wire);
        events.extend(reported.into_iter().map(|(at, addr, event)| (at - *start, addr, event)));
    }
}
