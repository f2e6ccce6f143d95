//! Cross-checks of the miner: every kernel against plain SHA-256 for every prefix
//! length, first hits against brute force, and mined blocks against chain validation.

use super::job::Job;
use super::kernel::{Backend, Chunk};
use super::layout::{CHUNK, NonceLayout, Template, difficulty_mask, low_word};
use super::search::JobCtx;
use crate::chain::{Block, Limits, meets_difficulty, validate_block};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// The kernels (and builds of them) this CPU runs.
fn backends() -> Vec<Backend> {
    Backend::all_builds()
}

fn digest(prefix: &[u8], nonce: &str) -> [u8; 32] {
    Sha256::new().chain_update(prefix).chain_update(nonce.as_bytes()).finalize().into()
}

/// `(H6 << 32) | H7` of a digest.
fn tail_of(digest: &[u8; 32]) -> u64 {
    u64::from_be_bytes(digest[24..].try_into().unwrap_or_default())
}

fn chunk_for(template: &Template, chunk: u64, difficulty: u32) -> Chunk {
    Chunk {
        midstate: template.midstate,
        words: template.chunk_words(chunk),
        v: template.layout.varying_word(),
        mask: difficulty_mask(difficulty),
    }
}

#[test]
fn kernels_match_sha256_for_every_prefix_length() {
    let mut rng = fastrand::Rng::with_seed(2024);
    for prefix_len in 0..=300 {
        let prefix: Vec<u8> = (0..prefix_len).map(|_| rng.u8(..)).collect();
        let layout = NonceLayout::new(prefix_len);
        let template = Template::new(&prefix, layout, rng.u64(..));
        for _ in 0..3 {
            let chunk_index = rng.u64(..layout.chunks());
            let lo = rng.u32(..CHUNK);
            let nonce = template.nonce(chunk_index * u64::from(CHUNK) + u64::from(lo));
            let digest = digest(&prefix, &nonce);
            for backend in backends() {
                for d in 0..=9 {
                    let chunk = chunk_for(&template, chunk_index, d);
                    if d == 0 {
                        let got = backend.tail_words(&chunk, lo);
                        assert_eq!(got, tail_of(&digest), "{backend:?} len {prefix_len}");
                    }
                    let hit = backend.search(&chunk, lo..lo + 1).is_some();
                    assert_eq!(hit, meets_difficulty(&digest, d), "{backend:?} d {d}");
                }
            }
        }
    }
}

#[test]
fn mask_matches_the_hex_rule_on_crafted_digests() {
    let mut rng = fastrand::Rng::with_seed(9);
    for zeros in 0..=17u32 {
        for _ in 0..20 {
            let mut digest = [0u8; 32];
            rng.fill(&mut digest);
            // Exactly `zeros` trailing zero nibbles.
            for nibble in 0..zeros as usize {
                digest[31 - nibble / 2] &= if nibble % 2 == 0 { 0xf0 } else { 0x0f };
            }
            let n = zeros as usize;
            let shift = if n.is_multiple_of(2) { 0 } else { 4 };
            if digest[31 - n / 2] >> shift & 0x0f == 0 {
                digest[31 - n / 2] |= 1 << shift;
            }
            for d in 0..=18 {
                let mask = difficulty_mask(d);
                let fast = tail_of(&digest) & mask == 0;
                if d < 16 {
                    assert_eq!(fast, meets_difficulty(&digest, d), "zeros {zeros} d {d}");
                } else {
                    assert!(!meets_difficulty(&digest, d) || fast, "pre-filter missed");
                }
            }
        }
    }
}

#[test]
fn search_finds_the_first_hit_like_brute_force() {
    let mut rng = fastrand::Rng::with_seed(5);
    // One prefix per tail length (prefix_len % 64), each a different layout corner.
    for tail in (0..64).step_by(3) {
        let prefix_len = 64 + tail;
        let prefix: Vec<u8> = (0..prefix_len).map(|_| rng.alphanumeric() as u8).collect();
        let template = Template::new(&prefix, NonceLayout::new(prefix_len), rng.u64(..));
        let chunk_index = rng.u64(..1000);
        let range = rng.u32(..CHUNK - 600)..CHUNK;
        let tails: Vec<[u8; 32]> = range
            .clone()
            .take(600)
            .map(|lo| digest(&prefix, &template.nonce(chunk_index * u64::from(CHUNK) + u64::from(lo))))
            .collect();
        for d in 1..=3 {
            let expected = tails.iter().position(|t| meets_difficulty(t, d));
            for backend in backends() {
                let chunk = chunk_for(&template, chunk_index, d);
                let sub = range.start..range.start + 600;
                let got = backend.search(&chunk, sub).map(|lo| (lo - range.start) as usize);
                assert_eq!(got, expected, "{backend:?} tail {tail} d {d}");
            }
        }
    }
}

/// Seeds the jobs of `mined_blocks_validate…`: their first hits come early (the search
/// is deterministic, so the test's cost is fixed).
const SEED: u64 = 134;

fn parent_with_hash(hash: &str, height: u64) -> Block {
    Block {
        height,
        mined_by: "parent".into(),
        nonce: "0".into(),
        messages: vec!["x".into()],
        hash: hash.into(),
        timestamp: None,
    }
}

#[test]
fn mined_blocks_validate_and_every_kernel_finds_the_same() {
    let mut rng = fastrand::Rng::with_seed(SEED);
    for d in 1..=6 {
        let genesis = d % 2 == 1;
        let prev = format!("{:016x}{:016x}{:016x}{:016x}", rng.u64(..), rng.u64(..), 0, d);
        let parent = (!genesis).then(|| parent_with_hash(&prev, 41));
        let job = Job {
            height: if genesis { 0 } else { 42 },
            prev_hash: parent.as_ref().map(|p| p.hash.clone()),
            mined_by: "tester".repeat(1 + d as usize % 3),
            messages: (0..d).map(|i| "wörd".repeat(i as usize % 4 + 1)).collect(),
            timestamp: None,
            difficulty: d,
        };
        let start = rng.u64(..);
        let mut first: Option<Block> = None;
        // Debug builds run the kernels unoptimized: past d 4 only the portable one there.
        let kernels = if cfg!(debug_assertions) && d > 4 { vec![Backend::Portable] } else { backends() };
        for backend in kernels {
            let ctx = JobCtx::with_extranonce(job.clone(), start);
            let mut hashes = 0;
            let block = ctx.mine(backend, |n| {
                hashes += n;
                true
            });
            let block = block.unwrap_or_else(|| panic!("{backend:?} found nothing at d {d}"));
            assert!(hashes > 0);
            assert!(block.nonce.len() < 40 && block.nonce.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(validate_block(&block, parent.as_ref(), &Limits::new(d)), Ok(()));
            // The search order is fixed, so every kernel stops at the same nonce.
            assert_eq!(first.get_or_insert_with(|| block.clone()), &block, "{backend:?}");
        }
    }
}

#[test]
fn low_words_cover_the_chunk() {
    let words: std::collections::HashSet<u32> = (0..CHUNK).map(low_word).collect();
    assert_eq!(words.len(), CHUNK as usize);
}

/// Single-thread kernel speed per varying-word position:
/// `cargo test -p blockpeer-core --release kernel_speed -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, run in release"]
fn kernel_speed() {
    for prefix_len in [95, 64 + 12, 64 + 44, 64 + 60] {
        let prefix = vec![b'a'; prefix_len];
        let layout = NonceLayout::new(prefix_len);
        let template = Template::new(&prefix, layout, 1);
        for backend in backends() {
            let start = Instant::now();
            let mut chunks = 0;
            while start.elapsed() < Duration::from_millis(700) {
                let chunk = chunk_for(&template, chunks, 12);
                std::hint::black_box(backend.search(&chunk, 0..CHUNK));
                chunks += 1;
            }
            let rate = (chunks * u64::from(CHUNK)) as f64 / start.elapsed().as_secs_f64();
            println!(
                "prefix {prefix_len:3} v {:2} {:9} {:6.2} MH/s",
                layout.varying_word(),
                backend.name(),
                rate / 1e6
            );
        }
    }
}
