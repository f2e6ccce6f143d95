//! Tip probes: every `tip_probe_interval` a STATS to one random verified peer, and — if
//! it goes unanswered for a moment — one more to another. A reply that shows a longer
//! chain than ours starts a repair (or, when many blocks are missing, a consensus round).
//! Cheap anti-entropy: a peer that missed a block's every push learns of it within about
//! one interval. Probes pause while a round (which asks everyone), a sync or a repair runs.

use super::super::Node;
use crate::protocol::Message;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How long a probe waits for its reply before one retry goes to another peer.
const PROBE_WAIT: Duration = Duration::from_millis(300);

/// A probe waiting for its STATS_REPLY.
#[derive(Debug)]
pub(in crate::node) struct Probe {
    peer: SocketAddr,
    sent: Instant,
    /// Whether this is already the retry.
    retry: bool,
}

impl Node {
    /// Sends the probe that is due, or the retry of one left unanswered.
    pub(in crate::node) fn progress_probe(&mut self, now: Instant) {
        if let Some(probe) = self.probe.take_if(|p| now >= p.sent + PROBE_WAIT)
            && !probe.retry
        {
            self.send_probe(now, Some(probe.peer));
        }
        let Some(interval) = self.config.tip_probe_interval else {
            return;
        };
        if self.timers.next_probe.is_some_and(|due| now >= due) {
            self.timers.next_probe = Some(now + interval);
            if self.probe.is_none() {
                self.send_probe(now, None);
            }
        }
    }

    /// Asks one random verified peer (not `retry_of`, the peer that did not answer) for its tip.
    fn send_probe(&mut self, now: Instant, retry_of: Option<SocketAddr>) {
        if self.round.is_some() || self.sync.is_some() || self.repair.is_some() {
            return;
        }
        let except: Vec<SocketAddr> = retry_of.into_iter().collect();
        let Some(peer) = self.peers.sample_verified(&mut self.rng, 1, &except).pop() else {
            return;
        };
        self.probe = Some(Probe { peer, sent: now, retry: retry_of.is_some() });
        self.counters.tip_probes += 1;
        self.send(peer, &Message::Stats);
    }

    /// When probing next has work: the retry of an unanswered probe, or the next probe.
    pub(in crate::node) fn probe_deadline(&self) -> Option<Instant> {
        let retry = self.probe.as_ref().map(|p| p.sent + PROBE_WAIT);
        [retry, self.timers.next_probe].into_iter().flatten().min()
    }

    /// A STATS_REPLY from `from`: if it answers our probe, the probe is over and its
    /// round trip is returned.
    pub(in crate::node) fn take_probe(&mut self, from: SocketAddr, now: Instant) -> Option<Duration> {
        let probe = self.probe.take_if(|p| p.peer == from)?;
        Some(now.saturating_duration_since(probe.sent))
    }
}
