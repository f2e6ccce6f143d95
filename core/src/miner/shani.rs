//! The x86-64 SHA-NI kernel: `sha256rnds2` two rounds at a time, four or five
//! independent nonces in flight per thread to cover the instruction's latency.
//!
//! Per chunk it runs the rounds before the varying word `W_v` once. Per nonce it runs
//! the round pairs from `v`'s to rounds 60–61, whose `ABEF` output holds `e_60` and
//! `e_61` in its `F` and `E` lanes: `H7`'s and `H6`'s final `h` and `g`, so rounds
//! 62–63 never run. For odd `v`, round `v` itself is folded into the chunk's state:
//! with everything else constant it only adds `W_v` to `a` and `e`. Schedule groups
//! that do not depend on `W_v` are hoisted out of the nonce loop by the compiler, and
//! those that are `W_v` plus a constant cost one addition (`kernel::LINEAR`).
//!
//! Why this shape (measured on a Zen 4 EPYC, see docs/PERFORMANCE.md): `sha256rnds2`
//! has a latency of 4 cycles and issues every cycle there, so one nonce at a time
//! leaves the unit idle three cycles in four; and left alone the compiler emits each
//! lane's chain of rounds whole, one lane after another, so lanes are kept in lockstep.
//!
//! Three builds: AVX-512VL (five lanes: its 32 vector registers hold them; the SHA
//! instructions themselves still use the first 16), VEX (four lanes) and legacy SSE
//! (four lanes, for CPUs with SHA-NI but no AVX). The only `unsafe` is the call into
//! them, made through a [`ShaNi`] token that run-time detection hands out, and the
//! empty `asm!` that keeps the lanes in step.

use super::kernel::Chunk;
use std::ops::Range;

#[cfg(target_arch = "x86_64")]
#[macro_use]
mod kernel;

/// Proof that this CPU has the SHA extensions (with SSSE3 and SSE4.1): only
/// [`ShaNi::flavours`] makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShaNi {
    build: Build,
}

/// Which compiled build of the kernel runs.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Build {
    /// Legacy SSE encodings.
    Sse,
    /// VEX encodings (AVX).
    Vex,
    /// EVEX encodings (AVX-512VL), five lanes.
    Evex,
}

/// Never exists off x86-64.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ShaNi {}

#[cfg(target_arch = "x86_64")]
impl ShaNi {
    /// A token for every build this CPU runs (none without the SHA extensions, SSSE3
    /// and SSE4.1), the likely fastest first.
    pub(crate) fn flavours() -> Vec<Self> {
        let sha =
            is_x86_feature_detected!("sha") && is_x86_feature_detected!("sse4.1") && is_x86_feature_detected!("ssse3");
        if !sha {
            return Vec::new();
        }
        let mut builds = Vec::new();
        if is_x86_feature_detected!("avx512vl") {
            builds.push(Build::Evex);
        }
        if is_x86_feature_detected!("avx") {
            builds.push(Build::Vex);
        }
        builds.push(Build::Sse);
        builds.into_iter().map(|build| Self { build }).collect()
    }

    /// The build's name: `"sha-ni/avx512vl"`, `"sha-ni/avx"` or `"sha-ni/sse"`.
    pub(crate) fn name(self) -> &'static str {
        match self.build {
            Build::Sse => "sha-ni/sse",
            Build::Vex => "sha-ni/avx",
            Build::Evex => "sha-ni/avx512vl",
        }
    }

    /// The first `lo` in `range` whose digest meets `chunk.mask`.
    pub(crate) fn search(self, chunk: &Chunk, range: Range<u32>) -> Option<u32> {
        // SAFETY: each build needs the target features it is compiled for at run time;
        // `self` exists only if `flavours` found sha, sse2, ssse3 and sse4.1, and holds
        // the VEX build only if it found avx, the EVEX one only if avx512vl (which
        // implies avx512f, avx2 and avx).
        unsafe {
            match self.build {
                Build::Sse => sse::search(chunk, range),
                Build::Vex => vex::search(chunk, range),
                Build::Evex => evex::search(chunk, range),
            }
        }
    }

    /// The tails of `lo..lo + lanes` hashed in one step (see `Backend::tails`).
    #[cfg(test)]
    pub(crate) fn tails(self, chunk: &Chunk, lo: u32) -> Vec<u64> {
        // SAFETY: as in `search`: the token proves the target features.
        unsafe {
            match self.build {
                Build::Sse => sse::tails(chunk, lo),
                Build::Vex => vex::tails(chunk, lo),
                Build::Evex => evex::tails(chunk, lo),
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
impl ShaNi {
    /// None off x86-64.
    pub(crate) fn flavours() -> Vec<Self> {
        Vec::new()
    }

    /// Unreachable: no token exists.
    pub(crate) fn name(self) -> &'static str {
        match self {}
    }

    /// Unreachable: no token exists.
    pub(crate) fn search(self, _chunk: &Chunk, _range: Range<u32>) -> Option<u32> {
        match self {}
    }

    /// Unreachable: no token exists.
    #[cfg(test)]
    pub(crate) fn tails(self, _chunk: &Chunk, _lo: u32) -> Vec<u64> {
        match self {}
    }
}

/// Legacy SSE encodings, for CPUs with SHA-NI but no AVX (Goldmont, Tremont).
#[cfg(target_arch = "x86_64")]
mod sse {
    shani_kernel!("sha,sse2,ssse3,sse4.1", 4);
}

/// VEX encodings (three-operand forms, fewer register copies).
#[cfg(target_arch = "x86_64")]
mod vex {
    shani_kernel!("sha,sse2,ssse3,sse4.1,avx", 4);
}

/// EVEX encodings: 32 vector registers, room for a fifth lane.
#[cfg(target_arch = "x86_64")]
mod evex {
    shani_kernel!("sha,sse2,ssse3,sse4.1,avx,avx2,avx512f,avx512vl", 5);
}
