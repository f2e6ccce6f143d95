//! The `engine` thread: waits on datagrams, commands and found blocks until the
//! node's next deadline, feeds them to the node, and carries out its outputs —
//! datagrams sent, jobs to the miners, saves to the store, events to subscribers.

use super::dns::Dns;
use super::miners::Miners;
use super::net::{Datagram, Queued};
use super::persist::SaveRequest;
use super::{EngineCommand, Published};
use crate::chain::{Block, prefix_chars};
use crate::node::{Event, Input, Node, Output};
use crossbeam_channel::{Receiver, Sender, bounded, select};
use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Least time between two published snapshots.
const PUBLISH_EVERY: Duration = Duration::from_millis(100);
/// How often the hashrate is sampled while mining.
const SAMPLE_EVERY: Duration = Duration::from_millis(500);
/// Inputs handled before outputs are flushed and a snapshot considered.
const BATCH: usize = 256;

pub(super) struct Driver {
    node: Node,
    dns: Dns,
    socket: UdpSocket,
    miners: Miners,
    found: Receiver<Block>,
    saves: Sender<SaveRequest>,
    published: Arc<Published>,
    dropped: Arc<AtomicU64>,
    events_dropped: u64,
    mining_job: bool,
    changed_from: Option<u64>,
    dirty: bool,
    last_publish: Instant,
    next_sample: Instant,
}

impl Driver {
    /// The engine thread's state for `node`, mining with `threads` (and CUDA if `cuda`);
    /// starts the DNS threads.
    pub(super) fn new(
        node: Node,
        socket: UdpSocket,
        (threads, cuda): (usize, bool),
        saves: Sender<SaveRequest>,
        published: Arc<Published>,
        dropped: Arc<AtomicU64>,
    ) -> std::io::Result<Self> {
        let (found_tx, found) = bounded(16);
        let now = Instant::now();
        let dns = Dns::start()?;
        Ok(Self {
            node,
            dns,
            socket,
            miners: Miners::new(threads, found_tx, cuda),
            found,
            saves,
            published,
            dropped,
            events_dropped: 0,
            mining_job: false,
            changed_from: None,
            dirty: true,
            last_publish: now,
            next_sample: now,
        })
    }

    /// Runs until shut down: datagrams (and the meter of their queue's bytes), commands,
    /// found blocks and DNS answers in; the node's outputs out.
    pub(super) fn run(
        mut self,
        (datagrams, queued): (&Receiver<Datagram>, &Queued),
        commands: &Receiver<EngineCommand>,
    ) {
        self.flush_outputs();
        loop {
            let deadline = self.next_deadline();
            let timeout = deadline.saturating_duration_since(Instant::now());
            let mut handled = 0;
            select! {
                recv(datagrams) -> msg => if let Ok((from, bytes)) = msg {
                    queued.taken(bytes.len());
                    self.node.handle_input(Instant::now(), Input::Datagram { from, bytes });
                    handled += 1;
                    // Drain a burst before flushing, so replies go out in one sweep.
                    while handled < BATCH {
                        let Ok((from, bytes)) = datagrams.try_recv() else { break };
                        queued.taken(bytes.len());
                        self.node.handle_input(Instant::now(), Input::Datagram { from, bytes });
                        handled += 1;
                    }
                },
                recv(commands) -> msg => match msg {
                    Ok(EngineCommand::Node(command)) => self.node.handle_input(Instant::now(), Input::Command(command)),
                    Ok(EngineCommand::SetThreads(threads)) => {
                        self.miners.set_threads(threads);
                        self.dirty = true;
                    }
                    Ok(EngineCommand::SetCuda(on)) => {
                        self.miners.set_cuda(on);
                        self.dirty = true;
                    }
                    Ok(EngineCommand::Subscribe(subscriber)) => self.subscribe(subscriber),
                    Ok(EngineCommand::Shutdown) | Err(_) => break,
                },
                recv(self.found) -> msg => if let Ok(block) = msg {
                    self.node.handle_input(Instant::now(), Input::Mined(block));
                },
                recv(self.dns.answers) -> msg => if let Ok((host, ip)) = msg {
                    self.node.handle_input(Instant::now(), Input::Resolved { host, ip });
                },
                default(timeout) => {}
            }
            let now = Instant::now();
            if self.node.poll_timeout().is_some_and(|t| t <= now) {
                self.node.handle_timeout(now);
            }
            self.flush_outputs();
            self.maybe_sample(now);
            self.maybe_publish(now);
        }
        self.miners.set_job(None);
        self.miners.set_cuda(false);
        self.flush_outputs();
        self.save();
        self.publish(Instant::now());
    }

    fn next_deadline(&self) -> Instant {
        let mut deadline = self.node.poll_timeout().unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        if self.dirty {
            deadline = deadline.min(self.last_publish + PUBLISH_EVERY);
        }
        if self.mining_job || self.miners.cuda_starting() {
            deadline = deadline.min(self.next_sample);
        }
        deadline
    }

    fn flush_outputs(&mut self) {
        while let Some(output) = self.node.poll_output() {
            self.dirty = true;
            match output {
                Output::Send { to, bytes } => {
                    if let Err(error) = self.socket.send_to(&bytes, to) {
                        tracing::debug!(%to, %error, "send failed");
                    }
                }
                Output::MinerJob(job) => {
                    self.mining_job = job.is_some();
                    self.miners.set_job(job);
                }
                Output::Resolve { host } => {
                    self.dns.ask(host);
                }
                Output::ChainChanged { from } => {
                    self.changed_from = Some(self.changed_from.map_or(from, |f| f.min(from)));
                }
                Output::Event(event) => self.broadcast(event),
            }
        }
        self.save();
    }

    fn save(&mut self) {
        if let Some(from) = self.changed_from.take() {
            // Blocking here only if the disk is 64 saves behind: then waiting is right.
            let _ = self.saves.send((self.node.chain().blocks().clone(), from));
        }
    }

    fn broadcast(&mut self, event: Event) {
        match &event {
            Event::BlockAdded { height, hash, mined_by, via, .. } => {
                tracing::debug!(height, hash = prefix_chars(hash, 12), mined_by, ?via, "block added");
            }
            Event::SyncFailed { reason } => tracing::warn!(%reason, "sync failed"),
            other => tracing::debug!(?other, "event"),
        }
        self.published.broadcast(&event, &mut self.events_dropped);
    }

    /// Tells a new subscriber the peers known now, then adds it to the rest — on this
    /// thread, so that no event falls between the two.
    fn subscribe(&mut self, subscriber: Sender<Event>) {
        for (addr, name) in self.node.known_peers() {
            if subscriber.try_send(Event::PeerJoined { addr, name }).is_err() {
                self.events_dropped += 1;
            }
        }
        self.published.subscribers.lock().unwrap_or_else(|e| e.into_inner()).push(subscriber);
    }

    fn maybe_sample(&mut self, now: Instant) {
        if now >= self.next_sample {
            self.next_sample = now + SAMPLE_EVERY;
            self.miners.sample(now);
            self.dirty |= self.miners.poll() || self.mining_job || self.miners.busy();
        }
    }

    fn maybe_publish(&mut self, now: Instant) {
        if self.dirty && now.duration_since(self.last_publish) >= PUBLISH_EVERY {
            self.publish(now);
        }
    }

    fn publish(&mut self, now: Instant) {
        let mut snapshot = self.node.snapshot(now);
        snapshot.miner = self.miners.stats();
        snapshot.counters.datagrams_dropped = self.dropped.load(Ordering::Relaxed);
        snapshot.counters.events_dropped = self.events_dropped;
        *self.published.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
        self.published.version.fetch_add(1, Ordering::Release);
        if let Some(notify) = self.published.on_change.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            notify();
        }
        self.dirty = false;
        self.last_publish = now;
    }
}
