//! One node's share of a SimNet window: it handles the datagrams that reach it and the
//! deadlines that fall due before the window's horizon, in time order (a datagram first
//! when both come at once), and everything it sends goes through the simulated network —
//! loss, duplication and latency drawn from the sender's own generator, so that what a
//! node does depends on nothing another thread does at the same time.

use super::flight::{Datagram, Key};
use super::mine_naive;
use super::simnet::{NetStats, SimNode};
use super::traffic;
use crate::node::{Event, Input, Output};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Steps of one node at one virtual instant after which it is taken to be livelocked.
const LIVELOCK_STEPS: u64 = 10_000_000;

/// The network's settings and address book, read by every thread during a window.
pub(super) struct Wire<'a> {
    /// Probability that a datagram is lost.
    pub loss: f64,
    /// Probability that a datagram arrives twice.
    pub duplicate: f64,
    /// One-way latency range (uniform).
    pub latency: (Duration, Duration),
    /// Virtual time a miner needs for a block (0.5–1.5 × this).
    pub block_time: Duration,
    /// The nodes by address.
    pub index: &'a HashMap<SocketAddr, usize>,
    /// The network's host names.
    pub names: &'a BTreeMap<String, IpAddr>,
    /// One side of a partition, if the network is split: datagrams across are lost.
    pub partition: Option<&'a BTreeSet<SocketAddr>>,
}

/// What nodes produced: datagrams sent, events, network counts, next deadlines.
#[derive(Debug, Default)]
pub(super) struct Produced {
    /// Datagrams on their way, by arrival key.
    pub sent: Vec<(Key, Datagram)>,
    /// Events with the moment, the node (number and address) that reported them, in
    /// order per node.
    pub events: Vec<(Instant, usize, SocketAddr, Event)>,
    /// What happened to the datagrams.
    pub stats: NetStats,
    /// The next deadline of each node that took part.
    pub deadlines: Vec<(usize, Option<Instant>)>,
}

impl Produced {
    /// Adds `other`'s products to these.
    pub(super) fn absorb(&mut self, mut other: Produced) {
        self.sent.append(&mut other.sent);
        self.events.append(&mut other.events);
        self.stats += other.stats;
        self.deadlines.append(&mut other.deadlines);
    }
}

/// Node `sim` handles its datagrams of the window (`inbox`, in arrival order) and its
/// deadlines before `horizon`; its next deadline goes into `out`.
pub(super) fn run_node(
    sim: &mut SimNode,
    inbox: Vec<(Instant, Datagram)>,
    horizon: Instant,
    wire: &Wire,
    out: &mut Produced,
) {
    let mut inbox = inbox.into_iter().peekable();
    let (mut clock, mut steps) = (None::<Instant>, 0u64);
    loop {
        let deadline = sim.deadline().filter(|d| *d < horizon);
        let arrival = inbox.peek().map(|(at, _)| *at);
        let at = match (arrival, deadline) {
            (None, None) => break,
            (Some(a), Some(d)) => a.min(d),
            (Some(t), None) | (None, Some(t)) => t,
        };
        let now = clock.map_or(at, |c| c.max(at));
        steps = if Some(now) == clock { steps + 1 } else { 0 };
        assert!(steps < LIVELOCK_STEPS, "SimNet livelock at node {}", sim.addr);
        clock = Some(now);
        match inbox.next_if(|(a, _)| Some(*a) == arrival && deadline.is_none_or(|d| *a <= d)) {
            Some((_, datagram)) => deliver(sim, now, datagram, wire, out),
            None => step(sim, now, wire, out),
        }
    }
    out.deadlines.push((sim.number, sim.deadline()));
}

/// Hands `sim` a datagram at `now`.
pub(super) fn deliver(sim: &mut SimNode, now: Instant, datagram: Datagram, wire: &Wire, out: &mut Produced) {
    if !sim.online {
        out.stats.undeliverable += 1;
        return;
    }
    out.stats.delivered += 1;
    traffic::record(&mut sim.traffic, datagram.kind, datagram.bytes.len(), true);
    sim.node.handle_input(now, Input::Datagram { from: datagram.from, bytes: datagram.bytes });
    drain(sim, now, wire, out);
}

/// `sim`'s deadline has come: its miner found a block, or a timer is due.
fn step(sim: &mut SimNode, now: Instant, wire: &Wire, out: &mut Produced) {
    if let Some((_, job)) = sim.job.take_if(|(at, _)| *at <= now) {
        let block = mine_naive(&job);
        sim.node.handle_input(now, Input::Mined(block));
    }
    if sim.node.poll_timeout().is_some_and(|t| t <= now) {
        sim.node.handle_timeout(now);
    }
    drain(sim, now, wire, out);
}

/// Moves `sim`'s outputs into the network (and its events into `out`), at `now`.
pub(super) fn drain(sim: &mut SimNode, now: Instant, wire: &Wire, out: &mut Produced) {
    let mut lookups = Vec::new();
    while let Some(output) = sim.node.poll_output() {
        match output {
            Output::Send { to, mut bytes } => {
                if !sim.online || sim.tamper.as_mut().is_some_and(|t| !t(&mut bytes)) {
                    continue;
                }
                send(sim, now, to, bytes, wire, out);
            }
            Output::MinerJob(job) => {
                let at = now + wire.block_time.mul_f64(0.5 + sim.rng.f64());
                sim.job = job.map(|j| (at, j));
            }
            Output::Resolve { host } => lookups.push(host),
            Output::ChainChanged { .. } => {}
            Output::Event(event) => out.events.push((now, sim.number, sim.addr, event)),
        }
    }
    if !lookups.is_empty() {
        for host in lookups {
            let ip = wire.names.get(&host.to_ascii_lowercase()).copied();
            sim.node.handle_input(now, Input::Resolved { host, ip });
        }
        drain(sim, now, wire, out);
    }
}

/// Puts one datagram of `sim`'s on the wire: counted, lost if it would cross a partition,
/// else perhaps duplicated, perhaps lost, each copy delayed by a latency of its own.
fn send(sim: &mut SimNode, now: Instant, to: SocketAddr, mut bytes: Vec<u8>, wire: &Wire, out: &mut Produced) {
    out.stats.sent += 1;
    let kind = traffic::kind_of(&bytes);
    traffic::record(&mut sim.traffic, kind, bytes.len(), false);
    if wire.partition.is_some_and(|side| side.contains(&sim.addr) != side.contains(&to)) {
        out.stats.lost += 1;
        return;
    }
    let copies = if sim.rng.f64() < wire.duplicate { 2 } else { 1 };
    out.stats.duplicated += copies - 1;
    let to_node = wire.index.get(&to).copied();
    for copy in 1..=copies {
        if sim.rng.f64() < wire.loss {
            out.stats.lost += 1;
            continue;
        }
        let (lo, hi) = wire.latency;
        let delay = lo + (hi - lo).mul_f64(sim.rng.f64());
        let bytes = if copy == copies { std::mem::take(&mut bytes) } else { bytes.clone() };
        sim.sent += 1;
        let key = (now + delay, sim.number as u32, sim.sent);
        out.sent.push((key, Datagram { to_node, from: sim.addr, kind, bytes }));
    }
}
