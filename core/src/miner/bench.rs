//! The mining benchmark: hashes per second of the naive method, the midstate method and
//! Blockpeer's kernels on a realistic job, on one thread and on several.

use super::job::Job;
use super::kernel::Backend;
use super::layout::{CHUNK, NonceLayout, Template, low_word};
use super::pool::MinerPool;
use crate::chain::meets_difficulty;
use serde::Serialize;
use sha2::block_api::compress256;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The benchmark's results, rates in hashes per second.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchReport {
    /// Seconds each measurement ran.
    pub seconds: f64,
    /// Threads of the multi-threaded measurements.
    pub threads: usize,
    /// One row per method and thread count.
    pub rows: Vec<BenchRow>,
}

/// One measurement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchRow {
    /// `"naive"` (decimal nonce, full SHA-256 of the message), `"midstate"` (midstate and
    /// one full compression per nonce) or `"blockpeer"` (the miner's kernel).
    pub method: &'static str,
    /// What hashes: `"sha2"` (the sha2 crate), or a kernel: `"avx512"`, `"sha-ni"`,
    /// `"portable"`.
    pub backend: &'static str,
    /// Threads that ran it.
    pub threads: usize,
    /// Hashes per second over all threads.
    pub hashes_per_second: f64,
    /// Hashes per second per thread.
    pub per_thread: f64,
}

impl BenchReport {
    /// A readable, aligned text table: method, backend, threads, total and per-thread MH/s.
    pub fn table(&self) -> String {
        let mut out =
            format!("{:<10} {:<9} {:>7} {:>11} {:>12}\n", "method", "backend", "threads", "total MH/s", "MH/s/thread");
        for row in &self.rows {
            let _ = writeln!(
                out,
                "{:<10} {:<9} {:>7} {:>11.2} {:>12.2}",
                row.method,
                row.backend,
                row.threads,
                row.hashes_per_second / 1e6,
                row.per_thread / 1e6
            );
        }
        out
    }
}

/// Measures each method for `seconds` on one thread, then on `threads` threads.
///
/// The methods are "naive" (what the Python miner did), "midstate" (sha2's compression
/// of the last block per nonce) and "blockpeer" (the fastest kernel here, through a
/// [`MinerPool`]), then "blockpeer" with each other kernel this CPU runs, for comparison.
pub fn run_bench(threads: usize, seconds: f64) -> BenchReport {
    let threads = threads.max(1);
    let duration = Duration::from_secs_f64(seconds.max(0.001));
    let best = Backend::detect();
    let mut backends = vec![best];
    backends.extend(Backend::available().into_iter().filter(|b| b.name() != best.name()));
    let counts: Vec<usize> = if threads == 1 { vec![1] } else { vec![1, threads] };
    let mut rows = Vec::new();
    for &n in &counts {
        rows.push(row("naive", "sha2", n, on_threads(n, duration, naive)));
        rows.push(row("midstate", "sha2", n, on_threads(n, duration, midstate)));
        for &backend in &backends {
            rows.push(row("blockpeer", backend.name(), n, pool_rate(n, duration, backend)));
        }
    }
    BenchReport { seconds, threads, rows }
}

fn row(method: &'static str, backend: &'static str, threads: usize, rate: f64) -> BenchRow {
    BenchRow { method, backend, threads, hashes_per_second: rate, per_thread: rate / threads as f64 }
}

/// The benchmark's job: a 64-hex parent hash, a name and five words, never solved.
pub(crate) fn bench_job() -> Job {
    Job {
        height: 1,
        prev_hash: Some("00000000a3c9b1f0e2d4c6b8a0f1e3d5c7b9a1f3e5d7c9b1a3f5e7d9c1b30000".into()),
        mined_by: "alice".into(),
        messages: ["apple", "banana", "cherry", "date", "elder"].map(String::from).into(),
        timestamp: None,
        difficulty: 64,
    }
}

/// Runs `method(thread index, deadline)` (returning the nonces it hashed) on `threads`
/// threads; the total rate.
fn on_threads(threads: usize, duration: Duration, method: fn(u64, Instant) -> u64) -> f64 {
    let start = Instant::now();
    let deadline = start + duration;
    let total: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u64).map(|t| scope.spawn(move || method(t, deadline))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    total as f64 / start.elapsed().as_secs_f64()
}

/// The Python program's way: the decimal nonce appended, SHA-256 of the whole message.
fn naive(thread: u64, deadline: Instant) -> u64 {
    let job = bench_job();
    let prefix = job.prefix();
    let mut nonce = String::with_capacity(24);
    let mut counter = thread << 40;
    let mut hashed = 0;
    while Instant::now() < deadline {
        for _ in 0..4096 {
            nonce.clear();
            let _ = write!(nonce, "{counter}");
            let digest: [u8; 32] = Sha256::new().chain_update(&prefix).chain_update(nonce.as_bytes()).finalize().into();
            black_box(meets_difficulty(&digest, job.difficulty));
            counter += 1;
        }
        hashed += 4096;
    }
    hashed
}

/// The midstate once, then sha2's full compression of the last block per nonce.
fn midstate(thread: u64, deadline: Instant) -> u64 {
    let prefix = bench_job().prefix();
    let layout = NonceLayout::new(prefix.len());
    let template = Template::new(&prefix, layout, thread);
    let v = layout.varying_word();
    let mut hashed = 0;
    for chunk in 0..layout.chunks() {
        if Instant::now() >= deadline {
            break;
        }
        let words = template.chunk_words(chunk);
        let mut block = [0u8; 64];
        for (bytes, word) in block.chunks_mut(4).zip(words) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        for lo in 0..CHUNK {
            block[4 * v..4 * v + 4].copy_from_slice(&low_word(lo).to_be_bytes());
            let mut state = template.midstate;
            compress256(&mut state, &[block]);
            black_box(state[7] == 0);
        }
        hashed += u64::from(CHUNK);
    }
    hashed
}

/// A pool of `threads` workers with `backend` on the bench job; its rate.
fn pool_rate(threads: usize, duration: Duration, backend: Backend) -> f64 {
    let (found, _blocks) = crossbeam_channel::bounded(1);
    let pool = MinerPool::with_backend(threads, found, backend);
    pool.set_job(Some(bench_job()));
    // Let the workers wake and take the job before the clock starts.
    std::thread::sleep(Duration::from_millis(20).min(duration));
    let (start, before) = (Instant::now(), pool.hashes());
    std::thread::sleep(duration);
    // Workers report every 10 000 nonces: on a very short run, wait for one report.
    while pool.hashes() == before && start.elapsed() < duration + Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let (elapsed, after) = (start.elapsed(), pool.hashes());
    (after - before) as f64 / elapsed.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_bench_is_sane() {
        let report = run_bench(2, 0.05);
        assert!(report.rows.len() >= 6, "{report:?}");
        for row in &report.rows {
            assert!(row.hashes_per_second > 0.0, "{row:?}");
            assert!(row.per_thread > 0.0 && row.per_thread <= row.hashes_per_second);
        }
        let table = report.table();
        assert!(table.lines().count() == report.rows.len() + 1, "{table}");
        assert!(table.contains("blockpeer") && table.contains("naive"));
        let json = serde_json::to_string(&report).unwrap_or_default();
        assert!(json.contains("hashes_per_second"), "{json}");
    }
}
