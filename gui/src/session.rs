//! The running peer as the window sees it: the engine, the latest snapshot (fetched
//! only when the engine published a new one), the engine's events drained within a
//! time budget each frame, and the hashrate history.

use crate::hashrate::HashrateHistory;
use crate::launch::{Restarter, Running};
use crate::toasts::Toasts;
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::{Event, Snapshot};
use crossbeam_channel::Receiver;
use eframe::egui;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most time a frame spends taking in the engine's events.
const EVENT_BUDGET: Duration = Duration::from_millis(10);

/// One running peer.
pub struct Session {
    running: Running,
    events: Receiver<Event>,
    snapshot: Arc<Snapshot>,
    version: u64,
    fetched: Instant,
    opened: Instant,
    history: HashrateHistory,
}

impl Session {
    /// Watches `running`; the window repaints whenever the engine publishes.
    pub fn new(running: Running, ctx: &egui::Context) -> Self {
        let events = running.engine.subscribe();
        let repaint = ctx.clone();
        running.engine.on_change(move || repaint.request_repaint());
        let snapshot = running.engine.snapshot();
        let version = running.engine.version();
        let now = Instant::now();
        Self { running, events, snapshot, version, fetched: now, opened: now, history: HashrateHistory::default() }
    }

    /// Takes in what the engine published since the last frame; the events become
    /// notifications. Returns whether more events wait (the caller repaints soon).
    pub fn poll(&mut self, toasts: &mut Toasts) -> bool {
        let version = self.running.engine.version();
        if version != self.version {
            self.version = version;
            self.snapshot = self.running.engine.snapshot();
            self.fetched = Instant::now();
            let miner = &self.snapshot.miner;
            if self.snapshot.mining || self.history.last_rate() > 0.0 {
                let cuda = miner.cuda.as_ref().map_or(0.0, |c| c.hashrate);
                self.history.record(self.secs(), miner.hashrate, cuda);
            }
        }
        let deadline = Instant::now() + EVENT_BUDGET;
        while Instant::now() < deadline {
            match self.events.try_recv() {
                Ok(event) => toasts.push_event(&event),
                Err(_) => return false,
            }
        }
        !self.events.is_empty()
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> &Arc<Snapshot> {
        &self.snapshot
    }

    /// The snapshot's version (changes with every new snapshot).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Seconds since the snapshot was taken.
    pub fn age(&self) -> f64 {
        self.fetched.elapsed().as_secs_f64()
    }

    /// Seconds since the window began watching the peer.
    pub fn secs(&self) -> f64 {
        self.opened.elapsed().as_secs_f64()
    }

    /// The engine, for commands.
    pub fn engine(&self) -> &EngineHandle {
        &self.running.engine
    }

    /// What the window was started with (web URL, intervals).
    pub fn running(&self) -> &Running {
        &self.running
    }

    /// The hashrate history.
    pub fn history(&self) -> &HashrateHistory {
        &self.history
    }

    /// Whether the peer can be started again (a demo network cannot).
    pub fn restartable(&self) -> bool {
        self.running.restart.is_some()
    }

    /// Stops the peer (its engine, web page and companions) and hands back how to start
    /// it again; the old session is gone either way.
    pub fn stop_for_restart(mut self) -> Result<Restarter, String> {
        let restart = self.running.restart.take().ok_or("this peer cannot be started again")?;
        drop(self);
        Ok(restart)
    }
}
