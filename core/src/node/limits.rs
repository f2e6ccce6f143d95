//! Bounded bookkeeping: the set of FLOOD (or GOSSIP) ids already seen, per-address
//! token buckets, and the forwarding budget — each counting what it refused.

use super::packed;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The most recent FLOODs, by originator and id, forgetting the oldest beyond `max`.
/// Keyed by originator too: peers that number their FLOODs 1, 2, 3… (or share a
/// random seed) must not shadow each other.
///
/// Each key is kept as a 64-bit hash salted with a secret of this peer's (16 bytes a
/// key instead of ~150 for its text): two keys collide with probability 2⁻⁶⁴, and then
/// a FLOOD merely looks seen; without the salt nobody can aim for a collision.
#[derive(Debug)]
pub struct SeenIds {
    set: HashSet<u64>,
    order: VecDeque<u64>,
    max: usize,
    salt: u128,
}

impl SeenIds {
    /// An empty set remembering at most `max` ids, its keys salted with `salt`.
    pub fn new(max: usize, salt: u128) -> Self {
        Self { set: HashSet::new(), order: VecDeque::new(), max: max.max(1), salt }
    }

    /// Records the FLOOD `id` of `host:port`; returns whether it was new.
    pub fn insert(&mut self, host: &str, port: u16, id: &str) -> bool {
        let mut hasher = DefaultHasher::new();
        (self.salt, host, port, id).hash(&mut hasher);
        let key = hasher.finish();
        if self.set.contains(&key) {
            return false;
        }
        if self.order.len() >= self.max
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        self.set.insert(key);
        self.order.push_back(key);
        true
    }

    /// Ids remembered now.
    pub fn len(&self) -> usize {
        self.order.len()
    }
}

/// A token bucket: its tokens and when it was last filled, in milliseconds since the
/// limiter's epoch (16 bytes, so that thousands of sources cost little).
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    last_ms: u64,
}

/// Token buckets per address: `rate` per second, bursts of `2 × rate`, at most
/// `max_sources` tracked (idle ones are forgotten first; past that, new sources pass
/// untracked — per-address limits cannot stop spoofed sources anyway). Keyed by the
/// address packed in 8 bytes (`packed::key`).
#[derive(Debug)]
pub struct RateLimiter {
    buckets: BTreeMap<u64, Bucket>,
    /// The moment bucket times count from (the first use).
    epoch: Option<Instant>,
    rate: f64,
    burst: f64,
    max_sources: usize,
    refused: u64,
}

impl RateLimiter {
    /// A limiter of `rate` messages per second per address.
    pub fn new(rate: u32, max_sources: usize) -> Self {
        let rate = f64::from(rate.max(1));
        Self::with_burst(rate, 2.0 * rate, max_sources)
    }

    /// A limiter of `rate` tokens per second per address, at most `burst` saved up.
    pub fn with_burst(rate: f64, burst: f64, max_sources: usize) -> Self {
        Self { buckets: BTreeMap::new(), epoch: None, rate, burst, max_sources, refused: 0 }
    }

    /// Whether `addr` may send one more message at `now`.
    pub fn allow(&mut self, addr: SocketAddr, now: Instant) -> bool {
        self.allow_n(addr, now, 1)
    }

    /// Whether `addr` may spend `n` tokens (messages, or bytes) at `now`.
    pub fn allow_n(&mut self, addr: SocketAddr, now: Instant, n: usize) -> bool {
        let now_ms = self.millis(now);
        let key = packed::key(addr);
        let full = self.buckets.len() >= self.max_sources;
        let bucket = match self.buckets.get_mut(&key) {
            Some(bucket) => bucket,
            None => {
                if full {
                    self.forget_idle(now_ms);
                    if self.buckets.len() >= self.max_sources {
                        return true;
                    }
                }
                self.buckets.entry(key).or_insert(Bucket { tokens: self.burst, last_ms: now_ms })
            }
        };
        let elapsed = now_ms.saturating_sub(bucket.last_ms) as f64 / 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.last_ms = now_ms;
        let n = n as f64;
        if bucket.tokens >= n {
            bucket.tokens -= n;
            true
        } else {
            self.refused += 1;
            false
        }
    }

    /// `now` in milliseconds since the epoch (set by the first call).
    fn millis(&mut self, now: Instant) -> u64 {
        let epoch = *self.epoch.get_or_insert(now);
        u64::try_from(now.saturating_duration_since(epoch).as_millis()).unwrap_or(u64::MAX)
    }

    fn forget_idle(&mut self, now_ms: u64) {
        let (rate, burst) = (self.rate, self.burst);
        self.buckets.retain(|_, b| b.tokens + now_ms.saturating_sub(b.last_ms) as f64 / 1000.0 * rate < burst);
    }

    /// Messages refused so far.
    pub fn refused(&self) -> u64 {
        self.refused
    }
}

/// FLOODs an originator may have forwarded per minute: honest peers FLOOD every 30 s.
const FORWARDS_PER_ORIGIN_PER_MINUTE: f64 = 4.0;
/// Most originators whose forwards are counted (past that, the global budget holds).
const MAX_ORIGINS: usize = 4096;
/// The global budget is sized for at least this many peers.
const MIN_BUDGET_PEERS: usize = 16;

/// What we may forward: a few FLOODs a minute per originator, and overall about what
/// the peers we know would send honestly, so that FLOODs naming made-up or spoofed
/// originators cannot turn us (or our neighbours) into an amplifier.
#[derive(Debug)]
pub struct ForwardBudget {
    per_origin: RateLimiter,
    tokens: f64,
    last: Option<Instant>,
    refused: u64,
}

impl ForwardBudget {
    /// A full budget.
    pub fn new() -> Self {
        let rate = FORWARDS_PER_ORIGIN_PER_MINUTE / 60.0;
        Self {
            per_origin: RateLimiter::with_burst(rate, FORWARDS_PER_ORIGIN_PER_MINUTE, MAX_ORIGINS),
            tokens: 0.0,
            last: None,
            refused: 0,
        }
    }

    /// Whether a FLOOD of `origin` may be forwarded at `now`, with `peers` known: each
    /// known peer's honest FLOODs (one per 30 s) fit the global budget twice over, and a
    /// FLOOD from each of them at once fits its burst.
    pub fn allow(&mut self, origin: SocketAddr, now: Instant, peers: usize) -> bool {
        let peers = peers.max(MIN_BUDGET_PEERS) as f64;
        let (rate, burst) = (peers / 15.0, peers);
        let elapsed = self.last.map_or(burst / rate, |last| now.saturating_duration_since(last).as_secs_f64());
        self.tokens = (self.tokens + elapsed * rate).min(burst);
        self.last = Some(now);
        if self.tokens >= 1.0 && self.per_origin.allow(origin, now) {
            self.tokens -= 1.0;
            true
        } else {
            self.refused += 1;
            false
        }
    }

    /// FLOODs not forwarded so far.
    pub fn refused(&self) -> u64 {
        self.refused
    }
}

/// How long a chain whose sync failed is not tried again: a claim nobody could back
/// (or a lossy moment) is not worth every round's time.
const FAILED_TARGET_TTL: Duration = Duration::from_secs(120);
/// Most failed chains remembered.
const MAX_FAILED_TARGETS: usize = 64;

/// The chains (length and tip) whose sync failed lately.
#[derive(Debug, Default)]
pub struct FailedTargets {
    targets: BTreeMap<(u64, String), Instant>,
}

impl FailedTargets {
    /// Remembers that fetching the chain `(height, hash)` failed at `now`.
    pub fn remember(&mut self, height: u64, hash: &str, now: Instant) {
        self.targets.retain(|_, until| *until > now);
        if self.targets.len() < MAX_FAILED_TARGETS {
            self.targets.insert((height, hash.to_owned()), now + FAILED_TARGET_TTL);
        }
    }

    /// Whether fetching `(height, hash)` failed a short while before `now`.
    pub fn failed_lately(&self, height: u64, hash: &str, now: Instant) -> bool {
        self.targets.get(&(height, hash.to_owned())).is_some_and(|until| *until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn seen_ids_forget_the_oldest() {
        let mut seen = SeenIds::new(2, 7);
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

#[cfg(test)]
mod forward_tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_originator_is_forwarded_a_few_times_a_minute() {
        let start = Instant::now();
        let mut budget = ForwardBudget::new();
        let origin = SocketAddr::from(([10, 0, 0, 1], 1));
        let passed = (0..1000).filter(|_| budget.allow(origin, start, 10)).count();
        assert_eq!(passed, 4, "the originator's burst, nothing more");
        assert!(budget.allow(origin, start + Duration::from_secs(15), 10), "one more per 15 s");
        assert!(budget.allow(SocketAddr::from(([10, 0, 0, 2], 1)), start, 10), "others are not held back");
    }

    #[test]
    fn made_up_originators_spend_the_global_budget_only() {
        let start = Instant::now();
        let mut budget = ForwardBudget::new();
        let spoofed =
            (0..10_000u32).filter(|i| budget.allow(SocketAddr::from((i.to_be_bytes(), 1)), start, 20)).count();
        assert_eq!(spoofed, 20, "a burst of one FLOOD per known peer");
        let later = start + Duration::from_secs(60);
        let more =
            (0..10_000u32).filter(|i| budget.allow(SocketAddr::from(((i + 20_000).to_be_bytes(), 1)), later, 20));
        assert_eq!(more.count(), 20, "then 20 peers' worth every 15 s, capped at the burst");
        assert!(budget.refused() > 19_000);
    }
}
