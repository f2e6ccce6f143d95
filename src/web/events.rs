//! `GET /api/events`: server-sent events. Each of the node's events goes out named by
//! its kind (`block_added`, `chain_synced`, `peer_joined`, `peer_left`,
//! `consensus_finished`, `sync_started`, `sync_failed`), and a `status` event (the
//! `/api/status` JSON) follows whenever a new snapshot was published — at once when a
//! client connects, then at most four times a second. At most [`MAX_CLIENTS`] streams
//! are open at once; beyond that a client gets a 503.

use super::api;
use super::source::Source;
use blockpeer_core::node::Event;
use crossbeam_channel::Receiver;
use serde::Serialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::time::{Interval, MissedTickBehavior};
use warp::Reply;
use warp::http::StatusCode;
use warp::sse;

/// Event streams served at once; each holds a connection, a queue of the node's events
/// and a timer, so a script opening streams in a loop must not exhaust the peer.
pub const MAX_CLIENTS: usize = 64;

/// How often a client's feed looks for new events and snapshots.
const POLL_EVERY: Duration = Duration::from_millis(250);
/// A comment line keeps idle connections (and proxies) from timing out.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The open event streams of one server.
#[derive(Debug, Default)]
pub struct Clients(AtomicUsize);

/// One open stream's place among the [`MAX_CLIENTS`]; freed when the stream ends.
struct Seat(Arc<Clients>);

impl Clients {
    /// A seat, unless `MAX_CLIENTS` streams are open.
    fn seat(self: &Arc<Self>) -> Option<Seat> {
        let taken = self.0.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < MAX_CLIENTS).then_some(n + 1));
        taken.is_ok().then(|| Seat(self.clone()))
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The event stream for one client, or a 503 when `clients` has no seat left.
pub fn reply(source: Arc<dyn Source>, clients: &Arc<Clients>) -> warp::reply::Response {
    let Some(seat) = clients.seat() else {
        return api::error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{MAX_CLIENTS} event streams are open already: close one (another tab?) and retry"),
        );
    };
    let mut tick = tokio::time::interval(POLL_EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let feed =
        Feed { events: source.subscribe(), source, tick, seen_version: None, queue: VecDeque::new(), _seat: seat };
    sse::reply(sse::keep_alive().interval(KEEP_ALIVE).stream(feed)).into_response()
}

/// Polls the node's events and snapshot version; it holds no timer when no client is
/// connected, so an idle peer stays idle.
struct Feed {
    source: Arc<dyn Source>,
    events: Receiver<Event>,
    tick: Interval,
    seen_version: Option<u64>,
    queue: VecDeque<sse::Event>,
    _seat: Seat,
}

impl Feed {
    /// Queues the events that arrived and, if the snapshot changed, a status.
    fn refill(&mut self) {
        let events: Vec<Event> = self.events.try_iter().collect();
        for event in events {
            // Named by the `kind` field that serde writes, so the two never disagree.
            match serde_json::to_value(&event) {
                Ok(json) => {
                    let name = json["kind"].as_str().unwrap_or("event").to_owned();
                    self.push(&name, &json);
                }
                Err(error) => tracing::warn!(%error, "cannot encode a web event"),
            }
        }
        let version = self.source.version();
        if self.seen_version != Some(version) {
            self.seen_version = Some(version);
            let snapshot = self.source.snapshot();
            self.push("status", &api::status(&snapshot));
        }
    }

    fn push(&mut self, name: &str, data: &impl Serialize) {
        match sse::Event::default().event(name).json_data(data) {
            Ok(event) => self.queue.push_back(event),
            Err(error) => tracing::warn!(%error, name, "cannot encode a web event"),
        }
    }
}

impl warp::Stream for Feed {
    type Item = Result<sse::Event, Infallible>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.queue.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            ready!(this.tick.poll_tick(cx));
            this.refill();
        }
    }
}
