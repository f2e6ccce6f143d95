//! The CUDA miner: a thread (`miner-cuda`) that opens the GPU, then feeds it the current job
//! (`feed.rs`) until stopped or a CUDA call fails; its state says which.

use super::device::Gpu;
use super::feed::Feeder;
use super::params::GpuJob;
use super::{CudaError, guarded};
use crate::chain::Block;
use crate::miner::Job;
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

/// Where the CUDA miner stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CudaState {
    /// Opening the GPU and compiling the kernel (a few seconds).
    Starting,
    /// Mining on `device` whenever it has a job.
    Ready {
        /// The GPU's name.
        device: String,
    },
    /// CUDA is unavailable (or failed); the thread has ended.
    Failed(CudaError),
}

/// The GPU miner: one thread driving device 0.
///
/// It holds at most one job; a new one replaces the old within two launches. The first block
/// found for a job is sent (with `try_send`) and the job counts as solved.
pub struct CudaMiner {
    shared: Arc<Shared>,
    handle: Option<JoinHandle<()>>,
}

/// What the miner and its thread share.
pub(super) struct Shared {
    pub(super) slot: Mutex<Slot>,
    pub(super) wake: Condvar,
    /// Mirrors `slot.generation`, for the thread's lock-free check between launches.
    pub(super) generation: AtomicU64,
    pub(super) stop: AtomicBool,
    pub(super) hashes: AtomicU64,
    pub(super) state: Mutex<CudaState>,
    pub(super) found: Sender<Block>,
}

/// The current job and its generation (bumped by every `set_job`).
pub(super) struct Slot {
    pub(super) generation: u64,
    pub(super) job: Option<Arc<GpuJob>>,
}

impl CudaMiner {
    /// Starts the thread; it opens the GPU in the background ([`CudaState::Starting`]).
    pub fn start(found: Sender<Block>) -> Self {
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot { generation: 0, job: None }),
            wake: Condvar::new(),
            generation: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            hashes: AtomicU64::new(0),
            state: Mutex::new(CudaState::Starting),
            found,
        });
        let thread_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new().name("miner-cuda".into()).spawn(move || run(&thread_shared));
        let handle = match spawned {
            Ok(handle) => Some(handle),
            Err(error) => {
                let reason = error.to_string();
                shared.set_state(CudaState::Failed(CudaError::Driver { what: "starting the CUDA thread", reason }));
                None
            }
        };
        Self { shared, handle }
    }

    /// Where it stands.
    pub fn state(&self) -> CudaState {
        self.shared.state.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Replaces the job (`None`: idle once the launches in flight end).
    pub fn set_job(&self, job: Option<Job>) {
        let job = job.map(|job| Arc::new(GpuJob::new(job)));
        let mut slot = self.shared.lock();
        slot.generation += 1;
        slot.job = job;
        self.shared.generation.store(slot.generation, Ordering::Release);
        drop(slot);
        self.shared.wake.notify_all();
    }

    /// Nonces hashed on the GPU since it started.
    pub fn hashes(&self) -> u64 {
        self.shared.hashes.load(Ordering::Relaxed)
    }
}

impl Drop for CudaMiner {
    /// Stops the thread and waits for it (within two launches) — unless it is still opening
    /// the GPU (seconds of compiling): then it ends by itself once open, without mining.
    fn drop(&mut self) {
        {
            let _slot = self.shared.lock();
            self.shared.stop.store(true, Ordering::Release);
        }
        self.shared.wake.notify_all();
        if self.state() == CudaState::Starting {
            return;
        }
        if let Some(handle) = self.handle.take()
            && handle.join().is_err()
        {
            tracing::error!("the CUDA miner thread panicked");
        }
    }
}

impl std::fmt::Debug for CudaMiner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CudaMiner").field("state", &self.state()).field("hashes", &self.hashes()).finish()
    }
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_state(&self, state: CudaState) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = state;
    }

    /// Blocks until the job changes or the miner stops.
    pub(super) fn wait_for_change(&self, seen: u64) {
        let mut slot = self.lock();
        while slot.generation == seen && !self.stop.load(Ordering::Acquire) {
            slot = self.wake.wait(slot).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The thread: open the GPU, then feed it until stopped or a CUDA call fails.
fn run(shared: &Shared) {
    let result = Gpu::open().and_then(|gpu| {
        tracing::info!(device = %gpu.name, arch = %gpu.arch, threads = gpu.threads, "CUDA miner ready");
        shared.set_state(CudaState::Ready { device: gpu.name.clone() });
        let mut feeder = Feeder::new(gpu);
        guarded("mining", || feeder.run(shared))
    });
    if let Err(error) = result {
        shared.set_state(CudaState::Failed(error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn without_cuda_the_miner_fails_with_a_reason_and_never_hashes() {
        let (found, blocks) = crossbeam_channel::bounded(1);
        let miner = CudaMiner::start(found);
        miner.set_job(Some(Job {
            height: 0,
            prev_hash: None,
            mined_by: "gpu".into(),
            messages: vec!["test".into()],
            timestamp: None,
            difficulty: 1,
        }));
        let deadline = Instant::now() + Duration::from_secs(120);
        while miner.state() == CudaState::Starting && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        match miner.state() {
            // A machine with a GPU mines the block (difficulty 1: a hit in the first launch).
            CudaState::Ready { device } => {
                assert!(!device.is_empty());
                let block = blocks.recv_timeout(Duration::from_secs(30)).unwrap();
                assert!(block.hash.ends_with('0'));
                assert!(miner.hashes() > 0);
            }
            CudaState::Failed(error) => {
                assert!(!error.to_string().is_empty());
                assert_eq!(miner.hashes(), 0);
            }
            CudaState::Starting => panic!("the GPU did not start within 120 s"),
        }
        drop(miner);
    }
}
