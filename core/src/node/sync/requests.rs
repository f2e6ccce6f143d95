//! The GET_BLOCKs of a sync in flight: which peer was asked for which height (a reply
//! counts only from a peer asked for that height), how many each peer holds, and how
//! many it may hold — a window that grows while it answers and halves when it does not,
//! so that silent peers end up holding one request each. Peers that have answered are
//! asked first, so a request that timed out goes to one that will answer it.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// A peer's window when the sync starts.
const FIRST_WINDOW: usize = 8;

/// One height asked for.
#[derive(Debug, Clone)]
struct Request {
    /// Who holds it now.
    source: SocketAddr,
    /// When it was last sent.
    sent: Instant,
    /// How often it was sent again.
    attempts: u32,
    /// Everyone it was sent to (a late answer from any of them counts).
    asked: Vec<SocketAddr>,
}

/// The requests in flight and each source's load and window.
#[derive(Debug)]
pub(super) struct InFlight {
    requests: BTreeMap<u64, Request>,
    load: BTreeMap<SocketAddr, usize>,
    window: BTreeMap<SocketAddr, usize>,
    answered: BTreeSet<SocketAddr>,
    max_window: usize,
}

impl InFlight {
    /// Nothing in flight; no source may hold more than `max_window`.
    pub(super) fn new(max_window: usize) -> Self {
        Self {
            requests: BTreeMap::new(),
            load: BTreeMap::new(),
            window: BTreeMap::new(),
            answered: BTreeSet::new(),
            max_window,
        }
    }

    /// Whether `height` is asked for.
    pub(super) fn contains(&self, height: u64) -> bool {
        self.requests.contains_key(&height)
    }

    /// Records that `height` was sent to `source` now.
    pub(super) fn insert(&mut self, height: u64, source: SocketAddr, now: Instant) {
        self.remove(height);
        *self.load.entry(source).or_default() += 1;
        self.requests.insert(height, Request { source, sent: now, attempts: 0, asked: vec![source] });
    }

    /// Takes the answer to `height` from `from`: whether `from` was asked for it. The
    /// answering peer's window grows.
    pub(super) fn answer(&mut self, height: u64, from: SocketAddr) -> bool {
        if !self.requests.get(&height).is_some_and(|r| r.asked.contains(&from)) {
            return false;
        }
        self.remove(height);
        self.answered.insert(from);
        let window = self.window.entry(from).or_insert(FIRST_WINDOW.min(self.max_window));
        *window = (*window + 1).min(self.max_window);
        true
    }

    /// Forgets the request for `height`.
    pub(super) fn remove(&mut self, height: u64) {
        if let Some(request) = self.requests.remove(&height)
            && let Some(load) = self.load.get_mut(&request.source)
        {
            *load = load.saturating_sub(1);
        }
    }

    /// Of `sources`, one with room left in its window (`cap` bounds every window) —
    /// one that has answered before if any, then the least loaded — other than `avoid`
    /// unless it is the only one.
    pub(super) fn least_loaded(
        &self,
        sources: &[SocketAddr],
        cap: usize,
        avoid: Option<SocketAddr>,
    ) -> Option<SocketAddr> {
        let candidates = sources.iter().filter(|s| Some(**s) != avoid || sources.len() == 1);
        candidates
            .filter_map(|s| {
                let load = self.load.get(s).copied().unwrap_or(0);
                let window = self.window.get(s).copied().unwrap_or(FIRST_WINDOW).min(self.max_window).min(cap);
                (load < window).then_some((!self.answered.contains(s), load, *s))
            })
            .min()
            .map(|(_, _, s)| s)
    }

    /// The requests older than `timeout`: each is handed to another of `sources` (the
    /// silent peer's window halves) and returned as `(peer, height)` to send again —
    /// or, past `max_attempts`, the height that nobody answered.
    pub(super) fn expire(
        &mut self,
        sources: &[SocketAddr],
        now: Instant,
        timeout: Duration,
        max_attempts: u32,
    ) -> Result<Vec<(SocketAddr, u64)>, u64> {
        let due: Vec<u64> = self
            .requests
            .iter()
            .filter(|(_, r)| now.saturating_duration_since(r.sent) >= timeout)
            .map(|(h, _)| *h)
            .collect();
        let mut resend = Vec::new();
        for height in due {
            let Some(mut request) = self.requests.remove(&height) else { continue };
            if let Some(load) = self.load.get_mut(&request.source) {
                *load = load.saturating_sub(1);
            }
            if request.attempts >= max_attempts {
                return Err(height);
            }
            let window = self.window.entry(request.source).or_insert(FIRST_WINDOW.min(self.max_window));
            *window = (*window / 2).max(1);
            let source = self
                .least_loaded(sources, usize::MAX, Some(request.source))
                .or_else(|| self.least_answered(sources, request.source))
                .unwrap_or(request.source);
            *self.load.entry(source).or_default() += 1;
            if !request.asked.contains(&source) {
                request.asked.push(source);
            }
            request.source = source;
            request.sent = now;
            request.attempts += 1;
            self.requests.insert(height, request);
            resend.push((source, height));
        }
        Ok(resend)
    }

    /// Of `sources` other than `avoid`, one that has answered before, however loaded.
    fn least_answered(&self, sources: &[SocketAddr], avoid: SocketAddr) -> Option<SocketAddr> {
        let answered = sources.iter().filter(|s| **s != avoid && self.answered.contains(s));
        answered.min_by_key(|s| (self.load.get(s).copied().unwrap_or(0), **s)).copied()
    }

    /// When the oldest request is due.
    pub(super) fn next_due(&self, timeout: Duration) -> Option<Instant> {
        self.requests.values().map(|r| r.sent + timeout).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn only_a_peer_asked_may_answer() {
        let now = Instant::now();
        let mut inflight = InFlight::new(64);
        inflight.insert(7, peer(1), now);
        assert!(!inflight.answer(7, peer(2)), "a neighbour's block for a height it was not asked");
        assert!(!inflight.answer(8, peer(1)), "a height nobody asked for");
        assert!(inflight.answer(7, peer(1)));
        assert!(!inflight.answer(7, peer(1)), "answered once");
    }

    #[test]
    fn a_late_answer_from_the_first_peer_asked_still_counts() {
        let start = Instant::now();
        let mut inflight = InFlight::new(64);
        let sources = [peer(1), peer(2)];
        inflight.insert(7, peer(1), start);
        let resend = inflight.expire(&sources, start + Duration::from_secs(1), Duration::from_millis(500), 8);
        assert_eq!(resend, Ok(vec![(peer(2), 7)]));
        assert!(inflight.answer(7, peer(1)));
    }

    #[test]
    fn silent_peers_end_up_holding_one_request() {
        let mut now = Instant::now();
        let mut inflight = InFlight::new(64);
        let (silent, honest) = (peer(1), peer(2));
        for round in 0..4u64 {
            let mut height = round * 1000;
            while inflight.least_loaded(&[silent], 64, None).is_some() {
                inflight.insert(height, silent, now);
                height += 1;
            }
            now += Duration::from_secs(1);
            let moved = inflight.expire(&[silent, honest], now, Duration::from_millis(500), 100).unwrap_or_default();
            assert!(moved.iter().all(|(to, _)| *to == honest), "re-sent to the peer that answers");
            for (_, height) in moved {
                assert!(inflight.answer(height, honest));
            }
        }
        assert_eq!(inflight.window[&silent], 1, "halved at every timeout, down to one");
        inflight.insert(9999, silent, now);
        assert_eq!(inflight.least_loaded(&[silent, honest], 64, None), Some(honest));
    }
}
