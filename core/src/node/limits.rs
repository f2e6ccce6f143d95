//! Bounded bookkeeping: the set of FLOOD ids already seen and per-address token
//! buckets, each counting what it refused.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

/// The most recent FLOODs, by originator and id, forgetting the oldest beyond `max`.
/// Keyed by originator too: peers that number their FLOODs 1, 2, 3… (or share a
/// random seed) must not shadow each other.
#[derive(Debug)]
pub struct SeenIds {
    set: HashSet<String>,
    order: VecDeque<String>,
    max: usize,
}

impl SeenIds {
    /// An empty set remembering at most `max` ids.
    pub fn new(max: usize) -> Self {
        Self { set: HashSet::new(), order: VecDeque::new(), max: max.max(1) }
    }

    /// Records the FLOOD `id` of `host:port`; returns whether it was new.
    pub fn insert(&mut self, host: &str, port: u16, id: &str) -> bool {
        let key = format!("{host}:{port} {id}");
        if self.set.contains(&key) {
            return false;
        }
        if self.order.len() >= self.max
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        self.set.insert(key.clone());
        self.order.push_back(key);
        true
    }

    /// Ids remembered now.
    pub fn len(&self) -> usize {
        self.order.len()
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Token buckets per address: `rate` per second, bursts of `2 × rate`, at most
/// `max_sources` tracked (idle ones are forgotten first; past that, new sources pass
/// untracked — per-address limits cannot stop spoofed sources anyway).
#[derive(Debug)]
pub struct RateLimiter {
    buckets: BTreeMap<SocketAddr, Bucket>,
    rate: f64,
    burst: f64,
    max_sources: usize,
    refused: u64,
}

impl RateLimiter {
    /// A limiter of `rate` messages per second per address.
    pub fn new(rate: u32, max_sources: usize) -> Self {
        let rate = f64::from(rate.max(1));
        Self { buckets: BTreeMap::new(), rate, burst: 2.0 * rate, max_sources, refused: 0 }
    }

    /// Whether `addr` may send one more message at `now`.
    pub fn allow(&mut self, addr: SocketAddr, now: Instant) -> bool {
        self.allow_n(addr, now, 1)
    }

    /// Whether `addr` may spend `n` tokens (messages, or bytes) at `now`.
    pub fn allow_n(&mut self, addr: SocketAddr, now: Instant, n: usize) -> bool {
        if !self.buckets.contains_key(&addr) && self.buckets.len() >= self.max_sources {
            self.forget_idle(now);
            if self.buckets.len() >= self.max_sources {
                return true;
            }
        }
        let bucket = self.buckets.entry(addr).or_insert(Bucket { tokens: self.burst, last: now });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.last = now;
        let n = n as f64;
        if bucket.tokens >= n {
            bucket.tokens -= n;
            true
        } else {
            self.refused += 1;
            false
        }
    }

    fn forget_idle(&mut self, now: Instant) {
        let (rate, burst) = (self.rate, self.burst);
        self.buckets.retain(|_, b| b.tokens + now.saturating_duration_since(b.last).as_secs_f64() * rate < burst);
    }

    /// Messages refused so far.
    pub fn refused(&self) -> u64 {
        self.refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn seen_ids_forget_the_oldest() {
        let mut seen = SeenIds::new(2);
        assert!(seen.insert("h", 1, "a"));
        assert!(!seen.insert("h", 1, "a"));
        assert!(seen.insert("h", 2, "a"), "another originator's id 'a'");
        assert!(seen.insert("h", 1, "c"));
        assert_eq!(seen.len(), 2);
        assert!(seen.insert("h", 1, "a"), "the oldest id was forgotten");
    }

    #[test]
    fn a_storm_from_one_source_does_not_starve_another() {
        let now = Instant::now();
        let mut limiter = RateLimiter::new(100, 16);
        let storm = SocketAddr::from(([127, 0, 0, 1], 1));
        let quiet = SocketAddr::from(([127, 0, 0, 1], 2));
        let passed = (0..10_000).filter(|_| limiter.allow(storm, now)).count();
        assert_eq!(passed, 200, "the burst passes, nothing more");
        assert!(limiter.allow(quiet, now));
        assert!(limiter.allow(storm, now + Duration::from_millis(20)), "tokens refill");
        assert_eq!(limiter.refused(), 9_800);
    }

    #[test]
    fn source_table_stays_bounded() {
        let now = Instant::now();
        let mut limiter = RateLimiter::new(10, 4);
        for port in 0..100 {
            limiter.allow(SocketAddr::from(([10, 0, 0, 1], port)), now);
        }
        assert!(limiter.buckets.len() <= 4);
    }
}
