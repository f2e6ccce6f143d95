//! SimNet's windows, on one thread or several. The nodes are split into contiguous
//! shares, one per thread; for each window the calling thread gathers what is due, hands
//! each helper the part of it that falls in its share, runs its own part, and merges what
//! all of them produced. Nothing a node does within a window can reach another node
//! before the window ends (the window is no longer than the least latency), so the shares
//! are independent, and the merge orders their products by the seed alone: a run is the
//! same on any number of threads.

use super::deadlines::Deadlines;
use super::flight::{Datagram, InFlight};
use super::simnet::{NetStats, SimNode};
use super::window::{Produced, Wire, run_node};
use crate::node::Event;
use crossbeam_channel::{Receiver, Sender, bounded};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// A window's work at some nodes: its horizon, and per node (by number, ascending) the
/// datagrams that reach it, in arrival order.
struct Work {
    horizon: Instant,
    due: Vec<(usize, Vec<(Instant, Datagram)>)>,
}

/// What the windows move forward besides the nodes.
pub(super) struct Network<'a> {
    /// Datagrams on their way.
    pub flight: &'a mut InFlight,
    /// The nodes' next deadlines.
    pub deadlines: &'a mut Deadlines,
    /// Network-wide counts.
    pub stats: &'a mut NetStats,
    /// The events reported, in order: (moment, node, its address, event).
    pub events: &'a mut Vec<(Instant, SocketAddr, Event)>,
}

/// A helper thread's mailbox, and the first node number of its share.
struct Helper {
    first: usize,
    work: Sender<Work>,
    done: Receiver<Produced>,
}

/// Runs every window whose events come no later than `end`, on `threads` threads;
/// windows are `lookahead` long (the least latency).
pub(super) fn run(
    nodes: &mut [SimNode],
    mut net: Network,
    wire: &Wire,
    (end, lookahead): (Instant, Duration),
    threads: usize,
) {
    let share = nodes.len().div_ceil(threads.max(1)).max(1);
    let mut shares = nodes.chunks_mut(share);
    let Some(own) = shares.next() else {
        return;
    };
    std::thread::scope(|scope| {
        let helpers: Vec<Helper> = shares
            .map(|nodes| {
                let (work, work_rx) = bounded::<Work>(1);
                let (done_tx, done) = bounded::<Produced>(1);
                let first = nodes.first().map_or(0, |n| n.number);
                scope.spawn(move || {
                    while let Ok(work) = work_rx.recv() {
                        if done_tx.send(run_share(nodes, first, work, wire)).is_err() {
                            return;
                        }
                    }
                });
                Helper { first, work, done }
            })
            .collect();
        let last = end + Duration::from_nanos(1);
        let lookahead = lookahead.max(Duration::from_nanos(1));
        loop {
            let next = [net.flight.next_arrival(), net.deadlines.next()].into_iter().flatten().min();
            let Some(t) = next.filter(|t| *t < last) else {
                return;
            };
            let horizon = (t + lookahead).min(last);
            window(own, &helpers, &mut net, wire, horizon);
        }
        // Dropping the helpers' senders ends their loops.
    });
}

/// One window: gather what is due before `horizon`, run it, merge it.
fn window(own: &mut [SimNode], helpers: &[Helper], net: &mut Network, wire: &Wire, horizon: Instant) {
    let mut due = gather(net, horizon);
    // Hand each helper its part (from the back: the shares are in number order).
    let mut busy = Vec::new();
    for helper in helpers.iter().rev() {
        let split = due.partition_point(|(node, _)| *node < helper.first);
        let part = due.split_off(split);
        if !part.is_empty() && helper.work.send(Work { horizon, due: part }).is_ok() {
            busy.push(helper);
        }
    }
    let mut produced = run_share(own, 0, Work { horizon, due }, wire);
    for helper in busy {
        match helper.done.recv() {
            Ok(out) => produced.absorb(out),
            Err(_) => panic!("a SimNet thread stopped: a node panicked"),
        }
    }
    merge(net, produced);
}

/// Takes the datagrams that arrive before `horizon` and the nodes whose deadline comes
/// before it: per node, by number.
fn gather(net: &mut Network, horizon: Instant) -> Vec<(usize, Vec<(Instant, Datagram)>)> {
    let mut arrivals: Vec<(usize, Instant, Datagram)> = Vec::new();
    while let Some((at, datagram)) = net.flight.pop_before(horizon) {
        match datagram.to_node {
            Some(node) => arrivals.push((node, at, datagram)),
            None => net.stats.undeliverable += 1,
        }
    }
    // Stable: each node's datagrams stay in arrival order.
    arrivals.sort_by_key(|(node, ..)| *node);
    let mut nodes = Vec::new();
    net.deadlines.take_before(horizon, &mut nodes);
    nodes.extend(arrivals.iter().map(|(node, ..)| *node));
    nodes.sort_unstable();
    nodes.dedup();
    let mut arrivals = arrivals.into_iter().peekable();
    nodes
        .into_iter()
        .map(|node| {
            let inbox = std::iter::from_fn(|| arrivals.next_if(|(n, ..)| *n == node)).map(|(_, at, d)| (at, d));
            (node, inbox.collect())
        })
        .collect()
}

/// Runs `work` on a share of nodes whose first is number `first`.
fn run_share(nodes: &mut [SimNode], first: usize, work: Work, wire: &Wire) -> Produced {
    let mut out = Produced::default();
    for (node, inbox) in work.due {
        run_node(&mut nodes[node - first], inbox, work.horizon, wire, &mut out);
    }
    out
}

/// Puts a window's products in place: datagrams on the wire (their keys order them),
/// events in time order (ties by node number, each node's in its own order), deadlines.
pub(super) fn merge(net: &mut Network, mut produced: Produced) {
    for (key, datagram) in produced.sent {
        net.flight.push(key, datagram);
    }
    produced.events.sort_by_key(|(at, node, ..)| (*at, *node));
    net.events.extend(produced.events.into_iter().map(|(at, _, addr, event)| (at, addr, event)));
    for (node, at) in produced.deadlines {
        net.deadlines.set(node, at);
    }
    *net.stats += produced.stats;
}
