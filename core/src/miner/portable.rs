//! The portable kernel: scalar SHA-256 of the last block on any CPU. Per chunk it runs
//! the rounds before the varying word and sums the message-schedule terms that do not
//! depend on it; per nonce it runs the remaining rounds only until `H7` (and `H6` for
//! masks past 8 digits) is known: round 60 decides `H7`, round 61 `H6`, 62–63 never run.

use super::kernel::Chunk;
use super::layout::low_word;
use super::runs;
use std::ops::Range;

/// SHA-256 round constants.
#[rustfmt::skip]
pub(crate) const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// Schedule words the kernel needs: `W_0..=W_61` (rounds 62 and 63 never run).
pub(crate) const WORDS: usize = 62;

/// `DEPENDS[v][i]`: whether schedule word `i` depends on message word `v`.
pub(crate) const DEPENDS: [[bool; WORDS]; 13] = {
    let mut table = [[false; WORDS]; 13];
    let mut v = 0;
    while v < 13 {
        table[v][v] = true;
        let mut i = 16;
        while i < WORDS {
            let d = &table[v];
            table[v][i] = d[i - 2] || d[i - 7] || d[i - 15] || d[i - 16];
            i += 1;
        }
        v += 1;
    }
    table
};

pub(crate) fn big_sigma0(x: u32) -> u32 {
    x.rotate_right(2) ^ x.rotate_right(13) ^ x.rotate_right(22)
}
pub(crate) fn big_sigma1(x: u32) -> u32 {
    x.rotate_right(6) ^ x.rotate_right(11) ^ x.rotate_right(25)
}
pub(crate) fn small_sigma0(x: u32) -> u32 {
    x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
}
pub(crate) fn small_sigma1(x: u32) -> u32 {
    x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
}
fn ch(e: u32, f: u32, g: u32) -> u32 {
    (e & f) ^ (!e & g)
}
fn maj(a: u32, b: u32, c: u32) -> u32 {
    (a & b) ^ (a & c) ^ (b & c)
}

/// `T1` of a round: `h + Σ1(e) + Ch(e, f, g) + K_i + W_i` (`kw = K_i + W_i`).
#[inline(always)]
fn t1(e: u32, f: u32, g: u32, h: u32, kw: u32) -> u32 {
    h.wrapping_add(big_sigma1(e)).wrapping_add(ch(e, f, g)).wrapping_add(kw)
}

/// One full round.
#[inline(always)]
pub(crate) fn round(s: &mut [u32; 8], kw: u32) {
    let [a, b, c, d, e, f, g, h] = *s;
    let t1 = t1(e, f, g, h, kw);
    let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
    *s = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
}

/// What one chunk shares: the state before round `V`, and every schedule word that does
/// not depend on `W_V` (for those that do, the sum of their terms that do not).
pub(crate) struct Pre {
    /// State before round `V`.
    pub state: [u32; 8],
    /// Schedule words, or their terms independent of `W_V`.
    pub w: [u32; WORDS],
}

/// The chunk's share of the work for varying word `V`.
pub(crate) fn prepare<const V: usize>(chunk: &Chunk) -> Pre {
    let dep = &DEPENDS[V];
    let mut w = [0u32; WORDS];
    w[..16].copy_from_slice(&chunk.words);
    w[V] = 0;
    for i in 16..WORDS {
        let mut sum = 0u32;
        if !dep[i - 2] {
            sum = sum.wrapping_add(small_sigma1(w[i - 2]));
        }
        if !dep[i - 7] {
            sum = sum.wrapping_add(w[i - 7]);
        }
        if !dep[i - 15] {
            sum = sum.wrapping_add(small_sigma0(w[i - 15]));
        }
        if !dep[i - 16] {
            sum = sum.wrapping_add(w[i - 16]);
        }
        w[i] = sum;
    }
    let mut state = chunk.midstate;
    for i in 0..V {
        round(&mut state, K[i].wrapping_add(w[i]));
    }
    Pre { state, w }
}

/// `(H6 << 32) | H7` for the nonce whose word `V` is `wv` (`H6` left 0 unless `need_h6`).
#[inline(always)]
fn tail<const V: usize>(pre: &Pre, mid: [u32; 8], wv: u32, need_h6: bool) -> u64 {
    let dep = &DEPENDS[V];
    let mut w = pre.w;
    w[V] = wv;
    unroll!(I in [16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38
        39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61] {
        if dep[I] {
            let mut sum = w[I];
            if dep[I - 2] {
                sum = sum.wrapping_add(small_sigma1(w[I - 2]));
            }
            if dep[I - 7] {
                sum = sum.wrapping_add(w[I - 7]);
            }
            if dep[I - 15] {
                sum = sum.wrapping_add(small_sigma0(w[I - 15]));
            }
            if dep[I - 16] {
                sum = sum.wrapping_add(w[I - 16]);
            }
            w[I] = sum;
        }
    });
    let mut s = pre.state;
    unroll!(I in [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26
        27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54
        55 56 57 58 59] {
        if runs(I, V) {
            round(&mut s, K[I].wrapping_add(w[I]));
        }
    });
    // Rounds 60 and 61 only for `e`: h after round 63 is e after round 60, g is e after 61.
    let [_, _, c, d, e, f, g, h] = s;
    let e61 = d.wrapping_add(t1(e, f, g, h, K[60].wrapping_add(w[60])));
    let h7 = u64::from(mid[7].wrapping_add(e61));
    if !need_h6 {
        return h7;
    }
    let e62 = c.wrapping_add(t1(e61, e, f, g, K[61].wrapping_add(w[61])));
    (u64::from(mid[6].wrapping_add(e62)) << 32) | h7
}

fn search_v<const V: usize>(chunk: &Chunk, range: Range<u32>) -> Option<u32> {
    let pre = prepare::<V>(chunk);
    let need_h6 = chunk.mask >> 32 != 0;
    range.into_iter().find(|&lo| tail::<V>(&pre, chunk.midstate, low_word(lo), need_h6) & chunk.mask == 0)
}

/// The first `lo` in `range` whose digest meets `chunk.mask`.
pub(crate) fn search(chunk: &Chunk, range: Range<u32>) -> Option<u32> {
    by_v!(chunk.v, V => search_v::<V>(chunk, range))
}

/// The tail of `lo` (`(H6 << 32) | H7`, `H6` zero unless `chunk.mask` covers it).
#[cfg(test)]
pub(crate) fn tails(chunk: &Chunk, lo: u32) -> Vec<u64> {
    let need_h6 = chunk.mask >> 32 != 0;
    vec![by_v!(chunk.v, V => tail::<V>(&prepare::<V>(chunk), chunk.midstate, low_word(lo), need_h6))]
}
