//! The x86-64 AVX-512 kernel: 16 nonces at once, one per 32-bit lane, plain SHA-256
//! rounds built from rotates and ternary logic.
//!
//! Like the portable kernel it starts from the chunk's state before round `v` and its
//! constant schedule terms (broadcast, so the compiler hoists them out of the loop),
//! and stops once `H7` (round 60) or `H6` (round 61) is known. On CPUs whose SHA unit
//! is slow (one `sha256rnds2` per 3 cycles on recent Xeons) this beats SHA-NI.

use super::kernel::Chunk;
use std::ops::Range;

/// Proof that this CPU has AVX-512F: only [`Avx512::detect`] makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx512(());

/// Never exists off x86-64.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Avx512 {}

#[cfg(target_arch = "x86_64")]
impl Avx512 {
    /// A token if the CPU has AVX-512F.
    pub(crate) fn detect() -> Option<Self> {
        is_x86_feature_detected!("avx512f").then_some(Self(()))
    }

    /// The first `lo` in `range` whose digest meets `chunk.mask`.
    pub(crate) fn search(self, chunk: &Chunk, range: Range<u32>) -> Option<u32> {
        // SAFETY: `x86::search` needs the avx512f target feature at run time; `self`
        // exists only if `detect` found it.
        unsafe { x86::search(chunk, range) }
    }

    /// The tails of `lo..lo + 16` hashed in one step (see `Backend::tails`).
    #[cfg(test)]
    pub(crate) fn tails(self, chunk: &Chunk, lo: u32) -> Vec<u64> {
        // SAFETY: as in `search`: the token proves the target feature.
        unsafe { x86::step_tails(chunk, lo) }
    }
}

#[cfg(not(target_arch = "x86_64"))]
impl Avx512 {
    /// Always `None` off x86-64.
    pub(crate) fn detect() -> Option<Self> {
        None
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

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::super::kernel::Chunk;
    use super::super::layout::LOW_WORDS;
    use super::super::portable::{DEPENDS, K, Pre, WORDS, prepare};
    use super::super::runs;
    use std::arch::x86_64::*;
    use std::ops::Range;

    /// Nonces per register.
    const LANES: u32 = 16;

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn xor3(a: __m512i, b: __m512i, c: __m512i) -> __m512i {
        _mm512_ternarylogic_epi32::<0x96>(a, b, c)
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn add(a: __m512i, b: __m512i) -> __m512i {
        _mm512_add_epi32(a, b)
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn small_sigma0(x: __m512i) -> __m512i {
        xor3(_mm512_ror_epi32::<7>(x), _mm512_ror_epi32::<18>(x), _mm512_srli_epi32::<3>(x))
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn small_sigma1(x: __m512i) -> __m512i {
        xor3(_mm512_ror_epi32::<17>(x), _mm512_ror_epi32::<19>(x), _mm512_srli_epi32::<10>(x))
    }

    /// `T1` without its `K+W` term: `h + Σ1(e) + Ch(e, f, g)`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn t1(e: __m512i, f: __m512i, g: __m512i, h: __m512i) -> __m512i {
        let sigma1 = xor3(_mm512_ror_epi32::<6>(e), _mm512_ror_epi32::<11>(e), _mm512_ror_epi32::<25>(e));
        add(add(h, sigma1), _mm512_ternarylogic_epi32::<0xca>(e, f, g))
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn round(s: &mut [__m512i; 8], kw: __m512i) {
        let [a, b, c, d, e, f, g, h] = *s;
        let t1 = add(t1(e, f, g, h), kw);
        let sigma0 = xor3(_mm512_ror_epi32::<2>(a), _mm512_ror_epi32::<13>(a), _mm512_ror_epi32::<22>(a));
        let t2 = add(sigma0, _mm512_ternarylogic_epi32::<0xe8>(a, b, c));
        *s = [add(t1, t2), a, b, c, add(d, t1), e, f, g];
    }

    /// `(H6, H7)` of 16 nonces whose word `V` are the lanes of `wv` (`H6` zero unless `H6`).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn tails<const V: usize, const H6: bool>(pre: &Pre, mid: &[u32; 8], wv: __m512i) -> (__m512i, __m512i) {
        let dep = &DEPENDS[V];
        let splat = |x: u32| _mm512_set1_epi32(x as i32);
        let mut w: [__m512i; WORDS] = std::array::from_fn(|i| splat(pre.w[i]));
        w[V] = wv;
        unroll!(I in [16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38
            39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61] {
            if dep[I] {
                let mut sum = w[I];
                if dep[I - 2] {
                    sum = add(sum, small_sigma1(w[I - 2]));
                }
                if dep[I - 7] {
                    sum = add(sum, w[I - 7]);
                }
                if dep[I - 15] {
                    sum = add(sum, small_sigma0(w[I - 15]));
                }
                if dep[I - 16] {
                    sum = add(sum, w[I - 16]);
                }
                w[I] = sum;
            }
        });
        let mut s = pre.state.map(splat);
        unroll!(I in [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26
            27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54
            55 56 57 58 59] {
            if runs(I, V) {
                let kw = if dep[I] {
                    add(w[I], splat(K[I]))
                } else {
                    splat(K[I].wrapping_add(pre.w[I]))
                };
                round(&mut s, kw);
            }
        });
        // Rounds 60 and 61 only for `e` (see the portable kernel).
        let [_, _, c, d, e, f, g, h] = s;
        let e61 = add(d, add(t1(e, f, g, h), add(w[60], splat(K[60]))));
        let h7 = add(e61, splat(mid[7]));
        if !H6 {
            return (_mm512_setzero_si512(), h7);
        }
        let e62 = add(c, add(t1(e61, e, f, g), add(w[61], splat(K[61]))));
        (add(e62, splat(mid[6])), h7)
    }

    /// The low-digit words of `lo..lo + 16`, lanes past `last` repeating `last`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn words(lo: u32, last: u32) -> __m512i {
        if lo + LANES - 1 <= last {
            let table = &LOW_WORDS[lo as usize..(lo + LANES) as usize];
            // SAFETY: `table` holds exactly the 16 u32s (64 bytes) this unaligned load reads.
            unsafe { _mm512_loadu_epi32(table.as_ptr().cast()) }
        } else {
            let w = |l: u32| LOW_WORDS[(lo + l).min(last) as usize] as i32;
            _mm512_set_epi32(
                w(15),
                w(14),
                w(13),
                w(12),
                w(11),
                w(10),
                w(9),
                w(8),
                w(7),
                w(6),
                w(5),
                w(4),
                w(3),
                w(2),
                w(1),
                w(0),
            )
        }
    }

    #[target_feature(enable = "avx512f")]
    fn search_v<const V: usize, const H6: bool>(chunk: &Chunk, range: Range<u32>) -> Option<u32> {
        let pre = prepare::<V>(chunk);
        let mask_h7 = _mm512_set1_epi32(chunk.mask as u32 as i32);
        let mask_h6 = _mm512_set1_epi32((chunk.mask >> 32) as u32 as i32);
        let mut lo = range.start;
        while lo < range.end {
            let last = range.end - 1;
            let (h6, h7) = tails::<V, H6>(&pre, &chunk.midstate, words(lo, last));
            let mut hits = _mm512_testn_epi32_mask(h7, mask_h7);
            if H6 {
                hits &= _mm512_testn_epi32_mask(h6, mask_h6);
            }
            if hits != 0 {
                return Some((lo + hits.trailing_zeros()).min(last));
            }
            lo += LANES;
        }
        None
    }

    /// The first `lo` in `range` whose digest meets `chunk.mask`.
    #[target_feature(enable = "avx512f")]
    pub(super) fn search(chunk: &Chunk, range: Range<u32>) -> Option<u32> {
        if chunk.mask >> 32 == 0 {
            by_v!(chunk.v, V => search_v::<V, false>(chunk, range))
        } else {
            by_v!(chunk.v, V => search_v::<V, true>(chunk, range))
        }
    }

    /// The tails (`(H6 << 32) | H7`, `H6` zero unless `chunk.mask` covers it) of
    /// `lo..lo + 16`, hashed in one step.
    #[cfg(test)]
    #[target_feature(enable = "avx512f")]
    pub(super) fn step_tails(chunk: &Chunk, lo: u32) -> Vec<u64> {
        let wv = words(lo, lo + LANES - 1);
        let (h6, h7) = if chunk.mask >> 32 == 0 {
            by_v!(chunk.v, V => tails::<V, false>(&prepare::<V>(chunk), &chunk.midstate, wv))
        } else {
            by_v!(chunk.v, V => tails::<V, true>(&prepare::<V>(chunk), &chunk.midstate, wv))
        };
        let (mut h6s, mut h7s) = ([0u32; 16], [0u32; 16]);
        // SAFETY: each array is 16 u32s, the 64 bytes an unaligned store writes.
        unsafe {
            _mm512_storeu_epi32(h6s.as_mut_ptr().cast(), h6);
            _mm512_storeu_epi32(h7s.as_mut_ptr().cast(), h7);
        }
        h6s.iter().zip(h7s).map(|(&h6, h7)| (u64::from(h6) << 32) | u64::from(h7)).collect()
    }
}
