//! Mining: the job a miner works on and the CPU workers that search its nonces.
//!
//! A job's constant prefix is hashed once into a midstate and the nonce is laid out so
//! that each nonce costs one compression of the last block, in which only one message
//! word changes from nonce to nonce (`layout.rs` documents the layout). Three kernels
//! search chunks of such nonces, the fastest this CPU runs chosen at run time: AVX-512
//! (16 nonces per instruction, `avx512.rs`), SHA-NI (`shani.rs`) and plain Rust
//! (`portable.rs`). Each skips the rounds before the varying word and those after the
//! last state words the difficulty looks at. Candidates are rechecked with
//! [`Job::block_if_valid`] before a block leaves the miner. [`MinerPool`] runs the
//! threads; [`run_bench`] measures the methods. [`CudaMiner`] runs the same search on an
//! NVIDIA GPU (`cuda.rs`), [`run_cuda_bench`] measures it.

/// Repeats `$body` with `$i` bound to each listed literal as a `usize` constant, so the
/// compiler sees straight-line code with constant indices.
macro_rules! unroll {
    ($i:ident in [$($n:literal)*] $body:block) => {{
        $({
            const $i: usize = $n;
            $body
        })*
    }};
}

/// Whether step `i` (a round or round pair) runs when the chunk's work starts at `first`.
const fn runs(i: usize, first: usize) -> bool {
    i >= first
}

/// Evaluates `$e` with `$c` a `usize` constant equal to `$v` (0..=12; larger values
/// cannot occur, as a nonce ends by byte 52, and are treated as 12).
macro_rules! by_v {
    ($v:expr, $c:ident => $e:expr) => {
        match $v {
            0 => { const $c: usize = 0; $e }
            1 => { const $c: usize = 1; $e }
            2 => { const $c: usize = 2; $e }
            3 => { const $c: usize = 3; $e }
            4 => { const $c: usize = 4; $e }
            5 => { const $c: usize = 5; $e }
            6 => { const $c: usize = 6; $e }
            7 => { const $c: usize = 7; $e }
            8 => { const $c: usize = 8; $e }
            9 => { const $c: usize = 9; $e }
            10 => { const $c: usize = 10; $e }
            11 => { const $c: usize = 11; $e }
            _ => { const $c: usize = 12; $e }
        }
    };
}

mod avx512;
mod bench;
pub mod cuda;
mod job;
mod kernel;
mod layout;
mod pool;
mod portable;
mod search;
mod shani;
#[cfg(test)]
mod tests;

pub use bench::{BenchReport, BenchRow, run_bench};
pub use cuda::{CudaBenchReport, CudaError, CudaMiner, CudaState, run_cuda_bench};
pub use job::Job;
pub use pool::MinerPool;

/// The CPU kernel the miner threads use on this machine: the fastest of those this CPU
/// runs, timed once per process on first use (a few milliseconds in a release build;
/// free where only one SIMD kernel qualifies). Named as [`MinerPool::backend`] names it.
pub fn cpu_kernel() -> &'static str {
    kernel::Backend::detect().name()
}

/// Every CPU kernel (and build of one) this CPU runs, the portable one last; costs only
/// a look at the CPU's features.
pub fn cpu_kernels() -> Vec<&'static str> {
    kernel::Backend::available().into_iter().map(kernel::Backend::name).collect()
}
