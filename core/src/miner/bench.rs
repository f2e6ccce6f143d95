//! The mining benchmark: hashes per second of the naive method, the midstate method and
//! Blockpeer's kernels on a realistic job, on one thread and on several. Every thread's
//! work counts at least once whatever the scheduling, so no rate is ever 0.

use super::job::Job;
use super::kernel::Backend;
use super::layout::{CHUNK, NonceLayout, Template, low_word};
use super::pool::MinerPool;
use crate::chain::{Generation, meets_difficulty};
use serde::Serialize;
use sha2::block_api::compress256;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The benchmark's results, rates in hashes per second.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchReport {
    /// The protocol generation of the job (GOSSIP jobs hash 8 more bytes: the time).
    pub generation: Generation,
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
    /// This rate over the naive method's on as many threads.
    pub speedup: f64,
}

impl BenchReport {
    /// A readable, aligned text table: method, backend, threads, total and per-thread
    /// MH/s, and the speed-up over the naive method.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{} job, {}-byte prefix\n{:<10} {:<15} {:>7} {:>11} {:>12} {:>8}\n",
            self.generation.label(),
            bench_job(self.generation).prefix().len(),
            "method",
            "backend",
            "threads",
            "total MH/s",
            "MH/s/thread",
            "× naive"
        );
        for row in &self.rows {
            let _ = writeln!(
                out,
                "{:<10} {:<15} {:>7} {:>11.2} {:>12.2} {:>7.1}×",
                row.method,
                row.backend,
                row.threads,
                row.hashes_per_second / 1e6,
                row.per_thread / 1e6,
                row.speedup
            );
        }
        out
    }
}

/// Measures each method for `seconds` on one thread, then on `threads` threads, on a
/// job of `generation`.
///
/// The methods are "naive" (what the Python miner did), "midstate" (sha2's compression
/// of the last block per nonce) and "blockpeer" (the fastest kernel here, through a
/// [`MinerPool`]), then "blockpeer" with each other kernel this CPU runs, for comparison.
pub fn run_bench(threads: usize, seconds: f64, generation: Generation) -> BenchReport {
    let job = bench_job(generation);
    let threads = threads.max(1);
    let duration = Duration::from_secs_f64(seconds.max(0.001));
    let best = Backend::detect();
    let mut backends = vec![best];
    backends.extend(Backend::available().into_iter().filter(|b| b.name() != best.name()));
    let counts: Vec<usize> = if threads == 1 { vec![1] } else { vec![1, threads] };
    let mut rows = Vec::new();
    for &n in &counts {
        let naive_rate = on_threads(n, duration, &job, naive);
        let row = |method, backend, rate: f64| BenchRow {
            method,
            backend,
            threads: n,
            hashes_per_second: rate,
            per_thread: rate / n as f64,
            speedup: rate / naive_rate,
        };
        rows.push(row("naive", "sha2", naive_rate));
        rows.push(row("midstate", "sha2", on_threads(n, duration, &job, midstate)));
        for &backend in &backends {
            rows.push(row("blockpeer", backend.name(), pool_rate(n, duration, backend, &job)));
        }
    }
    BenchReport { generation, seconds, threads, rows }
}

/// The benchmark's job: a 64-hex parent hash, a name and five words (and in the GOSSIP
/// generation a timestamp), never solved.
pub(crate) fn bench_job(generation: Generation) -> Job {
    Job {
        height: 1,
        prev_hash: Some("00000000a3c9b1f0e2d4c6b8a0f1e3d5c7b9a1f3e5d7c9b1a3f5e7d9c1b30000".into()),
        mined_by: "alice".into(),
        messages: ["apple", "banana", "cherry", "date", "elder"].map(String::from).into(),
        timestamp: generation.timestamped().then_some(1_700_000_000),
        difficulty: 64,
    }
}

/// Runs `method(job, thread index, deadline)` (returning the nonces it hashed, at least
/// one batch whenever it starts) on `threads` threads; the total rate.
fn on_threads(threads: usize, duration: Duration, job: &Job, method: fn(&Job, u64, Instant) -> u64) -> f64 {
    let start = Instant::now();
    let deadline = start + duration;
    let total: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u64).map(|t| scope.spawn(move || method(job, t, deadline))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    total as f64 / start.elapsed().as_secs_f64()
}

/// The Python program's way: the decimal nonce appended, SHA-256 of the whole message.
fn naive(job: &Job, thread: u64, deadline: Instant) -> u64 {
    let prefix = job.prefix();
    let mut nonce = String::with_capacity(24);
    let mut counter = thread << 40;
    let mut hashed = 0;
    // At least one batch, however late the thread starts.
    loop {
        for _ in 0..4096 {
            nonce.clear();
            let _ = write!(nonce, "{counter}");
            let digest: [u8; 32] = Sha256::new().chain_update(&prefix).chain_update(nonce.as_bytes()).finalize().into();
            black_box(meets_difficulty(&digest, job.difficulty));
            counter += 1;
        }
        hashed += 4096;
        if Instant::now() >= deadline {
            return hashed;
        }
    }
}

/// The midstate once, then sha2's full compression of the last block per nonce.
fn midstate(job: &Job, thread: u64, deadline: Instant) -> u64 {
    let prefix = job.prefix();
    let layout = NonceLayout::new(prefix.len());
    let template = Template::new(&prefix, layout, thread);
    let v = layout.varying_word();
    let mut hashed = 0;
    // At least one chunk, however late the thread starts.
    for chunk in 0..layout.chunks() {
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
        if Instant::now() >= deadline {
            break;
        }
    }
    hashed
}

/// A pool of `threads` workers with `backend` on `job`; its rate.
fn pool_rate(threads: usize, duration: Duration, backend: Backend, job: &Job) -> f64 {
    let (found, _blocks) = crossbeam_channel::bounded(1);
    let pool = MinerPool::with_backend(threads, found, backend);
    pool.set_job(Some(job.clone()));
    let (hashes, elapsed) = measure(duration, || pool.worker_hashes());
    hashes as f64 / elapsed.as_secs_f64()
}

/// How long [`measure`] waits for a worker to report before it counts without it.
const REPORT_LIMIT: Duration = Duration::from_secs(60);

/// The hashes, and the time they took, of a miner whose workers' hash counters `counts`
/// reads: from the moment every worker has reported once (so all are running) for at
/// least `duration`, and until every worker has reported again, so that one scheduled
/// late still counts.
pub(crate) fn measure(duration: Duration, counts: impl Fn() -> Vec<u64>) -> (u64, Duration) {
    let every_worker_reported = |since: &[u64]| {
        let start = Instant::now();
        while counts().iter().zip(since).any(|(now, then)| now == then) && start.elapsed() < REPORT_LIMIT {
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    every_worker_reported(&counts());
    let (start, before) = (Instant::now(), counts());
    std::thread::sleep(duration);
    every_worker_reported(&before);
    let (elapsed, after) = (start.elapsed(), counts());
    (after.iter().sum::<u64>() - before.iter().sum::<u64>(), elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_bench_is_sane() {
        let report = run_bench(2, 0.05, Generation::Gossip);
        // Per thread count: naive, midstate, and every kernel this CPU runs.
        let kernels = Backend::available().len();
        assert_eq!(report.rows.len(), 2 * (2 + kernels), "{report:?}");
        for row in &report.rows {
            // Every thread hashes at least one batch, so no rate is 0 however busy the machine.
            assert!(row.hashes_per_second > 0.0, "{row:?}");
            assert!(row.per_thread > 0.0 && row.per_thread <= row.hashes_per_second);
            assert!(row.speedup > 0.0, "{row:?}");
        }
        assert!(report.rows.iter().filter(|r| r.method == "naive").all(|r| r.speedup == 1.0));
        let table = report.table();
        assert!(table.lines().count() == report.rows.len() + 2, "{table}");
        // 64 hex + "alice" + 5 words + the 8-byte time.
        assert!(table.starts_with("GOSSIP (2023+) job, 103-byte prefix\n"), "{table}");
        assert!(table.contains("blockpeer") && table.contains("naive") && table.contains("× naive"));
        let json = serde_json::to_string(&report).unwrap_or_default();
        assert!(json.contains("hashes_per_second") && json.contains("speedup"), "{json}");
    }

    #[test]
    fn measure_waits_for_every_worker() {
        // A worker that has not reported yet: the measurement waits for it.
        let calls = std::cell::Cell::new(0u64);
        let (hashes, elapsed) = measure(Duration::from_millis(1), || {
            calls.set(calls.get() + 1);
            // Worker 1 reports only on the fourth look.
            vec![calls.get() * 10, if calls.get() >= 4 { calls.get() } else { 0 }]
        });
        assert!(hashes > 0 && elapsed >= Duration::from_millis(1));
        assert!(calls.get() >= 4);
    }
}
