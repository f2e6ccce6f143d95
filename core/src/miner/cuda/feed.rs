//! Feeding the GPU: launches of the current job queued two at a time, each sized to about
//! [`LAUNCH_TIME`], and the hits of each finished launch rechecked with the plain hash rule.

use super::super::layout::{CHUNK, Template};
use super::CudaError;
use super::device::{CAPACITY, Gpu, SLOTS};
use super::params::GpuJob;
use super::worker::Shared;
use crossbeam_channel::TrySendError;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Target time of one launch. With two in flight, a new job reaches the GPU within about
/// two launches (≈ 20 ms): well inside the 50 ms a new tip may take.
const LAUNCH_TIME: Duration = Duration::from_millis(10);
/// Nonces one thread hashes in a row (divides 10 000): enough to spread the per-unit setup
/// (digits, 3 rounds, the schedule's constant part) over many nonces.
pub(crate) const PER_THREAD: u32 = 100;
/// Most units per thread in one launch.
const MAX_UNITS: u64 = 1024;

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

/// The launch loop's state.
pub(super) struct Feeder {
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
    /// A feeder for `gpu`, idle.
    pub(super) fn new(gpu: Gpu) -> Self {
        Self { gpu, in_flight: VecDeque::new(), cursor: None, seen: 0, solved: 0, units: 1, last_done: None }
    }

    /// Launches the current job until the miner stops or a CUDA call fails.
    pub(super) fn run(&mut self, shared: &Shared) -> Result<(), CudaError> {
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
