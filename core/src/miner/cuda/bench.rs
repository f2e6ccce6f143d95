//! The CUDA mining benchmark: the GPU miner, as the engine runs it, on a never-solved job
//! shaped like a real one; its hashes per second.

use super::CudaError;
use super::feed::PER_THREAD;
use super::worker::{CudaMiner, CudaState};
use crate::chain::Generation;
use crate::miner::bench::{bench_job, measure};
use serde::Serialize;
use std::time::{Duration, Instant};

/// How long the GPU may take to open and compile the kernel.
const STARTUP_LIMIT: Duration = Duration::from_secs(120);

/// What the benchmark measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CudaBenchReport {
    /// The GPU's name.
    pub device: String,
    /// Seconds measured.
    pub seconds: f64,
    /// Nonces hashed per second on the GPU.
    pub hashes_per_second: f64,
    /// Nonces each GPU thread hashes in a row.
    pub per_thread: u32,
}

impl CudaBenchReport {
    /// A readable line: device and GH/s.
    pub fn table(&self) -> String {
        format!(
            "{:<10} {:<32} {:>8}\n{:<10} {:<32} {:>8.3}\n",
            "method",
            "device",
            "GH/s",
            "cuda",
            self.device,
            self.hashes_per_second / 1e9
        )
    }
}

/// Mines the benchmark job of `generation` on GPU 0 for `seconds` from its first hashes; an error says why
/// CUDA is unavailable.
pub fn run_cuda_bench(seconds: f64, generation: Generation) -> Result<CudaBenchReport, CudaError> {
    let (found, _blocks) = crossbeam_channel::bounded(1);
    let miner = CudaMiner::start(found);
    miner.set_job(Some(bench_job(generation)));
    let started = Instant::now();
    let device = loop {
        match miner.state() {
            CudaState::Ready { device } => break device,
            CudaState::Failed(error) => return Err(error),
            CudaState::Starting if started.elapsed() < STARTUP_LIMIT => std::thread::sleep(Duration::from_millis(10)),
            CudaState::Starting => {
                return Err(CudaError::Driver { what: "starting", reason: "the GPU did not start in 120 s".into() });
            }
        }
    };
    // The clock starts at the first hashes (the driver compiles the PTX on the first
    // launch) and stops at a report after `seconds`: never a zero rate.
    let (hashes, elapsed) = measure(Duration::from_secs_f64(seconds.max(0.001)), || vec![miner.hashes()]);
    if let CudaState::Failed(error) = miner.state() {
        return Err(error);
    }
    Ok(CudaBenchReport {
        device,
        seconds: elapsed.as_secs_f64(),
        hashes_per_second: hashes as f64 / elapsed.as_secs_f64(),
        per_thread: PER_THREAD,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_measures_a_gpu_or_says_why_not() {
        match run_cuda_bench(0.2, Generation::Gossip) {
            Ok(report) => {
                assert!(!report.device.is_empty());
                assert!(report.hashes_per_second > 0.0, "{report:?}");
                assert!(report.table().contains("GH/s"));
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
}
