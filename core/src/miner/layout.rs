//! The nonce layout and the midstate: where a job's nonce digits go so that every
//! nonce costs exactly one SHA-256 compression.
//!
//! # Layout
//!
//! The hashed message is `prefix ‖ nonce`, padded the SHA-256 way (`0x80`, zeros, the
//! 8-byte big-endian bit length). The nonce, 12 to 39 ASCII decimal digits, is
//! `extranonce ‖ counter`, and the counter is `chunk digits ‖ 4 low digits`:
//!
//! ```text
//!   last 64-byte block (every block before it is hashed once, into the midstate)
//!   ┌──────────────────────────┬──────────────┬──────────────┬──────┬─────┬────────┐
//!   │ prefix tail, extranonce  │ chunk digits │ 4 low digits │ 0x80 │ 0…0 │ length │
//!   └──────────────────────────┴──────────────┴──────────────┴──────┴─────┴────────┘
//!   0                                         end - 4        end          56      64
//! ```
//!
//! * The nonce ends at byte `end` of the last block, a multiple of 4 and at most 52, so
//!   that `0x80`, zeros and the length fill the block exactly (`end + 9 ≤ 64`). The 4 low
//!   counter digits are then exactly one big-endian message word, `W_v` with
//!   `v = end / 4 - 1`: the only word that changes from one nonce to the next. The kernels
//!   run the rounds before `W_v` once per chunk of 10 000 nonces and skip the tail rounds.
//! * The whole counter (`counter_len` digits, 8 to 16) lies in the last block; its digits
//!   above the low 4 (the *chunk*) change every 10 000 nonces.
//! * The extranonce (≥ 4 digits) comes first. Where the prefix leaves too little room in
//!   its last block (prefix length mod 64 above 40), the extranonce's leading digits
//!   complete that block and belong to the midstate, and the nonce ends in the next block.
//!   Each worker takes a fresh extranonce (a per-job counter from a random start) whenever
//!   it starts a job or exhausts its counter, so workers never share nonces and the search
//!   never runs out.
//! * Among the placements that fit, the layout picks the largest `end` (the most
//!   precomputed rounds), then the longest counter.

use sha2::block_api::compress256;

/// The longest nonce we produce (peers accept fewer than 40 characters).
pub(crate) const MAX_NONCE_LEN: usize = 39;
/// Nonces per chunk: the 4 low counter digits, one message word.
pub(crate) const CHUNK: u32 = 10_000;
/// Fewest counter digits (so a chunk index has at least 4 digits).
const MIN_COUNTER: usize = 8;
/// Most counter digits: 10¹⁶ nonces per extranonce is more than any job needs.
const MAX_COUNTER: usize = 16;
/// Fewest extranonce digits.
const MIN_EXTRANONCE: usize = 4;
/// The nonce must end by this byte of its block: `0x80` and the bit length follow.
const MAX_END: usize = 52;

/// SHA-256's initial state.
pub(crate) const IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// Where the nonce goes for one prefix length (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NonceLayout {
    /// Bytes before the nonce.
    pub prefix_len: usize,
    /// Extranonce digits (the nonce's constant head).
    pub extranonce_len: usize,
    /// Counter digits (the nonce's varying tail, all in the last block).
    pub counter_len: usize,
    /// Offset in the message of the last block (a multiple of 64).
    pub final_start: usize,
    /// Offset in the last block just past the nonce (a multiple of 4, ≤ 52).
    pub end: usize,
}

impl NonceLayout {
    /// The best layout for a prefix of `prefix_len` bytes.
    pub(crate) fn new(prefix_len: usize) -> Self {
        let mut best: Option<Self> = None;
        for nonce_len in MIN_COUNTER + MIN_EXTRANONCE..=MAX_NONCE_LEN {
            let total = prefix_len + nonce_len;
            let end = total % 64;
            if !end.is_multiple_of(4) || !(4..=MAX_END).contains(&end) {
                continue;
            }
            let final_start = total - end;
            let in_final = total - prefix_len.max(final_start);
            let counter_len = in_final.min(MAX_COUNTER).min(nonce_len - MIN_EXTRANONCE);
            if counter_len < MIN_COUNTER {
                continue;
            }
            let layout = Self { prefix_len, extranonce_len: nonce_len - counter_len, counter_len, final_start, end };
            if best.is_none_or(|b| (end, counter_len) > (b.end, b.counter_len)) {
                best = Some(layout);
            }
        }
        // Every prefix length has a fit: a tail (prefix_len % 64) ≤ 40 leaves room for
        // 12 digits ending at byte 52 of the same block; a longer tail takes 24+ head
        // digits and ends at byte 16..=36 of the next. Tests cover 0..=1000.
        best.unwrap_or(Self {
            prefix_len,
            extranonce_len: MIN_EXTRANONCE,
            counter_len: MIN_COUNTER,
            final_start: prefix_len / 64 * 64,
            end: MAX_END,
        })
    }

    /// Total nonce length in characters.
    pub(crate) fn nonce_len(&self) -> usize {
        self.extranonce_len + self.counter_len
    }

    /// Index of the message word holding the 4 low counter digits.
    pub(crate) fn varying_word(&self) -> usize {
        self.end / 4 - 1
    }

    /// Chunks of [`CHUNK`] nonces per extranonce.
    pub(crate) fn chunks(&self) -> u64 {
        10u64.pow((self.counter_len - 4) as u32)
    }
}

/// One extranonce's share of a job: the midstate and the last block's constant bytes.
#[derive(Clone, Debug)]
pub(crate) struct Template {
    /// The layout it follows.
    pub layout: NonceLayout,
    /// SHA-256 state after every block before the last.
    pub midstate: [u32; 8],
    /// The last block, counter digits all `'0'`.
    block: [u8; 64],
    /// The extranonce digits.
    extranonce: [u8; MAX_NONCE_LEN],
}

impl Template {
    /// Hashes `prefix ‖ extranonce digits` up to the last block.
    pub(crate) fn new(prefix: &[u8], layout: NonceLayout, extranonce: u64) -> Self {
        debug_assert_eq!(prefix.len(), layout.prefix_len);
        let mut digits = [b'0'; MAX_NONCE_LEN];
        write_digits(&mut digits[..layout.extranonce_len], extranonce);
        let total = layout.prefix_len + layout.nonce_len();
        let mut message = Vec::with_capacity(layout.final_start + 64);
        message.extend_from_slice(prefix);
        message.extend_from_slice(&digits[..layout.extranonce_len]);
        message.resize(total, b'0');
        message.push(0x80);
        message.resize(layout.final_start + 56, 0);
        message.extend_from_slice(&(total as u64 * 8).to_be_bytes());
        debug_assert_eq!(message.len(), layout.final_start + 64);
        let (blocks, _) = message.as_chunks::<64>();
        let mut midstate = IV;
        compress256(&mut midstate, &blocks[..layout.final_start / 64]);
        let mut block = [0u8; 64];
        block.copy_from_slice(&message[layout.final_start..]);
        Self { layout, midstate, block, extranonce: digits }
    }

    /// The last block's 16 big-endian words for chunk `chunk`, with `W_v` zero.
    pub(crate) fn chunk_words(&self, chunk: u64) -> [u32; 16] {
        let mut block = self.block;
        let end = self.layout.end;
        write_digits(&mut block[end - self.layout.counter_len..end - 4], chunk);
        block[end - 4..end].fill(0);
        let (words, _) = block.as_chunks::<4>();
        std::array::from_fn(|i| u32::from_be_bytes(words[i]))
    }

    /// The nonce string for counter value `counter`.
    pub(crate) fn nonce(&self, counter: u64) -> String {
        let mut digits = [b'0'; MAX_NONCE_LEN];
        let x = self.layout.extranonce_len;
        let n = self.layout.nonce_len();
        digits[..x].copy_from_slice(&self.extranonce[..x]);
        write_digits(&mut digits[x..n], counter);
        digits[..n].iter().map(|&d| char::from(d)).collect()
    }
}

/// Writes `value` (mod 10^len) as zero-padded decimal into `out`.
pub(crate) fn write_digits(out: &mut [u8], mut value: u64) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Two ASCII digits, `"00"` to `"99"`, as a big-endian 16-bit value.
const PAIRS: [u16; 100] = {
    let mut table = [0u16; 100];
    let mut i = 0;
    while i < 100 {
        table[i] = (((b'0' + (i / 10) as u8) as u16) << 8) | (b'0' + (i % 10) as u8) as u16;
        i += 1;
    }
    table
};

/// The message word of the 4 low digits `lo` (< 10 000), e.g. 42 → `"0042"`.
#[inline(always)]
pub(crate) fn low_word(lo: u32) -> u32 {
    (u32::from(PAIRS[(lo / 100 % 100) as usize]) << 16) | u32::from(PAIRS[(lo % 100) as usize])
}

/// [`low_word`] of every `lo` below [`CHUNK`], for loading many at once.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) static LOW_WORDS: [u32; CHUNK as usize] = {
    let mut table = [0u32; CHUNK as usize];
    let mut lo = 0;
    while lo < CHUNK as usize {
        table[lo] = ((PAIRS[lo / 100] as u32) << 16) | PAIRS[lo % 100] as u32;
        lo += 1;
    }
    table
};

/// The mask on `(H6 << 32) | H7` that must be all zero for difficulty `d`: its last
/// `4·d` bits. From 16 on it covers both words, a pre-filter that the plain recheck
/// completes.
pub(crate) fn difficulty_mask(d: u32) -> u64 {
    if d >= 16 { u64::MAX } else { (1u64 << (4 * d)) - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn every_prefix_length_gets_a_one_block_tail() {
        for prefix_len in 0..=1000 {
            let layout = NonceLayout::new(prefix_len);
            let n = layout.nonce_len();
            let total = prefix_len + n;
            assert!((12..=MAX_NONCE_LEN).contains(&n), "{layout:?}");
            assert!(layout.extranonce_len >= MIN_EXTRANONCE, "{layout:?}");
            assert!((MIN_COUNTER..=MAX_COUNTER).contains(&layout.counter_len));
            assert_eq!(layout.final_start % 64, 0);
            assert_eq!(total, layout.final_start + layout.end, "{layout:?}");
            assert!(layout.end.is_multiple_of(4) && layout.end + 9 <= 64, "{layout:?}");
            // The counter lies wholly in the last block, after the prefix.
            assert!(total - layout.counter_len >= layout.final_start.max(prefix_len));
            if prefix_len % 64 <= 40 && prefix_len % 64 >= 13 {
                assert_eq!(layout.end, 52, "{layout:?}");
            }
        }
    }

    #[test]
    fn template_words_and_nonce_match_the_message() {
        let mut rng = fastrand::Rng::with_seed(7);
        for prefix_len in 0..=300 {
            let prefix: Vec<u8> = (0..prefix_len).map(|_| rng.u8(..)).collect();
            let layout = NonceLayout::new(prefix_len);
            let template = Template::new(&prefix, layout, rng.u64(..));
            let counter = rng.u64(..layout.chunks() * u64::from(CHUNK));
            let nonce = template.nonce(counter);
            assert_eq!(nonce.len(), layout.nonce_len());
            assert!(nonce.bytes().all(|b| b.is_ascii_digit()));
            let mut words = template.chunk_words(counter / u64::from(CHUNK));
            let v = layout.varying_word();
            assert_eq!(words[v], 0);
            words[v] = low_word((counter % u64::from(CHUNK)) as u32);
            // Finishing the midstate with the last block gives the plain digest.
            let mut block = [0u8; 64];
            for (bytes, word) in block.chunks_mut(4).zip(words) {
                bytes.copy_from_slice(&word.to_be_bytes());
            }
            let mut state = template.midstate;
            compress256(&mut state, &[block]);
            let digest: [u8; 32] = Sha256::new().chain_update(&prefix).chain_update(nonce.as_bytes()).finalize().into();
            let expected: Vec<u32> = digest.chunks(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect();
            assert_eq!(state.to_vec(), expected, "prefix_len {prefix_len}");
        }
    }

    #[test]
    fn low_words_and_masks() {
        assert_eq!(low_word(0), u32::from_be_bytes(*b"0000"));
        assert_eq!(low_word(42), u32::from_be_bytes(*b"0042"));
        assert_eq!(low_word(9999), u32::from_be_bytes(*b"9999"));
        assert!((0..CHUNK).all(|lo| LOW_WORDS[lo as usize] == low_word(lo)));
        assert_eq!(difficulty_mask(0), 0);
        assert_eq!(difficulty_mask(8), 0xffff_ffff);
        assert_eq!(difficulty_mask(9), 0xf_ffff_ffff);
        assert_eq!(difficulty_mask(20), u64::MAX);
    }
}
