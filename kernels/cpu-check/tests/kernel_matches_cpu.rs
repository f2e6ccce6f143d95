//! Proves the CUDA kernel's logic without a GPU: compiled as C++ (src/shim.h) and run on the
//! CPU, for random jobs at difficulties 1–4 and every varying word the layout produces, it
//! reports exactly the nonces the CPU miner's portable kernel finds among the same nonces —
//! across chunk-digit carries, thread strides and nonces-per-thread — and each one is a block
//! under the plain hash rule. Masks on H6 alone check the rounds that difficulty 9+ needs.

#![allow(clippy::unwrap_used)]

use blockpeer_core::miner::Job;
use blockpeer_core::testing::cuda::Search;
use blockpeer_kernel_check::run_grid;

const CAPACITY: u32 = 4096;
const PER_THREAD: [u32; 5] = [1, 16, 100, 625, 10_000];

/// 1 to 20 random letters and digits.
fn text(rng: &mut fastrand::Rng) -> String {
    let len = rng.usize(1..=20);
    (0..len).map(|_| rng.alphanumeric()).collect()
}

fn random_job(rng: &mut fastrand::Rng, difficulty: u32) -> Job {
    let prev_hash = rng.bool().then(|| (0..64).map(|_| char::from(b"0123456789abcdef"[rng.usize(..16)])).collect());
    let words = rng.usize(1..=10);
    Job {
        height: rng.u64(..1000),
        prev_hash,
        mined_by: text(rng),
        messages: (0..words).map(|_| text(rng)).collect(),
        // Half the jobs are of the GOSSIP generation: 8 binary timestamp bytes before the nonce.
        timestamp: rng.bool().then(|| rng.u64(..)),
        difficulty,
    }
}

/// Runs `search` on the "GPU" (the C++ kernel) and on the CPU miner; asserts the same hits.
fn check(rng: &mut fastrand::Rng, search: &Search) -> Vec<(u32, u32)> {
    let per_thread = PER_THREAD[rng.usize(..PER_THREAD.len())];
    let case = search.kernel_case(per_thread, CAPACITY);
    let (blocks, threads) = (rng.u32(1..=4), rng.u32(1..=37));
    let gpu = run_grid(case.v, &case.params, blocks, threads).unwrap();
    let cpu = search.cpu_hits();
    assert_eq!(gpu.count as usize, cpu.len(), "v {} per_thread {per_thread} {search:?}", case.v);
    assert_eq!(gpu.hits, cpu, "v {} per_thread {per_thread} grid {blocks}x{threads} {search:?}", case.v);
    cpu
}

#[test]
fn kernel_hits_are_the_cpu_miners_hits_at_difficulties_1_to_4() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_cafe);
    for difficulty in 1..=4u32 {
        // One random job for each varying word the layout produces.
        let mut todo: Vec<usize> = (3..=12).collect();
        let mut found = 0;
        for _ in 0..100_000 {
            let job = random_job(&mut rng, difficulty);
            let Some(i) = todo.iter().position(|&v| v == kernel_v(&job)) else { continue };
            todo.remove(i);
            let total = Search::chunks_per_extranonce(&job);
            // Two chunks from a random start, or across a carry of the chunk digits.
            let starts = [rng.u64(..total - 1), 9, 9_999, 999_999, total - 2];
            // Difficulty 4 hits one nonce in 65 536: more chunks.
            let chunks = if difficulty == 4 { 16 } else { 2 };
            let first_chunk = starts[rng.usize(..starts.len())].min(total - u64::from(chunks));
            let mask = (1u64 << (4 * difficulty)) - 1;
            let search = Search { job: &job, extranonce: rng.u64(..), first_chunk, chunks, mask };
            let hits = check(&mut rng, &search);
            found += hits.len();
            for hit in hits {
                let nonce = search.nonce(hit);
                let block = job.block_if_valid(&nonce).unwrap_or_else(|| panic!("{nonce} is no block: {search:?}"));
                assert!(block.hash.ends_with(&"0".repeat(difficulty as usize)));
            }
            if todo.is_empty() {
                break;
            }
        }
        assert!(todo.is_empty(), "no random job had v in {todo:?}");
        assert!(found >= 10, "only {found} hits at difficulty {difficulty}");
    }
}

#[test]
fn chunk_digits_carry_into_the_millions_and_up_to_all_nines() {
    let mut rng = fastrand::Rng::with_seed(1_000_000);
    let job = (0..).map(|_| random_job(&mut rng, 2)).find(|j| Search::chunks_per_extranonce(j) > 10_000_000).unwrap();
    let total = Search::chunks_per_extranonce(&job);
    for first_chunk in [999_999, 9_999_999, total - 2] {
        let search = Search { job: &job, extranonce: 77, first_chunk, chunks: 2, mask: 0xff };
        assert!(!check(&mut rng, &search).is_empty());
    }
}

fn kernel_v(job: &Job) -> usize {
    Search { job, extranonce: 0, first_chunk: 0, chunks: 1, mask: 0 }.kernel_case(100, 1).v
}

#[test]
fn masks_on_h6_check_round_61() {
    let mut rng = fastrand::Rng::with_seed(61);
    for mask in [0xf_0000_0000u64, 0x3_0000_0001, 0xff_0000_0000] {
        for _ in 0..3 {
            let job = random_job(&mut rng, 9);
            let total = Search::chunks_per_extranonce(&job);
            let search = Search { job: &job, extranonce: rng.u64(..), first_chunk: rng.u64(..total), chunks: 1, mask };
            assert!(!check(&mut rng, &search).is_empty(), "{mask:#x}");
        }
    }
}

#[test]
fn full_hits_beyond_the_capacity_are_counted() {
    let mut rng = fastrand::Rng::with_seed(1);
    let job = random_job(&mut rng, 1);
    let search = Search { job: &job, extranonce: 5, first_chunk: 0, chunks: 1, mask: 0 };
    let case = search.kernel_case(100, 10);
    let gpu = run_grid(case.v, &case.params, 2, 64).unwrap();
    assert_eq!(gpu.count, 10_000, "a zero mask makes every nonce a hit");
    assert_eq!(gpu.hits.len(), 10);
    assert!(run_grid(2, &case.params, 1, 1).is_none(), "no kernel for v = 2");
}
