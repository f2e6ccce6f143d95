//! The SHA-NI search kernel's body, compiled once per target-feature set by
//! `shani_kernel!`, and the constant tables and helpers it shares.

use core::arch::x86_64::__m128i;

/// Defines `search` (and, in tests, `tails`) for `$lanes` nonces in flight, compiled
/// for the target features `$features`.
macro_rules! shani_kernel {
    ($features:literal, $lanes:literal) => {
        use super::super::kernel::Chunk;
        use super::super::layout::LOW_WORDS;
        use super::super::portable::{self, K};
        use super::kernel::{LINEAR, lockstep};
        use std::arch::x86_64::*;
        use std::ops::Range;

        /// Nonces hashed side by side.
        pub(super) const LANES: usize = $lanes;

        /// What a chunk shares: the state before round `V` (after it, `W_V` left out,
        /// for odd `V`), message groups 0–3 with `W_V` zero, the constant part of the
        /// groups that are `W_V` plus a constant ([`LINEAR`]), and `(mid7, mid6)` to
        /// finish `H7` and `H6` from the last `ABEF`'s `F` and `E` lanes.
        struct Prep {
            abef: __m128i,
            cdgh: __m128i,
            m: [__m128i; 4],
            linear: [__m128i; 16],
            mid: __m128i,
        }

        /// `K_4g..K_4g+3`, lane 0 first.
        #[inline]
        #[target_feature(enable = $features)]
        fn kvec(g: usize) -> __m128i {
            let k = |i: usize| K[4 * g + i] as i32;
            _mm_set_epi32(k(3), k(2), k(1), k(0))
        }

        /// Message group `g ≥ 4` from the four before it.
        #[inline]
        #[target_feature(enable = $features)]
        fn schedule(m4: __m128i, m3: __m128i, m2: __m128i, m1: __m128i) -> __m128i {
            let t = _mm_add_epi32(_mm_sha256msg1_epu32(m4, m3), _mm_alignr_epi8::<4>(m1, m2));
            _mm_sha256msg2_epu32(t, m1)
        }

        /// `word` (in lane 0 of an otherwise zero vector) in each lane of `lanes` (a
        /// bit mask) and zero elsewhere.
        #[inline]
        #[target_feature(enable = $features)]
        fn spread(word: __m128i, lanes: u8) -> __m128i {
            match lanes {
                0 => _mm_setzero_si128(),
                0b0001 => word,
                0b0010 => _mm_slli_si128::<4>(word),
                0b0100 => _mm_slli_si128::<8>(word),
                0b1000 => _mm_slli_si128::<12>(word),
                // W_V into `a` and `e`, the lanes 3 and 1 of ABEF.
                0b1010 => _mm_shuffle_epi32::<0x11>(word),
                _ => {
                    let bit = |i: u8| if lanes >> i & 1 == 1 { -1 } else { 0 };
                    _mm_and_si128(_mm_shuffle_epi32::<0>(word), _mm_set_epi32(bit(3), bit(2), bit(1), bit(0)))
                }
            }
        }

        #[target_feature(enable = $features)]
        fn prepare<const V: usize>(chunk: &Chunk) -> Prep {
            let pre = portable::prepare::<V>(chunk);
            let mut s = pre.state;
            if V % 2 == 1 {
                // Round V with W_V = 0: each nonce adds its W_V to `a` and `e`.
                portable::round(&mut s, K[V]);
            }
            let mut w = chunk.words.map(|x| x as i32);
            w[V] = 0;
            let group = |w: &[i32]| _mm_set_epi32(w[3], w[2], w[1], w[0]);
            let s = s.map(|x| x as i32);
            let mid = chunk.midstate.map(|x| x as i32);
            let constant = pre.w.map(|x| x as i32);
            Prep {
                abef: _mm_set_epi32(s[0], s[1], s[4], s[5]),
                cdgh: _mm_set_epi32(s[2], s[3], s[6], s[7]),
                m: std::array::from_fn(|g| group(&w[4 * g..])),
                linear: std::array::from_fn(|g| match LINEAR[V][g] {
                    Some(_) => group(&constant[4 * g..]),
                    None => _mm_setzero_si128(),
                }),
                mid: _mm_set_epi32(0, 0, mid[6], mid[7]),
            }
        }

        /// Hashes `range`, `LANES` nonces a step (lanes past its end repeating its last
        /// nonce), and hands each step's tails, `(H6 << 32) | H7`, to `stop`; the first
        /// lane `stop` names ends the scan.
        ///
        /// The step is written out here, not called: its loop-invariant terms (the
        /// schedule groups and `W+K` that do not depend on `W_V`) leave the loop only
        /// if the compiler sees it whole.
        #[inline]
        #[target_feature(enable = $features)]
        fn scan<const V: usize>(
            chunk: &Chunk,
            range: Range<u32>,
            mut stop: impl FnMut([u64; LANES]) -> Option<usize>,
        ) -> Option<u32> {
            let p = prepare::<V>(chunk);
            // Pairs of rounds start at even rounds, from V's pair to (60, 61).
            let first = V + V % 2;
            let mut lo = range.start;
            while lo < range.end {
                let last = range.end - 1;
                let mut m = [[_mm_setzero_si128(); 16]; LANES];
                let mut mk = [[_mm_setzero_si128(); 16]; LANES];
                let mut words = [_mm_setzero_si128(); LANES];
                let mut abef = [p.abef; LANES];
                let mut cdgh = [p.cdgh; LANES];
                for l in 0..LANES {
                    let word = _mm_cvtsi32_si128(LOW_WORDS[(lo + l as u32).min(last) as usize] as i32);
                    words[l] = word;
                    m[l][..4].copy_from_slice(&p.m);
                    m[l][V / 4] = _mm_or_si128(p.m[V / 4], spread(word, 1 << (V % 4) as u8));
                    if V % 2 == 1 {
                        abef[l] = _mm_add_epi32(p.abef, spread(word, 0b1010));
                    }
                    for g in first / 4..4 {
                        mk[l][g] = _mm_add_epi32(m[l][g], kvec(g));
                    }
                }
                unroll!(R in [0 2 4 6 8 10 12 14 16 18 20 22 24 26 28 30 32 34 36 38 40 42 44 46 48 50
                    52 54 56 58 60] {
                    if R >= first {
                        // Group G is scheduled before the pairs of the group before it (the
                        // first one before the first pair), so that its latency hides
                        // behind them. `% 16` keeps the index in bounds where G would be 16.
                        const G: usize = (R / 4 + 1) % 16;
                        if G >= 4 && R / 4 + 1 < 16 && (R == first || (R % 4 == 0 && R > first)) {
                            for l in 0..LANES {
                                let mm = &mut m[l];
                                mm[G] = match LINEAR[V][G] {
                                    Some(lanes) => _mm_add_epi32(p.linear[G], spread(words[l], lanes)),
                                    None => {
                                        // (G + 12) % 16 is G - 4 (G ≥ 4 here).
                                        let [m4, m3, m2, m1] = [12, 13, 14, 15].map(|i| mm[(G + i) % 16]);
                                        schedule(m4, m3, m2, m1)
                                    }
                                };
                                mk[l][G] = _mm_add_epi32(mm[G], kvec(G));
                            }
                        }
                        for l in 0..LANES {
                            let wk = if R % 4 == 0 { mk[l][R / 4] } else { _mm_shuffle_epi32::<0x0e>(mk[l][R / 4]) };
                            let next = _mm_sha256rnds2_epu32(cdgh[l], abef[l], wk);
                            cdgh[l] = abef[l];
                            abef[l] = next;
                        }
                        lockstep(&mut abef);
                    }
                });
                // The last pair ran rounds 60 and 61: F = e_60 (h of H7), E = e_61 (g of H6).
                let tails = std::array::from_fn(|l| _mm_cvtsi128_si64(_mm_add_epi32(abef[l], p.mid)) as u64);
                if let Some(l) = stop(tails) {
                    return Some((lo + l as u32).min(last));
                }
                lo += LANES as u32;
            }
            None
        }

        /// The first `lo` in `range` whose digest meets `chunk.mask`.
        #[target_feature(enable = $features)]
        pub(super) fn search(chunk: &Chunk, range: Range<u32>) -> Option<u32> {
            let hit = |tails: [u64; LANES]| tails.iter().position(|t| t & chunk.mask == 0);
            by_v!(chunk.v, V => scan::<V>(chunk, range, hit))
        }

        /// The tails (`(H6 << 32) | H7`, `H6` zero unless `chunk.mask` covers it) of
        /// `lo..lo + LANES`, hashed in one step.
        #[cfg(test)]
        #[target_feature(enable = $features)]
        pub(super) fn tails(chunk: &Chunk, lo: u32) -> Vec<u64> {
            let keep = if chunk.mask >> 32 == 0 { 0xffff_ffff } else { u64::MAX };
            let mut out = Vec::new();
            let record = |tails: [u64; LANES]| {
                out.extend(tails.map(|t| t & keep));
                Some(0)
            };
            by_v!(chunk.v, V => scan::<V>(chunk, lo..lo + LANES as u32, record));
            out
        }
    };
}

/// `LINEAR[v][g]`: for varying word `v`, the lanes (a bit mask) of schedule group `g`
/// that are `W_v` plus a constant, if every other word of the group is constant: then
/// the group costs one addition per nonce instead of `sha256msg1` and `sha256msg2`.
/// `None` if a word of it depends on `W_v` in any other way. Group 4 for `v` = 5–8
/// (constant) and 11–12 (one such lane).
pub(super) const LINEAR: [[Option<u8>; 16]; 13] = {
    let mut table = [[None; 16]; 13];
    let mut v = 0;
    while v < 13 {
        // 0: constant, 1: W_v plus a constant, 2: anything else.
        let mut kind = [0u8; 64];
        kind[v] = 1;
        let mut i = 16;
        while i < 64 {
            kind[i] = if kind[i - 2] != 0 || kind[i - 15] != 0 {
                2
            } else {
                match (kind[i - 7], kind[i - 16]) {
                    (0, 0) => 0,
                    (1, 0) | (0, 1) => 1,
                    _ => 2,
                }
            };
            i += 1;
        }
        let mut g = 4;
        while g < 16 {
            let mut lanes = 0u8;
            let mut plain = true;
            let mut j = 0;
            while j < 4 {
                match kind[4 * g + j] {
                    0 => {}
                    1 => lanes |= 1 << j,
                    _ => plain = false,
                }
                j += 1;
            }
            if plain {
                table[v][g] = Some(lanes);
            }
            g += 1;
        }
        v += 1;
    }
    table
};

/// Makes the compiler finish a round pair in every lane before any lane's next pair:
/// an empty `asm!` that takes and returns all lanes' states. Left alone, it emits each
/// lane's whole chain of `sha256rnds2` before the next lane's, and the out-of-order
/// window is too small to overlap them: the lanes' latencies then add up.
#[inline(always)]
pub(super) fn lockstep<const N: usize>(x: &mut [__m128i; N]) {
    use std::arch::asm;
    const { assert!(N == 4 || N == 5, "the SHA-NI kernels run 4 or 5 lanes") };
    // SAFETY: the assembly is empty (a comment naming the registers): it reads and
    // writes nothing and leaves the registers it is given as they are.
    unsafe {
        match x.as_mut_slice() {
            [a, b, c, d, e] => asm!(
                "/* {} {} {} {} {} */",
                inout(xmm_reg) * a,
                inout(xmm_reg) * b,
                inout(xmm_reg) * c,
                inout(xmm_reg) * d,
                inout(xmm_reg) * e,
                options(pure, nomem, nostack, preserves_flags)
            ),
            [a, b, c, d] => asm!(
                "/* {} {} {} {} */",
                inout(xmm_reg) * a,
                inout(xmm_reg) * b,
                inout(xmm_reg) * c,
                inout(xmm_reg) * d,
                options(pure, nomem, nostack, preserves_flags)
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LINEAR;

    #[test]
    fn linear_groups_are_the_ones_worked_out_by_hand() {
        // W_16..W_19 never see W_5..W_8; W_19 = W_12 + constant, W_18 = W_11 + constant.
        for (v, groups) in LINEAR.iter().enumerate() {
            let expected = match v {
                5..=8 => Some(0),
                11 => Some(0b0100),
                12 => Some(0b1000),
                _ => None,
            };
            assert_eq!(groups[4], expected, "v {v}");
            assert!(groups[5..].iter().all(Option::is_none), "v {v}");
        }
    }
}
