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
    /// Records the CPU threads' and the GPU's hashes/s measured at `secs` (since the
    /// window opened).
    pub fn record(&mut self, secs: f64, cpu: f64, cuda: f64) {
        let sample = Sample { secs, cpu, cuda };
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
            let (cpu, cuda) = if i < 1000 { (1000.0, 0.0) } else { (0.0, 1000.0) };
            history.record(f64::from(i), cpu, cuda);
        }
        let cpu = history.cpu(1299.0);
        assert!(cpu.first().unwrap()[0] >= -WINDOW_SECS);
        assert_eq!(cpu.len(), 601);
        assert_eq!(history.cuda(1299.0).last().unwrap()[1], 1000.0);
        history.record(1299.2, 0.0, 0.0);
        assert_eq!(history.cpu(1300.0).last(), Some(&[-1.0, 0.0]), "close samples merge");
        assert_eq!(history.last_rate(), 0.0);
    }
}
