//! The engine's miners: the CPU pool, and the GPU miner when CUDA mining is on. The job goes to
//! the GPU once it is ready and to the CPU threads otherwise — while CUDA starts, and for good
//! (with one warning saying why) when CUDA is unavailable.

use super::hashrate::HashrateMeter;
use crate::chain::Block;
use crate::miner::{CudaMiner, CudaState, Job, MinerPool};
use crate::node::{CudaStats, MinerStats};
use crossbeam_channel::Sender;
use std::time::Instant;

pub(super) struct Miners {
    pool: MinerPool,
    cuda: Option<CudaMiner>,
    found: Sender<Block>,
    job: Option<Job>,
    /// Whether the CPU pool has the current job.
    pool_mining: bool,
    /// The GPU's name once it is ready.
    device: Option<String>,
    /// Why CUDA mining was asked for but does not run.
    cuda_error: Option<String>,
    cpu_meter: HashrateMeter,
    gpu_meter: HashrateMeter,
}

impl Miners {
    /// `threads` CPU workers, and the GPU miner if `cuda`; found blocks go to `found`.
    pub(super) fn new(threads: usize, found: Sender<Block>, cuda: bool) -> Self {
        let mut miners = Self {
            pool: MinerPool::new(threads, found.clone()),
            cuda: None,
            found,
            job: None,
            pool_mining: false,
            device: None,
            cuda_error: None,
            cpu_meter: HashrateMeter::default(),
            gpu_meter: HashrateMeter::default(),
        };
        miners.set_cuda(cuda);
        miners
    }

    /// Replaces the job (`None`: stop mining).
    pub(super) fn set_job(&mut self, job: Option<Job>) {
        if job.is_none() {
            self.cpu_meter = HashrateMeter::default();
            self.gpu_meter = HashrateMeter::default();
        }
        self.job = job;
        if let Some(cuda) = &self.cuda {
            cuda.set_job(self.job.clone());
        }
        self.route(true);
    }

    /// Changes the number of CPU workers.
    pub(super) fn set_threads(&mut self, threads: usize) {
        self.pool.set_threads(threads);
    }

    /// Starts mining on the GPU (again, after a failure), or stops it and forgets the failure.
    pub(super) fn set_cuda(&mut self, on: bool) {
        if !on {
            (self.cuda, self.device, self.cuda_error) = (None, None, None);
        } else if self.cuda.is_none() {
            self.cuda_error = None;
            let cuda = CudaMiner::start(self.found.clone());
            cuda.set_job(self.job.clone());
            self.cuda = Some(cuda);
        }
        self.route(false);
    }

    /// Follows the GPU miner's state (ready, failed); true if what is shown changed.
    pub(super) fn poll(&mut self) -> bool {
        let (device, error) = (self.device.clone(), self.cuda_error.clone());
        self.route(false);
        device != self.device || error != self.cuda_error
    }

    /// Gives the job to the GPU when it is ready, to the CPU pool otherwise; `new_job`: the job
    /// changed, so a mining pool needs it even if it mines already.
    fn route(&mut self, new_job: bool) {
        match self.cuda.as_ref().map(CudaMiner::state) {
            Some(CudaState::Ready { device }) => {
                if self.device.is_none() {
                    tracing::info!("CUDA mining on {device}");
                }
                self.device = Some(device);
            }
            Some(CudaState::Failed(error)) => {
                tracing::warn!("CUDA mining unavailable: {error}; mining on the CPU");
                self.cuda_error = Some(error.to_string());
                self.cuda = None;
                self.device = None;
            }
            Some(CudaState::Starting) | None => {}
        }
        let cpu = self.job.is_some() && self.device.is_none();
        if cpu != self.pool_mining || (new_job && cpu) {
            self.pool.set_job(if cpu { self.job.clone() } else { None });
            self.pool_mining = cpu;
        }
    }

    /// Whether the GPU miner is still opening the GPU.
    pub(super) fn cuda_starting(&self) -> bool {
        self.cuda.is_some() && self.device.is_none()
    }

    /// Samples the hash counters.
    pub(super) fn sample(&mut self, now: Instant) {
        self.cpu_meter.sample(now, self.pool.hashes());
        if let Some(cuda) = &self.cuda {
            self.gpu_meter.sample(now, cuda.hashes());
        }
    }

    /// Whether some miner hashed lately.
    pub(super) fn busy(&self) -> bool {
        self.cpu_meter.rate() > 0.0 || self.gpu_meter.rate() > 0.0
    }

    /// What the snapshot shows.
    pub(super) fn stats(&self) -> MinerStats {
        MinerStats {
            hashrate: self.cpu_meter.rate(),
            threads: self.pool.threads(),
            backend: self.pool.backend().to_owned(),
            total_hashes: self.pool.hashes(),
            cuda: self.cuda.as_ref().map(|cuda| CudaStats {
                ready: self.device.is_some(),
                device: self.device.clone().unwrap_or_default(),
                hashrate: self.gpu_meter.rate(),
                total_hashes: cuda.hashes(),
            }),
            cuda_error: self.cuda_error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn without_cuda_the_job_stays_on_the_cpu_and_the_reason_is_shown() {
        let (found, blocks) = crossbeam_channel::bounded(4);
        let mut miners = Miners::new(1, found, true);
        miners.set_job(Some(Job {
            height: 0,
            prev_hash: None,
            mined_by: "miners".into(),
            messages: vec!["cpu".into()],
            timestamp: None,
            difficulty: 2,
        }));
        // The CPU mines while CUDA starts, and after it fails.
        let block = blocks.recv_timeout(Duration::from_secs(60)).unwrap();
        assert!(block.hash.ends_with("00"));
        let deadline = Instant::now() + Duration::from_secs(120);
        while miners.stats().cuda.as_ref().is_some_and(|c| !c.ready) && Instant::now() < deadline {
            miners.poll();
            std::thread::sleep(Duration::from_millis(5));
        }
        let stats = miners.stats();
        match (&stats.cuda, &stats.cuda_error) {
            (None, Some(reason)) => assert!(!reason.is_empty()),
            (Some(cuda), None) => assert!(cuda.ready && !cuda.device.is_empty()),
            other => panic!("{other:?}"),
        }
        miners.set_cuda(false);
        assert_eq!((miners.stats().cuda, miners.stats().cuda_error), (None, None));
    }
}
