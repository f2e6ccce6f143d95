//! Where the web page's data comes from: the engine's latest snapshot and its events,
//! behind a trait so that route tests can serve a snapshot made by hand.

use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::{Event, Snapshot};
use crossbeam_channel::Receiver;
use std::sync::Arc;

/// What the web server reads: never blocks for long, callable from any thread.
pub trait Source: Send + Sync + 'static {
    /// The latest snapshot.
    fn snapshot(&self) -> Arc<Snapshot>;
    /// A number that changes whenever a new snapshot is published.
    fn version(&self) -> u64;
    /// The node's events from now on (the sender drops events when the receiver lags);
    /// the current state comes with each `status` event.
    fn subscribe(&self) -> Receiver<Event>;
}

impl Source for EngineHandle {
    fn snapshot(&self) -> Arc<Snapshot> {
        EngineHandle::snapshot(self)
    }

    fn version(&self) -> u64 {
        EngineHandle::version(self)
    }

    fn subscribe(&self) -> Receiver<Event> {
        EngineHandle::subscribe_live(self)
    }
}
