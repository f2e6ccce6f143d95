//! Measures the CPU miner: `cargo run -p blockpeer-core --release --example bench_mine -- [threads] [seconds]`.

use blockpeer_core::chain::Generation;
use blockpeer_core::miner::run_bench;

fn main() {
    let mut args = std::env::args().skip(1);
    let threads = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let seconds = args.next().and_then(|a| a.parse().ok()).unwrap_or(3.0);
    let report = run_bench(threads, seconds, Generation::Flood);
    print!("{}", report.table());
}
