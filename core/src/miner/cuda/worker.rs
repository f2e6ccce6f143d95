//! The CUDA miner: a thread (`miner-cuda`) that opens the GPU, then keeps two launches of the
//! current job in flight — the next is queued before the last one's hits are read — and
//! rechecks every hit with the plain hash rule before a block leaves it.

use super::super::layout::{CHUNK, Template};
use super::device::{CAPACITY, Gpu, SLOTS};
use super::params::GpuJob;
use super::{CudaError, guarded};
use crate::chain::Block;
use crate::miner::Job;
use crossbeam_channel::{Sender, TrySendError};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Target time of one launch. With two in flight, a new job reaches the GPU within about
/// two launches (≈ 20 ms): well inside the 50 ms a new tip may take.
const LAUNCH_TIME: Duration = Duration::from_millis(10);
/// Nonces one thread hashes in a row (divides 10 000): enough to spread the per-unit setup
/// (digits, 3 rounds, the schedule's constant part) over many nonces.
pub(crate) const PER_THREAD: u32 = 100;
/// Most units per thread in one launch.
const MAX_UNITS: u64 = 1024;

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

struct Shared {
    slot: Mutex<Slot>,
    wake: Condvar,
    /// Mirrors `slot.generation`, for the thread's lock-free check between launches.
    generation: AtomicU64,
    stop: AtomicBool,
    hashes: AtomicU64,
    state: Mutex<CudaState>,
    found: Sender<Block>,
}

struct Slot {
    generation: u64,
    job: Option<Arc<GpuJob>>,
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
    fn drop(&mut self) {
        {
            let _slot = self.shared.lock();
            self.shared.stop.store(true, Ordering::Release);
        }
        self.shared.wake.notify_all();
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
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_state(&self, state: CudaState) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = state;
    }

    /// Blocks until the job changes or the miner stops.
    fn wait_for_change(&self, seen: u64) {
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
        let mut feeder =
            Feeder { gpu, in_flight: VecDeque::new(), cursor: None, seen: 0, solved: 0, units: 1, last_done: None };
        guarded("mining", || feeder.run(shared))
    });
    if let Err(error) = result {
        shared.set_state(CudaState::Failed(error));
    }
}

/// One queued launch.
struct Launch {
    slot: usize,
    generation: u64,
    job: Arc<GpuJob>,
    template: Arc<Template>,
    first_chunk: u64,
    chunks: u32,
}

/// Where the next launch of the current job starts.
struct Cursor {
    job: Arc<GpuJob>,
    template: Arc<Template>,
    next_extranonce: u64,
    next_chunk: u64,
}

struct Feeder {
    gpu: Gpu,
    in_flight: VecDeque<Launch>,
    cursor: Option<Cursor>,
    /// The job generation the cursor belongs to.
    seen: u64,
    /// The last generation whose block was found.
    solved: u64,
    /// Units (of `PER_THREAD` nonces) per thread in the next launch.
    units: u64,
    /// When the last launch's hits were read (`None` after the GPU idled).
    last_done: Option<Instant>,
}

impl Feeder {
    fn run(&mut self, shared: &Shared) -> Result<(), CudaError> {
        while !shared.stop.load(Ordering::Acquire) {
            if shared.generation.load(Ordering::Acquire) != self.seen {
                let slot = shared.lock();
                self.seen = slot.generation;
                self.cursor = slot.job.clone().map(Cursor::new);
            }
            while self.in_flight.len() < SLOTS && self.solved != self.seen && self.cursor.is_some() {
                self.enqueue()?;
            }
            match self.in_flight.pop_front() {
                Some(launch) => self.finish(launch, shared)?,
                None => {
                    self.last_done = None;
                    shared.wait_for_change(self.seen);
                }
            }
        }
        Ok(())
    }

    /// Queues the next launch of the current job.
    fn enqueue(&mut self) -> Result<(), CudaError> {
        let Some(cursor) = self.cursor.as_mut() else { return Ok(()) };
        let job = Arc::clone(&cursor.job);
        if cursor.next_chunk >= job.chunks() {
            cursor.template = Arc::new(job.template(cursor.next_extranonce));
            cursor.next_extranonce = cursor.next_extranonce.wrapping_add(1);
            cursor.next_chunk = 0;
        }
        let slices = u64::from(CHUNK / PER_THREAD);
        let wanted = (self.units * u64::from(self.gpu.threads) / slices).max(1);
        let chunks = wanted.min(job.chunks() - cursor.next_chunk) as u32;
        let params = job.params(&cursor.template, cursor.next_chunk, chunks, PER_THREAD, CAPACITY);
        let slot = (0..SLOTS).find(|s| self.in_flight.iter().all(|l| l.slot != *s)).unwrap_or(0);
        self.gpu.launch(slot, job.v(), &params)?;
        self.in_flight.push_back(Launch {
            slot,
            generation: self.seen,
            job,
            template: Arc::clone(&cursor.template),
            first_chunk: cursor.next_chunk,
            chunks,
        });
        cursor.next_chunk += u64::from(chunks);
        Ok(())
    }

    /// Waits for `launch`, counts its hashes, sizes the next launch and rechecks its hits.
    fn finish(&mut self, launch: Launch, shared: &Shared) -> Result<(), CudaError> {
        let hits = self.gpu.hits(launch.slot)?;
        let hashed = u64::from(launch.chunks) * u64::from(CHUNK);
        shared.hashes.fetch_add(hashed, Ordering::Relaxed);
        let now = Instant::now();
        if let Some(before) = self.last_done.replace(now) {
            // Launches run back to back: the time since the last one ended is this one's.
            let per_launch = u64::from(self.gpu.threads) * u64::from(PER_THREAD);
            let rate = hashed as f64 / now.duration_since(before).as_secs_f64().max(1e-6);
            let wanted = (rate * LAUNCH_TIME.as_secs_f64() / per_launch as f64) as u64;
            self.units = wanted.clamp(1, MAX_UNITS);
        }
        if launch.generation != shared.generation.load(Ordering::Acquire) || self.solved == launch.generation {
            return Ok(());
        }
        for hit in hits {
            let nonce = GpuJob::nonce(&launch.template, launch.first_chunk, hit);
            let Some(block) = launch.job.job.block_if_valid(&nonce) else {
                if launch.job.mask != u64::MAX {
                    tracing::warn!(%nonce, "CUDA candidate failed the recheck");
                }
                continue;
            };
            self.solved = launch.generation;
            tracing::info!(height = block.height, hash = block.short_hash(16), "mined a block on the GPU");
            match shared.found.try_send(block) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => tracing::warn!("found-block channel full; block dropped"),
                Err(TrySendError::Disconnected(_)) => tracing::debug!("found-block channel closed; block dropped"),
            }
            break;
        }
        Ok(())
    }
}

impl Cursor {
    /// A job from a random extranonce (so that restarts and other miners search elsewhere).
    fn new(job: Arc<GpuJob>) -> Self {
        let extranonce = fastrand::u64(..);
        let template = Arc::new(job.template(extranonce));
        Self { job, template, next_extranonce: extranonce.wrapping_add(1), next_chunk: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_cuda_the_miner_fails_with_a_reason_and_never_hashes() {
        let (found, blocks) = crossbeam_channel::bounded(1);
        let miner = CudaMiner::start(found);
        miner.set_job(Some(Job {
            height: 0,
            prev_hash: None,
            mined_by: "gpu".into(),
            messages: vec!["test".into()],
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
