//! The miner threads: a pool of workers sharing the current job, idle (blocked) when
//! there is none, sending each block they find through a channel.

use super::job::Job;
use super::kernel::Backend;
use super::search::JobCtx;
use crate::chain::Block;
use crossbeam_channel::{Sender, TrySendError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

/// CPU mining threads working on one job at a time.
///
/// Workers take disjoint nonce ranges (each its own extranonce) and check for a new job
/// every 10 000 nonces (0.1–1.5 ms depending on the kernel). The first block found for a
/// job is sent (with `try_send`: a full channel drops it, with a warning) and the job
/// counts as solved: every worker then idles until the next `set_job`.
pub struct MinerPool {
    shared: Arc<Shared>,
    workers: Vec<Worker>,
    /// One hash counter per worker slot, kept when a worker stops so totals never drop.
    counters: Vec<Arc<Counter>>,
    backend: Backend,
}

/// What the pool and its workers share.
struct Shared {
    slot: Mutex<Slot>,
    wake: Condvar,
    /// Mirrors `slot.generation`, for the workers' lock-free check.
    generation: AtomicU64,
    found: Sender<Block>,
}

/// The current job and its generation (bumped by every `set_job`).
struct Slot {
    generation: u64,
    job: Option<Arc<JobCtx>>,
}

/// One worker's hash count, on its own cache line.
#[repr(align(128))]
#[derive(Default)]
struct Counter(AtomicU64);

struct Worker {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl MinerPool {
    /// Starts `threads` named worker threads ("miner-0", ...); they idle (blocked, 0% CPU)
    /// until a job arrives.
    pub fn new(threads: usize, found: Sender<Block>) -> Self {
        Self::with_backend(threads, found, Backend::detect())
    }

    pub(crate) fn with_backend(threads: usize, found: Sender<Block>, backend: Backend) -> Self {
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot { generation: 0, job: None }),
            wake: Condvar::new(),
            generation: AtomicU64::new(0),
            found,
        });
        let mut pool = Self { shared, workers: Vec::new(), counters: Vec::new(), backend };
        pool.set_threads(threads);
        pool
    }

    /// Replaces the current job (`None` = stop); workers abandon the old job within 10 ms.
    pub fn set_job(&self, job: Option<Job>) {
        let ctx = job.map(|job| Arc::new(JobCtx::new(job)));
        let mut slot = self.shared.lock();
        slot.generation += 1;
        slot.job = ctx;
        self.shared.generation.store(slot.generation, Ordering::Release);
        drop(slot);
        self.shared.wake.notify_all();
    }

    /// Changes the number of workers (stops extra ones, starts new ones).
    pub fn set_threads(&mut self, threads: usize) {
        if threads < self.workers.len() {
            let mut leaving = self.workers.split_off(threads);
            {
                let _slot = self.shared.lock();
                for worker in &leaving {
                    worker.stop.store(true, Ordering::Release);
                }
            }
            self.shared.wake.notify_all();
            for worker in &mut leaving {
                worker.join();
            }
        }
        while self.workers.len() < threads {
            let index = self.workers.len();
            if self.counters.len() <= index {
                self.counters.push(Arc::default());
            }
            let stop = Arc::new(AtomicBool::new(false));
            let (shared, counter, backend) =
                (Arc::clone(&self.shared), Arc::clone(&self.counters[index]), self.backend);
            let worker_stop = Arc::clone(&stop);
            let spawned = thread::Builder::new()
                .name(format!("miner-{index}"))
                .spawn(move || run_worker(&shared, &worker_stop, &counter, backend));
            match spawned {
                Ok(handle) => self.workers.push(Worker { stop, handle: Some(handle) }),
                Err(error) => {
                    tracing::error!(%error, index, "cannot start a miner thread");
                    break;
                }
            }
        }
    }

    /// How many workers run.
    pub fn threads(&self) -> usize {
        self.workers.len()
    }

    /// Total nonces hashed since the pool started (monotonic, summed over workers).
    pub fn hashes(&self) -> u64 {
        self.counters.iter().map(|c| c.0.load(Ordering::Relaxed)).sum()
    }

    /// Which kernel the workers use: `"avx512"`, `"sha-ni"` or `"portable"` (the fastest
    /// this CPU runs, timed once per process).
    pub fn backend(&self) -> &'static str {
        self.backend.name()
    }
}

impl Drop for MinerPool {
    fn drop(&mut self) {
        self.set_threads(0);
    }
}

impl std::fmt::Debug for MinerPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MinerPool")
            .field("threads", &self.threads())
            .field("backend", &self.backend())
            .field("hashes", &self.hashes())
            .finish()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Worker {
    fn join(&mut self) {
        if let Some(handle) = self.handle.take()
            && handle.join().is_err()
        {
            tracing::error!("a miner thread panicked");
        }
    }
}

/// A worker's life: wait for a job generation it has not seen, mine it, repeat.
fn run_worker(shared: &Shared, stop: &AtomicBool, counter: &Counter, backend: Backend) {
    let mut seen = 0;
    loop {
        let ctx = {
            let mut slot = shared.lock();
            loop {
                if stop.load(Ordering::Acquire) {
                    return;
                }
                if slot.generation != seen {
                    break;
                }
                slot = shared.wake.wait(slot).unwrap_or_else(PoisonError::into_inner);
            }
            seen = slot.generation;
            slot.job.clone()
        };
        let Some(ctx) = ctx.filter(|ctx| !ctx.solved.load(Ordering::Relaxed)) else {
            continue;
        };
        let block = ctx.mine(backend, |hashes| {
            counter.0.fetch_add(hashes, Ordering::Relaxed);
            !stop.load(Ordering::Relaxed)
                && shared.generation.load(Ordering::Relaxed) == seen
                && !ctx.solved.load(Ordering::Relaxed)
        });
        if let Some(block) = block
            && !ctx.solved.swap(true, Ordering::AcqRel)
        {
            tracing::info!(height = block.height, hash = block.short_hash(16), "mined a block");
            match shared.found.try_send(block) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    tracing::warn!("found-block channel full; block dropped")
                }
                Err(TrySendError::Disconnected(_)) => {
                    tracing::debug!("found-block channel closed; block dropped");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{Limits, validate_block};
    use std::time::{Duration, Instant};

    fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        done()
    }

    #[test]
    fn pool_finds_a_block_and_stops() {
        let (found, blocks) = crossbeam_channel::bounded(4);
        let mut pool = MinerPool::new(2, found);
        assert_eq!(pool.threads(), 2);
        assert!(["sha-ni", "avx512", "portable"].contains(&pool.backend()));
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(pool.hashes(), 0, "idle workers hash nothing");

        let parent = Block {
            height: 6,
            mined_by: "parent".into(),
            nonce: "0".into(),
            messages: vec!["x".into()],
            hash: "ab".repeat(32),
            timestamp: None,
        };
        let job = Job {
            height: 7,
            prev_hash: Some(parent.hash.clone()),
            mined_by: "pool-test".into(),
            messages: vec!["hello".into(), "world".into()],
            timestamp: None,
            difficulty: 4,
        };
        pool.set_job(Some(job));
        let block = blocks.recv_timeout(Duration::from_secs(60));
        let block = block.unwrap_or_else(|e| panic!("no block: {e}"));
        assert_eq!(validate_block(&block, Some(&parent), &Limits::new(4)), Ok(()));
        assert!(pool.hashes() > 0);

        // An unsolvable job keeps them busy; None stops them.
        let mut hard = Job {
            height: 0,
            prev_hash: None,
            mined_by: "x".into(),
            messages: vec!["y".into()],
            timestamp: None,
            difficulty: 64,
        };
        pool.set_job(Some(hard.clone()));
        let start = pool.hashes();
        assert!(wait_until(Duration::from_secs(10), || pool.hashes() > start));
        pool.set_job(None);
        // Workers finish their chunk (≪ 10 ms optimized, longer in debug builds), then idle.
        let mut stopped = pool.hashes();
        let settled = wait_until(Duration::from_secs(5), || {
            std::thread::sleep(Duration::from_millis(50));
            let now = pool.hashes();
            std::mem::replace(&mut stopped, now) == now
        });
        assert!(settled, "hashing went on after set_job(None)");
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(pool.hashes(), stopped, "hashing resumed without a job");

        // Fewer and more threads; the total never drops.
        pool.set_threads(1);
        assert_eq!(pool.threads(), 1);
        assert_eq!(pool.hashes(), stopped);
        hard.mined_by = "z".into();
        pool.set_job(Some(hard));
        pool.set_threads(3);
        assert_eq!(pool.threads(), 3);
        assert!(wait_until(Duration::from_secs(10), || pool.hashes() > stopped));
        drop(pool);
        assert!(blocks.try_recv().is_err(), "one block per job");
    }
}
