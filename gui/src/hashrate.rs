//! The hashrate history behind the mining chart: the last ten minutes of samples, the
//! CPU's and CUDA's apart, kept when mining stops.

use std::collections::VecDeque;

/// How far back the chart reaches, in seconds.
pub const WINDOW_SECS: f64 = 600.0;
/// Samples closer together than this are merged (snapshots come up to ten a second).
const MIN_GAP_SECS: f64 = 0.5;

/// One measurement.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sample {
    secs: f64,
    cpu: f64,
    cuda: f64,
}

/// Hashrate samples over the last [`WINDOW_SECS`].
#[derive(Debug, Default)]
pub struct HashrateHistory {
    samples: VecDeque<Sample>,
}

impl HashrateHistory {
    /// Records `rate` hashes/s measured at `secs` (since the window opened) by the miner
    /// `backend` ("cuda" counts as CUDA, anything else as CPU).
    pub fn record(&mut self, secs: f64, rate: f64, backend: &str) {
        let cuda = backend.to_ascii_lowercase().contains("cuda");
        let sample = Sample { secs, cpu: if cuda { 0.0 } else { rate }, cuda: if cuda { rate } else { 0.0 } };
        match self.samples.back_mut() {
            Some(last) if secs - last.secs < MIN_GAP_SECS => *last = Sample { secs: last.secs, ..sample },
            _ => self.samples.push_back(sample),
        }
        while self.samples.front().is_some_and(|s| secs - s.secs > WINDOW_SECS) {
            self.samples.pop_front();
        }
    }

    /// The rate of the last sample (0 with none).
    pub fn last_rate(&self) -> f64 {
        self.samples.back().map_or(0.0, |s| s.cpu + s.cuda)
    }

    /// The CPU line as (seconds relative to `now`, hashes/s).
    pub fn cpu(&self, now: f64) -> Vec<[f64; 2]> {
        self.samples.iter().map(|s| [s.secs - now, s.cpu]).collect()
    }

    /// The CUDA line as (seconds relative to `now`, hashes/s).
    pub fn cuda(&self, now: f64) -> Vec<[f64; 2]> {
        self.samples.iter().map(|s| [s.secs - now, s.cuda]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ten_minutes_and_splits_backends() {
        let mut history = HashrateHistory::default();
        for i in 0..1300 {
            history.record(f64::from(i), 1000.0, if i < 1000 { "sha-ni" } else { "cuda" });
        }
        let cpu = history.cpu(1299.0);
        assert!(cpu.first().unwrap()[0] >= -WINDOW_SECS);
        assert_eq!(cpu.len(), 601);
        assert_eq!(history.cuda(1299.0).last().unwrap()[1], 1000.0);
        history.record(1299.2, 0.0, "sha-ni");
        assert_eq!(history.cpu(1300.0).last(), Some(&[-1.0, 0.0]), "close samples merge");
        assert_eq!(history.last_rate(), 0.0);
    }
}
