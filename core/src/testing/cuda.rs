//! Test support for the CUDA kernel: one launch's parameters as the GPU miner builds them, and
//! the hits the CPU miner's portable kernel finds among the same nonces.

use crate::miner::Job;
use crate::miner::cuda::params::GpuJob;
use crate::miner::cuda::{Backend, CHUNK, Chunk};

pub use crate::miner::cuda::params::MineParams;

/// One launch of the kernel.
#[derive(Clone, Debug)]
pub struct KernelCase {
    /// The varying word: run entry point `mine_v<v>`.
    pub v: usize,
    /// The launch's parameters.
    pub params: MineParams,
}

/// A search of `chunks` chunks of 10 000 nonces of `job`'s extranonce `extranonce`, from chunk
/// `first_chunk`, for digests with `(H6 << 32 | H7) & mask == 0`.
#[derive(Clone, Copy, Debug)]
pub struct Search<'a> {
    /// The job.
    pub job: &'a Job,
    /// Which extranonce (the nonce's constant head).
    pub extranonce: u64,
    /// The first chunk.
    pub first_chunk: u64,
    /// Chunks searched.
    pub chunks: u32,
    /// The zero mask (`difficulty_mask(d)` for difficulty `d`).
    pub mask: u64,
}

impl Search<'_> {
    /// Chunks in one extranonce of the job.
    pub fn chunks_per_extranonce(job: &Job) -> u64 {
        GpuJob::new(job.clone()).chunks()
    }

    /// The kernel launch for this search: `per_thread` nonces per thread, `capacity` hit slots.
    pub fn kernel_case(&self, per_thread: u32, capacity: u32) -> KernelCase {
        let gpu_job = GpuJob::with_mask(self.job.clone(), self.mask);
        let template = gpu_job.template(self.extranonce);
        KernelCase {
            v: gpu_job.v(),
            params: gpu_job.params(&template, self.first_chunk, self.chunks, per_thread, capacity),
        }
    }

    /// Every hit `(chunk offset, low counter)` the portable CPU kernel finds, in order.
    pub fn cpu_hits(&self) -> Vec<(u32, u32)> {
        let gpu_job = GpuJob::with_mask(self.job.clone(), self.mask);
        let template = gpu_job.template(self.extranonce);
        let mut hits = Vec::new();
        for chunk_rel in 0..self.chunks {
            let chunk = Chunk {
                midstate: template.midstate,
                words: template.chunk_words(self.first_chunk + u64::from(chunk_rel)),
                v: gpu_job.v(),
                mask: self.mask,
            };
            let mut from = 0;
            while let Some(lo) = Backend::Portable.search(&chunk, from..CHUNK) {
                hits.push((chunk_rel, lo));
                from = lo + 1;
            }
        }
        hits
    }

    /// The nonce of hit `(chunk offset, low counter)`.
    pub fn nonce(&self, hit: (u32, u32)) -> String {
        let gpu_job = GpuJob::with_mask(self.job.clone(), self.mask);
        GpuJob::nonce(&gpu_job.template(self.extranonce), self.first_chunk, hit)
    }
}
