//! One job's search as the workers run it: extranonce after extranonce, chunk after
//! chunk of 10 000 nonces, every candidate rechecked with the plain hash rule.

use super::job::Job;
use super::kernel::{Backend, Chunk};
use super::layout::{CHUNK, NonceLayout, Template, difficulty_mask};
use crate::chain::Block;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Nonces between progress reports: a chunk (≈0.1–1 ms) in optimized builds; less in
/// debug builds, whose unoptimized kernels are some 200 times slower.
const STEP: u32 = if cfg!(debug_assertions) { 500 } else { CHUNK };

/// A job as the workers share it.
#[derive(Debug)]
pub(crate) struct JobCtx {
    /// The job itself.
    pub job: Job,
    /// Whether some worker found its block (then all stop).
    pub solved: AtomicBool,
    prefix: Vec<u8>,
    layout: NonceLayout,
    mask: u64,
    /// The next extranonce to hand out; each worker takes its own.
    next_extranonce: AtomicU64,
}

impl JobCtx {
    /// Shares `job`, extranonces from a random start.
    pub(crate) fn new(job: Job) -> Self {
        Self::with_extranonce(job, fastrand::u64(..))
    }

    /// Shares `job`, extranonces from `start`.
    pub(crate) fn with_extranonce(job: Job, start: u64) -> Self {
        let prefix = job.prefix();
        let layout = NonceLayout::new(prefix.len());
        let mask = difficulty_mask(job.difficulty);
        Self { job, solved: AtomicBool::new(false), prefix, layout, mask, next_extranonce: AtomicU64::new(start) }
    }

    /// Searches until a block is found or `progress` (told how many nonces were hashed
    /// since its last call, every [`STEP`]) returns `false`.
    pub(crate) fn mine(&self, backend: Backend, mut progress: impl FnMut(u64) -> bool) -> Option<Block> {
        loop {
            let extranonce = self.next_extranonce.fetch_add(1, Ordering::Relaxed);
            let template = Template::new(&self.prefix, self.layout, extranonce);
            for chunk_index in 0..self.layout.chunks() {
                let chunk = Chunk {
                    midstate: template.midstate,
                    words: template.chunk_words(chunk_index),
                    v: self.layout.varying_word(),
                    mask: self.mask,
                };
                for step in (0..CHUNK).step_by(STEP as usize) {
                    let mut from = step;
                    while let Some(lo) = backend.search(&chunk, from..step + STEP) {
                        let counter = chunk_index * u64::from(CHUNK) + u64::from(lo);
                        let nonce = template.nonce(counter);
                        if let Some(block) = self.job.block_if_valid(&nonce) {
                            progress(u64::from(lo + 1 - step));
                            return Some(block);
                        }
                        if self.mask != u64::MAX {
                            let backend = backend.name();
                            tracing::warn!(%nonce, backend, "miner candidate failed the recheck");
                        }
                        from = lo + 1;
                    }
                    if !progress(u64::from(STEP)) {
                        return None;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn workers_check_in_often() {
        let job = Job {
            height: 0,
            prev_hash: None,
            mined_by: "x".into(),
            messages: vec!["never".into()],
            timestamp: None,
            difficulty: 64,
        };
        for backend in [Backend::detect(), Backend::Portable] {
            let ctx = JobCtx::new(job.clone());
            let (start, mut calls) = (Instant::now(), 0u32);
            ctx.mine(backend, |_| {
                calls += 1;
                start.elapsed() < Duration::from_millis(100)
            });
            let mean = start.elapsed() / calls;
            // The pool sees a new job at the next check-in: optimized, well within 10 ms.
            if !cfg!(debug_assertions) {
                assert!(mean < Duration::from_millis(10), "{backend:?}: every {mean:?}");
            }
        }
    }
}
