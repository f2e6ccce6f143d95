//! Turns the miners' running hash count into a rate over a short sliding window.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The window the rate is averaged over.
const WINDOW: Duration = Duration::from_secs(5);

/// Samples of a monotonic hash counter.
#[derive(Debug, Default)]
pub(super) struct HashrateMeter {
    samples: VecDeque<(Instant, u64)>,
}

impl HashrateMeter {
    /// Records the counter's value at `now`.
    pub(super) fn sample(&mut self, now: Instant, total: u64) {
        self.samples.push_back((now, total));
        while self.samples.len() > 2 && self.samples.front().is_some_and(|(t, _)| now.duration_since(*t) > WINDOW) {
            self.samples.pop_front();
        }
    }

    /// Hashes per second over the window (0 with fewer than two samples).
    pub(super) fn rate(&self) -> f64 {
        match (self.samples.front(), self.samples.back()) {
            (Some((t0, h0)), Some((t1, h1))) if t1 > t0 => (h1 - h0) as f64 / t1.duration_since(*t0).as_secs_f64(),
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_over_the_window() {
        let start = Instant::now();
        let mut meter = HashrateMeter::default();
        assert_eq!(meter.rate(), 0.0);
        for s in 0..=10 {
            meter.sample(start + Duration::from_secs(s), s * 1000);
        }
        assert!((meter.rate() - 1000.0).abs() < 1e-9);
        meter.sample(start + Duration::from_secs(20), 10_000);
        assert_eq!(meter.rate(), 0.0, "idle miners read zero");
    }
}
