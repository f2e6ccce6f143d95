//! The hashing kernels behind one interface: a chunk of 10 000 nonces that differ only
//! in one message word, searched for the first that meets a trailing-zero mask; and the
//! run-time choice of the fastest kernel this CPU runs.

use super::layout::{CHUNK, IV};
use super::{avx512::Avx512, portable, shani::ShaNi};
use std::ops::Range;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// One chunk of work: a midstate and a last block whose word `v` takes the 4 low digits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chunk {
    /// State after the blocks before the last.
    pub midstate: [u32; 8],
    /// The last block's words; `words[v]` is ignored.
    pub words: [u32; 16],
    /// Index of the varying word (0..=12).
    pub v: usize,
    /// Mask on `(H6 << 32) | H7` that must be zero (see `layout::difficulty_mask`).
    pub mask: u64,
}

/// A kernel, chosen at run time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Backend {
    /// x86-64 SHA extensions, four or five nonces in flight.
    ShaNi(ShaNi),
    /// x86-64 AVX-512, sixteen nonces per instruction.
    Avx512(Avx512),
    /// Plain Rust, any CPU.
    Portable,
}

impl Backend {
    /// The fastest kernel on this CPU: the SIMD kernels it supports are timed once per
    /// process (a few milliseconds, on first use) and the quickest kept.
    pub(crate) fn detect() -> Self {
        static BEST: OnceLock<Backend> = OnceLock::new();
        *BEST.get_or_init(|| {
            let best = Self::calibrate();
            tracing::debug!(backend = best.name(), "miner kernel chosen");
            best
        })
    }

    /// Every kernel (and build of one) this CPU runs, the portable one last.
    pub(crate) fn available() -> Vec<Self> {
        let mut all: Vec<Self> = ShaNi::flavours().into_iter().map(Self::ShaNi).collect();
        all.extend(Avx512::detect().map(Self::Avx512));
        all.push(Self::Portable);
        all
    }

    /// Times each SIMD kernel and build (best of five runs of two chunks, the kernels
    /// taking turns so that a burst of other work on the machine slows them all) and
    /// returns the fastest.
    fn calibrate() -> Self {
        let simd: Vec<Self> = Self::available().into_iter().filter(|b| !matches!(b, Self::Portable)).collect();
        if simd.len() < 2 {
            return simd.first().copied().unwrap_or(Self::Portable);
        }
        let chunk = Chunk {
            midstate: IV,
            words: [0x3030_3030; 16],
            v: 12,
            // A 64-bit zero tail: no early hit cuts a timing short.
            mask: u64::MAX,
        };
        let mut best = vec![Duration::MAX; simd.len()];
        for _ in 0..5 {
            for (backend, best) in simd.iter().zip(&mut best) {
                let start = Instant::now();
                for _ in 0..2 {
                    std::hint::black_box(backend.search(&chunk, 0..CHUNK));
                }
                *best = (*best).min(start.elapsed());
            }
        }
        simd.iter().zip(&best).min_by_key(|(_, time)| **time).map_or(Self::Portable, |(backend, _)| *backend)
    }

    /// The kernel's name, as `MinerPool::backend` reports it: `"sha-ni/avx512vl"`,
    /// `"sha-ni/avx"`, `"sha-ni/sse"` (the SHA-NI kernel's builds), `"avx512"` or
    /// `"portable"`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::ShaNi(shani) => shani.name(),
            Self::Avx512(_) => "avx512",
            Self::Portable => "portable",
        }
    }

    /// The first `lo` in `range` (⊂ `0..CHUNK`) whose nonce's digest meets `chunk.mask`.
    ///
    /// Never misses one; for masks of 16+ zero digits a hit is only a candidate.
    pub(crate) fn search(self, chunk: &Chunk, range: Range<u32>) -> Option<u32> {
        debug_assert!(chunk.v <= 12 && range.end <= CHUNK);
        match self {
            Self::ShaNi(shani) => shani.search(chunk, range),
            Self::Avx512(avx) => avx.search(chunk, range),
            Self::Portable => portable::search(chunk, range),
        }
    }

    /// The digest tails of `lo`, `lo + 1`, … as many as the kernel hashes in one step
    /// (one per lane, `lo` + lanes ≤ [`CHUNK`]), through the search's own code path:
    /// `(H6 << 32) | H7`, with `H6` zero unless `chunk.mask` covers it.
    #[cfg(test)]
    pub(crate) fn tails(self, chunk: &Chunk, lo: u32) -> Vec<u64> {
        match self {
            Self::ShaNi(shani) => shani.tails(chunk, lo),
            Self::Avx512(avx) => avx.tails(chunk, lo),
            Self::Portable => portable::tails(chunk, lo),
        }
    }
}
