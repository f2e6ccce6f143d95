//! Host names in FLOODs and FLOOD-REPLYs (GOSSIPs and GOSSIP_REPLYs alike), resolved
//! without blocking the node: IP literals and `localhost` at once; a name is looked up
//! by the engine (the node emits [`Output::Resolve`](super::Output::Resolve) and gets
//! an [`Input::Resolved`](super::Input::Resolved) back), while the messages that named
//! it wait — few of them, not for long. Answers are remembered for a while, failures
//! too.

use crate::protocol::Message;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

/// How long a name's address is remembered.
const ANSWER_TTL: Duration = Duration::from_secs(600);
/// How long a name that did not resolve is remembered as such.
const FAILURE_TTL: Duration = Duration::from_secs(60);
/// How long a message waits for its name to resolve.
const WAIT: Duration = Duration::from_secs(10);
/// Most names remembered.
const MAX_KNOWN: usize = 256;
/// Most names being looked up at once.
const MAX_WAITING_NAMES: usize = 64;
/// Most messages waiting for one name.
const MAX_WAITING_PER_NAME: usize = 8;

/// What is known of a host now.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum HostAddr {
    /// Its address.
    Known(IpAddr),
    /// It does not resolve (or is not an address we may send to).
    Unusable,
    /// Nobody knows yet: the message must wait for a lookup.
    Unknown,
}

/// A message that named a host being looked up.
#[derive(Debug)]
pub(super) struct Waiting {
    /// Its UDP source.
    pub from: SocketAddr,
    /// The message (a FLOOD or FLOOD-REPLY).
    pub message: Message,
    /// Its bytes, for forwarding.
    pub raw: Vec<u8>,
    since: Instant,
}

/// Names we know, and the messages waiting for names we are looking up.
#[derive(Debug, Default)]
pub(super) struct Hosts {
    known: BTreeMap<String, (Option<IpAddr>, Instant)>,
    waiting: BTreeMap<String, Vec<Waiting>>,
    dropped: u64,
}

impl Hosts {
    /// What is known of `host` at `now`.
    pub(super) fn lookup(&self, host: &str, now: Instant) -> HostAddr {
        if host.eq_ignore_ascii_case("localhost") {
            return HostAddr::Known(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return HostAddr::Known(ip);
        }
        match self.known.get(&host.to_ascii_lowercase()) {
            Some((Some(ip), until)) if *until > now => HostAddr::Known(*ip),
            Some((None, until)) if *until > now => HostAddr::Unusable,
            _ => HostAddr::Unknown,
        }
    }

    /// Parks `message` until `host` resolves; returns whether a lookup must be asked
    /// for (the first message naming it). Past the bounds the message is dropped.
    pub(super) fn wait(&mut self, host: &str, from: SocketAddr, message: Message, raw: &[u8], now: Instant) -> bool {
        let name = host.to_ascii_lowercase();
        let first = !self.waiting.contains_key(&name);
        if first && self.waiting.len() >= MAX_WAITING_NAMES {
            self.dropped += 1;
            return false;
        }
        let queue = self.waiting.entry(name).or_default();
        if queue.len() >= MAX_WAITING_PER_NAME {
            self.dropped += 1;
            return false;
        }
        queue.push(Waiting { from, message, raw: raw.to_vec(), since: now });
        first
    }

    /// Remembers what `host` resolved to; returns the messages that waited for it.
    pub(super) fn resolved(&mut self, host: &str, ip: Option<IpAddr>, now: Instant) -> Vec<Waiting> {
        let name = host.to_ascii_lowercase();
        if self.known.len() >= MAX_KNOWN {
            self.known.retain(|_, (_, until)| *until > now);
            if self.known.len() >= MAX_KNOWN {
                self.known.clear();
            }
        }
        let ttl = if ip.is_some() { ANSWER_TTL } else { FAILURE_TTL };
        self.known.insert(name.clone(), (ip, now + ttl));
        self.waiting.remove(&name).unwrap_or_default()
    }

    /// Drops messages that waited too long (their lookup never came back).
    pub(super) fn expire(&mut self, now: Instant) {
        let before: usize = self.waiting.values().map(Vec::len).sum();
        self.waiting.retain(|_, queue| {
            queue.retain(|w| now.saturating_duration_since(w.since) < WAIT);
            !queue.is_empty()
        });
        let after: usize = self.waiting.values().map(Vec::len).sum();
        self.dropped += (before - after) as u64;
    }

    /// When the oldest waiting message gives up.
    pub(super) fn next_expiry(&self) -> Option<Instant> {
        self.waiting.values().flatten().map(|w| w.since + WAIT).min()
    }

    /// Messages dropped because too many waited, or for too long.
    pub(super) fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_at_once_names_after_a_lookup() {
        let now = Instant::now();
        let mut hosts = Hosts::default();
        assert_eq!(hosts.lookup("10.1.2.3", now), HostAddr::Known([10, 1, 2, 3].into()));
        assert_eq!(hosts.lookup("LocalHost", now), HostAddr::Known([127, 0, 0, 1].into()));
        assert_eq!(hosts.lookup("peer.example", now), HostAddr::Unknown);
        let from = SocketAddr::from(([10, 0, 0, 1], 1));
        assert!(hosts.wait("peer.example", from, Message::Stats, b"a", now), "the first asks for a lookup");
        assert!(!hosts.wait("Peer.Example", from, Message::Stats, b"b", now), "the second waits with it");
        let ready = hosts.resolved("peer.example", Some([10, 9, 9, 9].into()), now);
        assert_eq!(ready.iter().map(|w| w.raw.clone()).collect::<Vec<_>>(), [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(hosts.lookup("PEER.example", now), HostAddr::Known([10, 9, 9, 9].into()));
        assert_eq!(hosts.lookup("peer.example", now + ANSWER_TTL), HostAddr::Unknown, "looked up again later");
        hosts.resolved("nowhere.example", None, now);
        assert_eq!(hosts.lookup("nowhere.example", now), HostAddr::Unusable);
    }

    #[test]
    fn waiting_is_bounded_in_names_messages_and_time() {
        let now = Instant::now();
        let mut hosts = Hosts::default();
        let from = SocketAddr::from(([10, 0, 0, 1], 1));
        let asked = (0..1000).filter(|i| hosts.wait(&format!("n{i}.example"), from, Message::Stats, b"", now)).count();
        assert_eq!(asked, MAX_WAITING_NAMES);
        for _ in 0..100 {
            hosts.wait("n0.example", from, Message::Stats, b"", now);
        }
        assert_eq!(hosts.waiting["n0.example"].len(), MAX_WAITING_PER_NAME);
        assert_eq!(hosts.next_expiry(), Some(now + WAIT));
        hosts.expire(now + WAIT);
        assert!(hosts.waiting.is_empty());
        assert!(hosts.dropped() >= 1000);
    }
}
