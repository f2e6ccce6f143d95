//! Mining worker threads sharing one job (interim plain-rule searcher; the fast
//! kernels replace the search loop).

use super::Job;
use crate::chain::Block;
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

/// Nonces a worker tries between looks at the job generation.
const BATCH: u64 = 4096;

#[derive(Default)]
struct Shared {
    job: Mutex<(u64, Option<Job>)>,
    wake: Condvar,
    hashes: AtomicU64,
    stop: AtomicBool,
}

/// `threads` workers searching disjoint nonce ranges of the current job.
pub struct MinerPool {
    shared: Arc<Shared>,
    workers: Vec<(Arc<AtomicBool>, JoinHandle<()>)>,
    found: Sender<Block>,
}

impl MinerPool {
    /// Starts `threads` idle workers; found blocks go to `found`.
    pub fn new(threads: usize, found: Sender<Block>) -> Self {
        let mut pool = Self { shared: Arc::default(), workers: Vec::new(), found };
        pool.set_threads(threads);
        pool
    }

    /// Replaces the job (`None`: idle).
    pub fn set_job(&self, job: Option<Job>) {
        let mut slot = self.shared.job.lock().unwrap_or_else(|e| e.into_inner());
        slot.0 += 1;
        slot.1 = job;
        self.shared.wake.notify_all();
    }

    /// Changes the number of workers.
    pub fn set_threads(&mut self, threads: usize) {
        while self.workers.len() > threads {
            if let Some((stop, handle)) = self.workers.pop() {
                stop.store(true, Ordering::Relaxed);
                self.shared.wake.notify_all();
                let _ = handle.join();
            }
        }
        while self.workers.len() < threads {
            let index = self.workers.len();
            let stop = Arc::new(AtomicBool::new(false));
            let (shared, found, flag) = (self.shared.clone(), self.found.clone(), stop.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("miner-{index}"))
                .spawn(move || work(&shared, &flag, &found, index as u64));
            match spawned {
                Ok(handle) => self.workers.push((stop, handle)),
                Err(error) => {
                    tracing::error!(%error, "cannot start a miner thread");
                    break;
                }
            }
        }
        let job = self.shared.job.lock().unwrap_or_else(|e| e.into_inner()).1.clone();
        self.set_job(job);
    }

    /// Number of workers.
    pub fn threads(&self) -> usize {
        self.workers.len()
    }

    /// Nonces hashed since the pool started.
    pub fn hashes(&self) -> u64 {
        self.shared.hashes.load(Ordering::Relaxed)
    }

    /// The search path in use.
    pub fn backend(&self) -> &'static str {
        "portable"
    }
}

impl Drop for MinerPool {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        self.set_threads(0);
    }
}

fn work(shared: &Shared, stop: &AtomicBool, found: &Sender<Block>, index: u64) {
    let mut generation = u64::MAX;
    loop {
        let job = {
            let mut slot = shared.job.lock().unwrap_or_else(|e| e.into_inner());
            while (slot.0 == generation || slot.1.is_none()) && !stop.load(Ordering::Relaxed) {
                slot = shared.wake.wait(slot).unwrap_or_else(|e| e.into_inner());
            }
            if stop.load(Ordering::Relaxed) {
                return;
            }
            generation = slot.0;
            slot.1.clone()
        };
        let Some(job) = job else { continue };
        let mut nonce = index.wrapping_mul(1 << 40);
        'search: loop {
            for _ in 0..BATCH {
                if let Some(block) = job.block_if_valid(&nonce.to_string()) {
                    let _ = found.try_send(block);
                    break 'search;
                }
                nonce += 1;
            }
            shared.hashes.fetch_add(BATCH, Ordering::Relaxed);
            let current = shared.job.lock().unwrap_or_else(|e| e.into_inner()).0;
            if current != generation || stop.load(Ordering::Relaxed) {
                generation = u64::MAX;
                break;
            }
        }
    }
}
