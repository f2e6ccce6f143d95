//! The x86-64 SHA-NI kernel: `sha256rnds2` two rounds at a time, several nonces
//! interleaved to hide the instruction's latency.
//!
//! Per chunk it runs the round pairs before the varying word `W_v` once. Per nonce it
//! runs pairs `v/2..=30`: pair 30 (rounds 60–61) leaves `E` = e after round 61 = final g
//! and `F` = e after round 60 = final h in its `ABEF` output, so `H6`/`H7` are the
//! midstate plus those lanes and pair 31 never runs (nor `W_62`, `W_63`). Constant
//! schedule terms are hoisted out of the nonce loop by the compiler, and `σ0` is
//! computed with shifts rather than `sha256msg1`, which competes with `sha256rnds2` for
//! the SHA unit on recent Intel cores.
//!
//! Two builds: VEX-encoded (where AVX is present) and legacy SSE. The only `unsafe` is
//! the call into them, made through a [`ShaNi`] token that run-time detection hands out.

use super::kernel::Chunk;
use std::ops::Range;

/// Proof that this CPU has the SHA extensions (with SSSE3 and SSE4.1): only
/// [`ShaNi::detect`] makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShaNi {
    /// Whether the CPU also has AVX: then the kernel built with VEX encodings runs.
    vex: bool,
}

/// Never exists off x86-64.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Clone, Copy, Debug)]
pub(crate) enum ShaNi {}

#[cfg(target_arch = "x86_64")]
impl ShaNi {
    /// A token if the CPU has the SHA extensions, SSSE3 and SSE4.1.
    pub(crate) fn detect() -> Option<Self> {
        let present =
            is_x86_feature_detected!("sha") && is_x86_feature_detected!("sse4.1") && is_x86_feature_detected!("ssse3");
        present.then(|| Self { vex: is_x86_feature_detected!("avx") })
    }

    /// Every build this CPU runs: the VEX one (where AVX is present) and the SSE one.
    #[cfg(test)]
    pub(crate) fn flavours() -> Vec<Self> {
        let Some(best) = Self::detect() else {
            return Vec::new();
        };
        let mut all = vec![best];
        if best.vex {
            all.push(Self { vex: false });
        }
        all
    }

    /// The first `lo` in `range` whose digest meets `chunk.mask`.
    pub(crate) fn search(self, chunk: &Chunk, range: Range<u32>) -> Option<u32> {
        if self.vex {
            // SAFETY: `vex::search` needs sha, sse2, ssse3, sse4.1 and avx at run time;
            // `self` exists only if `detect` found them (sse2 is x86-64 baseline), and
            // `vex` is set only if it found avx.
            unsafe { vex::search(chunk, range) }
        } else {
            // SAFETY: `sse::search` needs sha, sse2, ssse3 and sse4.1, found by `detect`.
            unsafe { sse::search(chunk, range) }
        }
    }

    /// `(H6 << 32) | H7` of the digest for `lo`.
    #[cfg(test)]
    pub(crate) fn tail_words(self, chunk: &Chunk, lo: u32) -> u64 {
        if self.vex {
            // SAFETY: as in `search`: the token proves the target features.
            unsafe { vex::tail_words(chunk, lo) }
        } else {
            // SAFETY: as in `search`: the token proves the target features.
            unsafe { sse::tail_words(chunk, lo) }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
impl ShaNi {
    /// Always `None` off x86-64.
    pub(crate) fn detect() -> Option<Self> {
        None
    }

    /// None off x86-64.
    #[cfg(test)]
    pub(crate) fn flavours() -> Vec<Self> {
        Vec::new()
    }

    /// Unreachable: no token exists.
    pub(crate) fn search(self, _chunk: &Chunk, _range: Range<u32>) -> Option<u32> {
        match self {}
    }

    /// Unreachable: no token exists.
    #[cfg(test)]
    pub(crate) fn tail_words(self, _chunk: &Chunk, _lo: u32) -> u64 {
        match self {}
    }
}

/// The kernel, compiled for the target features `$features`.
#[cfg(target_arch = "x86_64")]
macro_rules! shani_kernel {
    ($features:literal) => {
        use super::super::kernel::Chunk;
        use super::super::layout::LOW_WORDS;
        use super::super::portable::K;
        use super::super::runs;
        use std::arch::x86_64::*;
        use std::ops::Range;

        /// Nonces hashed side by side.
        const LANES: usize = 4;

        /// What a chunk shares: the state before pair `V/2`, the first four message
        /// groups (`W_V` zero) and `(0, 0, mid6, mid7)` to finish `H6`/`H7`.
        #[derive(Clone, Copy)]
        struct Prep {
            abef: __m128i,
            cdgh: __m128i,
            m: [__m128i; 4],
            mid67: __m128i,
        }

        /// `K_4g..K_4g+3`, lane 0 first.
        #[inline]
        #[target_feature(enable = $features)]
        fn kvec(g: usize) -> __m128i {
            let k = |i: usize| K[4 * g + i] as i32;
            _mm_set_epi32(k(3), k(2), k(1), k(0))
        }

        /// Two rounds: the new `(ABEF, CDGH)`; `wk` holds `W+K` of both in lanes 0 and 1.
        #[inline]
        #[target_feature(enable = $features)]
        fn rounds2(abef: __m128i, cdgh: __m128i, wk: __m128i) -> (__m128i, __m128i) {
            (_mm_sha256rnds2_epu32(cdgh, abef, wk), abef)
        }

        /// Rotates each lane right by `R` (`L` = 32 - `R`).
        #[inline]
        #[target_feature(enable = $features)]
        fn ror<const R: i32, const L: i32>(x: __m128i) -> __m128i {
            _mm_or_si128(_mm_srli_epi32::<R>(x), _mm_slli_epi32::<L>(x))
        }

        /// What `sha256msg1(m4, m3)` computes, `W_i + σ0(W_i+1)`, on the vector ALUs: on
        /// recent Xeons `sha256msg1` occupies the SHA unit for 2 cycles, which costs more
        /// than these 11 simple instructions.
        #[inline]
        #[target_feature(enable = $features)]
        fn msg1(m4: __m128i, m3: __m128i) -> __m128i {
            let x = _mm_alignr_epi8::<4>(m3, m4);
            let sigma0 = _mm_xor_si128(
                _mm_xor_si128(ror::<7, 25>(x), ror::<18, 14>(x)),
                _mm_srli_epi32::<3>(x),
            );
            _mm_add_epi32(m4, sigma0)
        }

        /// Message group `g ≥ 4` from the four before it.
        #[inline]
        #[target_feature(enable = $features)]
        fn schedule(m4: __m128i, m3: __m128i, m2: __m128i, m1: __m128i) -> __m128i {
            let t = _mm_add_epi32(msg1(m4, m3), _mm_alignr_epi8::<4>(m1, m2));
            _mm_sha256msg2_epu32(t, m1)
        }

        /// Group `m` with lane `V % 4` set to `word`.
        #[inline]
        #[target_feature(enable = $features)]
        fn with_word<const V: usize>(m: __m128i, word: u32) -> __m128i {
            let word = word as i32;
            match V % 4 {
                0 => _mm_insert_epi32::<0>(m, word),
                1 => _mm_insert_epi32::<1>(m, word),
                2 => _mm_insert_epi32::<2>(m, word),
                _ => _mm_insert_epi32::<3>(m, word),
            }
        }

        #[target_feature(enable = $features)]
        fn prepare<const V: usize>(chunk: &Chunk) -> Prep {
            let mut w = chunk.words.map(|x| x as i32);
            w[V] = 0;
            let m: [__m128i; 4] = std::array::from_fn(|g| {
                _mm_set_epi32(w[4 * g + 3], w[4 * g + 2], w[4 * g + 1], w[4 * g])
            });
            let s = chunk.midstate.map(|x| x as i32);
            let mut abef = _mm_set_epi32(s[0], s[1], s[4], s[5]);
            let mut cdgh = _mm_set_epi32(s[2], s[3], s[6], s[7]);
            for p in 0..V / 2 {
                let mut wk = _mm_add_epi32(m[p / 2], kvec(p / 2));
                if p % 2 == 1 {
                    wk = _mm_shuffle_epi32::<0x0e>(wk);
                }
                (abef, cdgh) = rounds2(abef, cdgh, wk);
            }
            Prep {
                abef,
                cdgh,
                m,
                mid67: _mm_set_epi32(0, 0, s[6], s[7]),
            }
        }

        /// `(H6 << 32) | H7` for `LANES` nonces whose word `V` are `words`.
        #[inline]
        #[target_feature(enable = $features)]
        fn lanes<const V: usize>(p: &Prep, words: [u32; LANES]) -> [u64; LANES] {
            let mut m = [[_mm_setzero_si128(); 16]; LANES];
            let mut st = [(p.abef, p.cdgh); LANES];
            for l in 0..LANES {
                m[l][..4].copy_from_slice(&p.m);
                m[l][V / 4] = with_word::<V>(p.m[V / 4], words[l]);
            }
            unroll!(P in [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26
                27 28 29 30] {
                if runs(P, V / 2) {
                    const G: usize = P / 2;
                    if P % 2 == 0 && G >= 4 {
                        for mm in m.iter_mut() {
                            // (G + 12) % 16 is G - 4 here, and stays in bounds for G < 4.
                            let [m4, m3, m2, m1] = [12, 13, 14, 15].map(|i| mm[(G + i) % 16]);
                            mm[G] = schedule(m4, m3, m2, m1);
                        }
                    }
                    let k = kvec(G);
                    for l in 0..LANES {
                        let mut wk = _mm_add_epi32(m[l][G], k);
                        if P % 2 == 1 {
                            wk = _mm_shuffle_epi32::<0x0e>(wk);
                        }
                        st[l] = rounds2(st[l].0, st[l].1, wk);
                    }
                }
            });
            std::array::from_fn(|l| _mm_cvtsi128_si64(_mm_add_epi32(st[l].0, p.mid67)) as u64)
        }

        #[target_feature(enable = $features)]
        fn search_v<const V: usize>(chunk: &Chunk, range: Range<u32>) -> Option<u32> {
            let p = prepare::<V>(chunk);
            let mut lo = range.start;
            while lo < range.end {
                let last = range.end - 1;
                // Lanes past the range repeat its last nonce, which an earlier lane holds.
                let words =
                    std::array::from_fn(|l| LOW_WORDS[(lo + l as u32).min(last) as usize]);
                let tails = lanes::<V>(&p, words);
                if let Some(l) = tails.iter().position(|t| t & chunk.mask == 0) {
                    return Some((lo + l as u32).min(last));
                }
                lo += LANES as u32;
            }
            None
        }

        /// The first `lo` in `range` whose digest meets `chunk.mask`.
        #[target_feature(enable = $features)]
        pub(super) fn search(chunk: &Chunk, range: Range<u32>) -> Option<u32> {
            by_v!(chunk.v, V => search_v::<V>(chunk, range))
        }

        /// `(H6 << 32) | H7` of the digest for `lo`.
        #[cfg(test)]
        #[target_feature(enable = $features)]
        pub(super) fn tail_words(chunk: &Chunk, lo: u32) -> u64 {
            let words = [LOW_WORDS[lo as usize]; LANES];
            by_v!(chunk.v, V => lanes::<V>(&prepare::<V>(chunk), words)[0])
        }
    };
}

/// Legacy SSE encodings, for CPUs with SHA-NI but no AVX (Goldmont, Tremont).
#[cfg(target_arch = "x86_64")]
mod sse {
    shani_kernel!("sha,sse2,ssse3,sse4.1");
}

/// VEX encodings (three-operand forms, fewer register copies).
#[cfg(target_arch = "x86_64")]
mod vex {
    shani_kernel!("sha,sse2,ssse3,sse4.1,avx");
}
