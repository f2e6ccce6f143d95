//! A job as the GPU mines it, and the parameters of one kernel launch: the template's last
//! block, the state after the rounds the GPU skips, the mask, and which chunks to search.

use super::super::job::Job;
use super::super::layout::{CHUNK, NonceLayout, Template, difficulty_mask};
use super::super::portable::{K, big_sigma0, big_sigma1};

/// Lowest varying word the layout produces (a nonce ends at byte 16 or later); the kernel
/// has entry points `mine_v3` … `mine_v12`.
pub(crate) const FIRST_V: usize = 3;
/// Highest varying word (a nonce ends by byte 52).
pub(crate) const LAST_V: usize = 12;

/// What one launch needs: the kernel's `struct MineParams`, field by field (136 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MineParams {
    /// SHA-256 state after rounds `0..v-3` of the last block.
    pub state: [u32; 8],
    /// The last block's words: chunk digits all `'0'`, `W_v` zero.
    pub words: [u32; 16],
    /// Midstate word 6, added to round 61's `e` to give `H6`.
    pub mid6: u32,
    /// Midstate word 7, added to round 60's `e` to give `H7`.
    pub mid7: u32,
    /// Bits of `H6` that must be zero.
    pub mask_hi: u32,
    /// Bits of `H7` that must be zero.
    pub mask_lo: u32,
    /// The launch's first chunk index, / 1 000 000.
    pub chunk_hi: u32,
    /// The launch's first chunk index, % 1 000 000.
    pub chunk_lo: u32,
    /// Chunk digits (the counter's digits above the low 4): 4 to 12.
    pub digits: u32,
    /// Chunks of 10 000 nonces in this launch.
    pub chunks: u32,
    /// Nonces one thread hashes in a row (divides 10 000).
    pub per_thread: u32,
    /// Hit slots in the output after its counter.
    pub capacity: u32,
}

const _: () = assert!(size_of::<MineParams>() == 136);

// SAFETY: #[repr(C)] with u32 fields only (no padding, every bit pattern valid), in the order
// of the kernel's `struct MineParams`, which the kernel takes by value; the kernel's
// static_assert and the assertion above pin both at 136 bytes.
unsafe impl cudarc::driver::DeviceRepr for MineParams {}

/// A job with what every launch for it shares.
#[derive(Debug)]
pub(crate) struct GpuJob {
    /// The job itself (its `block_if_valid` rechecks every hit).
    pub job: Job,
    /// Where its nonces go.
    pub layout: NonceLayout,
    /// The trailing-zero mask on `(H6 << 32) | H7`.
    pub mask: u64,
    prefix: Vec<u8>,
}

impl GpuJob {
    /// Prepares `job`, with the mask its difficulty asks for.
    pub(crate) fn new(job: Job) -> Self {
        let mask = difficulty_mask(job.difficulty);
        Self::with_mask(job, mask)
    }

    /// Prepares `job` with another mask (tests use masks on `H6` alone).
    pub(crate) fn with_mask(job: Job, mask: u64) -> Self {
        let prefix = job.prefix();
        let layout = NonceLayout::new(prefix.len());
        Self { job, layout, mask, prefix }
    }

    /// The varying word: which kernel entry point runs it.
    pub(crate) fn v(&self) -> usize {
        self.layout.varying_word()
    }

    /// Chunks per extranonce.
    pub(crate) fn chunks(&self) -> u64 {
        self.layout.chunks()
    }

    /// The midstate and last block for `extranonce`.
    pub(crate) fn template(&self, extranonce: u64) -> Template {
        Template::new(&self.prefix, self.layout, extranonce)
    }

    /// The nonce of hit `(chunk_rel, lo)` of a launch from `first_chunk` of `template`.
    pub(crate) fn nonce(template: &Template, first_chunk: u64, (chunk_rel, lo): (u32, u32)) -> String {
        template.nonce((first_chunk + u64::from(chunk_rel)) * u64::from(CHUNK) + u64::from(lo))
    }

    /// The parameters of a launch over `chunks` chunks of `template` from `first_chunk`, each
    /// thread hashing `per_thread` nonces in a row, room for `capacity` hits.
    ///
    /// The caller keeps `first_chunk + chunks ≤ self.chunks()` and `per_thread` a divisor of
    /// 10 000; the words after the nonce are padding (`0x80`, zeros), which the kernel folds in
    /// as constants.
    pub(crate) fn params(
        &self,
        template: &Template,
        first_chunk: u64,
        chunks: u32,
        per_thread: u32,
        capacity: u32,
    ) -> MineParams {
        let v = self.v();
        debug_assert!((FIRST_V..=LAST_V).contains(&v));
        debug_assert!(first_chunk + u64::from(chunks) <= self.chunks());
        debug_assert!(per_thread > 0 && CHUNK.is_multiple_of(per_thread));
        let words = template.chunk_words(0);
        debug_assert_eq!(words[v + 1], 0x8000_0000);
        debug_assert!(words[v + 2..15].iter().all(|&w| w == 0));
        // The chunk digits lie in W_{v-3}..W_{v-1} (at most 12 of them): the host runs the rounds
        // before, the GPU the rest.
        let mut state = template.midstate;
        for (i, &word) in words.iter().enumerate().take(v.saturating_sub(3)) {
            round(&mut state, K[i].wrapping_add(word));
        }
        MineParams {
            state,
            words,
            mid6: template.midstate[6],
            mid7: template.midstate[7],
            mask_hi: (self.mask >> 32) as u32,
            mask_lo: self.mask as u32,
            chunk_hi: (first_chunk / 1_000_000) as u32,
            chunk_lo: (first_chunk % 1_000_000) as u32,
            digits: (self.layout.counter_len - 4) as u32,
            chunks,
            per_thread,
            capacity,
        }
    }
}

/// The hits a launch stored in `out` (`out[0]` counts them, pairs follow), at most `capacity`.
pub(crate) fn stored_hits(out: &[u32], capacity: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
    let stored = out.first().map_or(0, |&count| count.min(capacity) as usize);
    out.get(1..1 + 2 * stored).unwrap_or_default().chunks_exact(2).map(|pair| (pair[0], pair[1]))
}

/// One SHA-256 round (`kw = K_i + W_i`).
fn round(s: &mut [u32; 8], kw: u32) {
    let [a, b, c, d, e, f, g, h] = *s;
    let t1 = h.wrapping_add(big_sigma1(e)).wrapping_add((e & f) ^ (!e & g)).wrapping_add(kw);
    let t2 = big_sigma0(a).wrapping_add((a & b) ^ (a & c) ^ (b & c));
    *s = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::block_api::compress256;

    #[test]
    fn every_prefix_length_gets_a_kernel_and_padding_after_the_nonce() {
        for prefix_len in 0..=2000 {
            let layout = NonceLayout::new(prefix_len);
            let v = layout.varying_word();
            assert!((FIRST_V..=LAST_V).contains(&v), "prefix {prefix_len}: v = {v}");
            // The chunk digits end at W_{v-1} and start no earlier than W_{v-3}.
            assert!((4..=12).contains(&(layout.counter_len - 4)), "{layout:?}");
            let prefix = vec![b'x'; prefix_len];
            let words = Template::new(&prefix, layout, 1234).chunk_words(0);
            assert_eq!(words[v + 1], 0x8000_0000, "{layout:?}");
            assert!(words[v + 2..15].iter().all(|&w| w == 0), "{layout:?}");
        }
    }

    #[test]
    fn host_rounds_are_the_first_rounds_of_the_compression() {
        // Finishing the host's state with the remaining rounds gives sha2's compression.
        let job = Job {
            height: 3,
            prev_hash: Some("ab".repeat(32)),
            mined_by: "params".into(),
            messages: vec!["one".into(), "two".into()],
            timestamp: None,
            difficulty: 9,
        };
        let gpu_job = GpuJob::new(job);
        let template = gpu_job.template(42);
        let params = gpu_job.params(&template, 7, 3, 100, 8);
        let v = gpu_job.v();
        assert_eq!((params.mask_hi, params.mask_lo), (0xf, 0xffff_ffff));
        assert_eq!((params.chunk_hi, params.chunk_lo, params.chunks), (0, 7, 3));
        let words = template.chunk_words(0);
        let mut w = [0u32; 64];
        w[..16].copy_from_slice(&words);
        for i in 16..64 {
            w[i] = super::super::super::portable::small_sigma1(w[i - 2])
                .wrapping_add(w[i - 7])
                .wrapping_add(super::super::super::portable::small_sigma0(w[i - 15]))
                .wrapping_add(w[i - 16]);
        }
        let mut state = params.state;
        for i in v - 3..64 {
            round(&mut state, K[i].wrapping_add(w[i]));
        }
        let mut block = [0u8; 64];
        for (bytes, word) in block.chunks_mut(4).zip(words) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        let mut expected = template.midstate;
        compress256(&mut expected, &[block]);
        let got: Vec<u32> = state.iter().zip(template.midstate).map(|(s, m)| s.wrapping_add(m)).collect();
        assert_eq!(got, expected.to_vec());
    }

    #[test]
    fn stored_hits_stop_at_the_capacity() {
        let out = [3, 0, 5, 1, 9, 7, 7];
        assert_eq!(stored_hits(&out, 2).collect::<Vec<_>>(), vec![(0, 5), (1, 9)]);
        assert_eq!(stored_hits(&out, 3).count(), 3);
        assert_eq!(stored_hits(&[], 3).count(), 0);
    }
}
