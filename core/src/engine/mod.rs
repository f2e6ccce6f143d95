//! The threads around the sans-IO node: `net-rx` receives datagrams, `engine` drives
//! the [`Node`](crate::node::Node) and sends, `miner-N` (and `miner-cuda`) search nonces, `store` writes
//! the chain. Channels are bounded; the latest snapshot is published for the window
//! and the web page, at most ten times a second and only on change.
//!
//! The threads run inside the span that was current when [`start`] was called, so a
//! caller can tell (and filter) the log lines of several engines in one process. If the
//! engine thread panics — a bug — the engine says so: [`EngineHandle::failure`] tells
//! why, and every subscriber receives [`Event::Stopped`] before its stream ends.

mod detect;
mod dns;
mod driver;
mod hashrate;
mod miners;
mod net;
mod persist;

pub use detect::Detection;

use crate::chain::{ChainStore, Limits, LoadReport, held_generation};
use crate::node::{Command, Config, Event, Node, Snapshot};
use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Instant;
use thiserror::Error;

/// Events a subscriber's queue holds before further ones are dropped.
const SUBSCRIBER_QUEUE: usize = 1024;

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unknown panic".to_owned());
    format!("the engine thread panicked: {text}")
}

/// How the engine starts.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// The node's settings.
    pub node: Config,
    /// Address the UDP socket binds to (usually `0.0.0.0:port`).
    pub bind: SocketAddr,
    /// Folder of the chain file.
    pub data_dir: PathBuf,
    /// Miner threads.
    pub threads: usize,
    /// Mine on the GPU with CUDA (falls back to the threads, with a warning, without CUDA).
    pub cuda: bool,
    /// Choose the protocol generation (`--protocol auto`): ask the well-known peer, if
    /// there is one, else take the data directory's; `node.generation` stands when
    /// neither tells, and always when this is false.
    pub detect: bool,
}

/// Why the engine could not start.
#[derive(Debug, Error)]
pub enum StartError {
    /// The chain file could not be opened.
    #[error(transparent)]
    Store(#[from] crate::chain::StoreError),
    /// The UDP port could not be bound.
    #[error("cannot use UDP {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// A thread could not be started.
    #[error("cannot start a thread: {0}")]
    Thread(std::io::Error),
}

/// What the engine can be asked, besides the node's own commands.
#[derive(Debug)]
pub(crate) enum EngineCommand {
    Node(Command),
    SetThreads(usize),
    SetCuda(bool),
    /// A new subscriber: it gets the known peers as events, then every event.
    Subscribe(Sender<Event>),
    Shutdown,
}

/// State shared between the engine thread and its handles.
pub(crate) struct Published {
    snapshot: RwLock<Arc<Snapshot>>,
    version: AtomicU64,
    subscribers: Mutex<Vec<Sender<Event>>>,
    on_change: Mutex<Option<Box<dyn Fn() + Send>>>,
    /// Why the engine thread stopped, if it panicked.
    failure: Mutex<Option<String>>,
    /// Why the chain could not be saved, while it cannot (the store thread's word).
    store_error: Mutex<Option<String>>,
}

impl Published {
    /// Shares `snapshot`, with no subscriber yet.
    pub(crate) fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot: RwLock::new(Arc::new(snapshot)),
            version: AtomicU64::new(0),
            subscribers: Mutex::default(),
            on_change: Mutex::default(),
            failure: Mutex::default(),
            store_error: Mutex::default(),
        }
    }

    /// The latest snapshot, with the store thread's `store_error` (the engine thread,
    /// which makes snapshots, does not know it).
    fn latest(&self) -> Arc<Snapshot> {
        let snapshot = self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone();
        let store_error = self.store_error.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if snapshot.store_error == store_error {
            return snapshot;
        }
        let mut patched = (*snapshot).clone();
        patched.store_error = store_error;
        let patched = Arc::new(patched);
        // Kept, so that the next readers of this snapshot get it without a copy.
        let mut slot = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        if Arc::ptr_eq(&slot, &snapshot) {
            *slot = patched.clone();
        }
        patched
    }

    /// Sets why the chain could not be saved (`None`: it is saved again) and, if that
    /// changed, tells the readers as a new snapshot would. Returns whether it changed.
    fn set_store_error(&self, error: Option<String>) -> bool {
        let mut current = self.store_error.lock().unwrap_or_else(|e| e.into_inner());
        if *current == error {
            return false;
        }
        *current = error;
        drop(current);
        self.version.fetch_add(1, Ordering::Release);
        if let Some(notify) = self.on_change.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            notify();
        }
        true
    }

    /// Sends `event` to every subscriber; a full queue loses it (counted), a closed one
    /// is forgotten.
    pub(crate) fn broadcast(&self, event: &Event, dropped: &mut u64) {
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|e| e.into_inner());
        subscribers.retain(|s| match s.try_send(event.clone()) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                *dropped += 1;
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        });
    }

    /// Records why the engine thread died and tells the subscribers, then ends their
    /// streams.
    fn fail(&self, reason: String) {
        tracing::error!(%reason, "the engine stopped");
        // Recorded before anyone is told, so a subscriber that reads `failure()` on the
        // Stopped event finds it (a stress run caught the other order).
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(reason.clone());
        self.broadcast(&Event::Stopped { reason }, &mut 0);
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner()).clear();
        if let Some(notify) = self.on_change.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            // The window's callback may be what panicked: it must not silence the report.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(notify));
        }
    }
}

/// Control of a running engine: commands in, snapshots and events out.
pub struct EngineHandle {
    commands: Sender<EngineCommand>,
    published: Arc<Published>,
    threads: Vec<JoinHandle<()>>,
    local_addr: SocketAddr,
    load_report: LoadReport,
    detection: Option<Detection>,
    stop: Arc<AtomicBool>,
}

/// Binds the socket, settles the protocol generation (if `config.detect`: asking the
/// well-known peer, for a few seconds at most, or reading the data directory's), opens
/// the chain and starts the threads.
pub fn start(mut config: EngineConfig) -> Result<EngineHandle, StartError> {
    let socket = UdpSocket::bind(config.bind).map_err(|source| StartError::Bind { addr: config.bind, source })?;
    let local_addr = socket.local_addr().map_err(|source| StartError::Bind { addr: config.bind, source })?;
    let mut detection = None;
    if config.detect {
        let held = held_generation(&config.data_dir)?;
        if let Some(well_known) = config.node.well_known {
            let found = detect::detect(&socket, &config.node, well_known, held)
                .map_err(|source| StartError::Bind { addr: config.bind, source })?;
            tracing::info!(generation = %found.generation, how = %found.how, "protocol chosen");
            config.node.generation = found.generation;
            detection = Some(found);
        } else if let Some(held) = held {
            config.node.generation = held;
        }
    }
    let limits = Limits::of(config.node.generation, config.node.difficulty);
    let (store, chain, load_report) = ChainStore::open(&config.data_dir, limits)?;
    if load_report.dropped_lines > 0 {
        tracing::warn!(
            dropped = load_report.dropped_lines,
            reason = load_report.first_error.as_deref().unwrap_or(""),
            backup = %load_report.backup.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            "cut the invalid tail of the chain file"
        );
    }
    tracing::info!(blocks = chain.len(), file = %store.path().display(), "chain loaded");
    let now = Instant::now();
    let node = Node::new(config.node.clone(), chain, now);
    let published = Arc::new(Published::new(node.snapshot(now)));
    let (net_tx, net_rx) = bounded(8192);
    let (cmd_tx, cmd_rx) = bounded(256);
    let (save_tx, save_rx) = bounded(64);
    let stop = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicU64::new(0));
    let recv_socket = socket.try_clone().map_err(|source| StartError::Bind { addr: config.bind, source })?;
    let mut threads = Vec::new();
    let span = tracing::Span::current();
    let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
        let span = span.clone();
        std::thread::Builder::new().name(name.to_owned()).spawn(move || span.in_scope(f)).map_err(StartError::Thread)
    };
    let (stop_rx, dropped_rx) = (stop.clone(), dropped.clone());
    let queued = Arc::new(net::Queued::default());
    let rx_queued = queued.clone();
    threads.push(spawn(
        "net-rx",
        Box::new(move || net::receive_loop(&recv_socket, &net_tx, &rx_queued, &stop_rx, &dropped_rx)),
    )?);
    let store_published = published.clone();
    threads.push(spawn("store", Box::new(move || persist::store_loop(store, &save_rx, &store_published)))?);
    let mining = (config.threads, config.cuda);
    let driver =
        driver::Driver::new(node, socket, mining, save_tx, published.clone(), dropped).map_err(StartError::Thread)?;
    let watched = published.clone();
    threads.push(spawn(
        "engine",
        Box::new(move || {
            let commands = &cmd_rx;
            let run = std::panic::AssertUnwindSafe(move || driver.run((&net_rx, &queued), commands));
            if let Err(panic) = std::panic::catch_unwind(run) {
                let reason = panic_message(panic.as_ref());
                watched.fail(reason.clone());
                // Subscriptions still queued never reached the engine: they hear it too.
                for command in cmd_rx.try_iter() {
                    if let EngineCommand::Subscribe(subscriber) = command {
                        let _ = subscriber.try_send(Event::Stopped { reason: reason.clone() });
                    }
                }
            }
        }),
    )?);
    Ok(EngineHandle { commands: cmd_tx, published, threads, local_addr, load_report, detection, stop })
}

impl EngineHandle {
    /// Sends a command to the node.
    pub fn command(&self, command: Command) {
        self.send(EngineCommand::Node(command));
    }

    /// Changes the number of miner threads.
    pub fn set_threads(&self, threads: usize) {
        self.send(EngineCommand::SetThreads(threads));
    }

    /// Turns CUDA mining on or off (the window's toggle); the snapshot's `miner.cuda` and
    /// `miner.cuda_error` follow.
    pub fn set_cuda(&self, on: bool) {
        self.send(EngineCommand::SetCuda(on));
    }

    fn send(&self, command: EngineCommand) {
        if self.commands.send(command).is_err() {
            tracing::warn!("the engine has stopped; command ignored");
        }
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.published.latest()
    }

    /// Increases each time a new snapshot is published.
    pub fn version(&self) -> u64 {
        self.published.version.load(Ordering::Acquire)
    }

    /// A stream of the node's events that starts with the current state — a
    /// [`Event::PeerJoined`] for every peer known now — so that a late listener misses
    /// nothing; then every event (dropped when the receiver lags).
    pub fn subscribe(&self) -> Receiver<Event> {
        let (tx, rx) = bounded(SUBSCRIBER_QUEUE);
        match self.failure() {
            // The engine is gone: the stream says why, and ends.
            Some(reason) => {
                let _ = tx.try_send(Event::Stopped { reason });
            }
            None => self.send(EngineCommand::Subscribe(tx)),
        }
        rx
    }

    /// A stream of the node's events from now on, without the current state (for a
    /// listener that reads the state from the snapshot).
    pub fn subscribe_live(&self) -> Receiver<Event> {
        let (tx, rx) = bounded(SUBSCRIBER_QUEUE);
        self.published.subscribers.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        rx
    }

    /// Why the engine stopped on its own, if it did (a bug: the peer no longer runs).
    pub fn failure(&self) -> Option<String> {
        self.published.failure.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Calls `f` (from the engine thread) whenever a new snapshot is published — a
    /// window uses it to request a repaint.
    pub fn on_change(&self, f: impl Fn() + Send + 'static) {
        *self.published.on_change.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(f));
    }

    /// The bound UDP address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// What loading the chain file found.
    pub fn load_report(&self) -> &LoadReport {
        &self.load_report
    }

    /// How the protocol generation was chosen, when it was asked of the network.
    pub fn detection(&self) -> Option<&Detection> {
        self.detection.as_ref()
    }

    /// Stops the miners, flushes the chain to disk and joins every thread.
    pub fn shutdown(mut self) {
        self.stop_threads();
    }

    fn stop_threads(&mut self) {
        if self.threads.is_empty() {
            return;
        }
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.commands.send(EngineCommand::Shutdown);
        // Wake net-rx from its blocking receive.
        if let Ok(waker) = UdpSocket::bind(("127.0.0.1", 0)) {
            let target = SocketAddr::from(([127, 0, 0, 1], self.local_addr.port()));
            let _ = waker.send_to(b"", target);
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        self.stop_threads();
    }
}
