//! Measures the CUDA miner on GPU 0: `cargo run -p blockpeer-core --release --example bench_cuda -- [seconds]`
//! (what `blockpeer bench mine --cuda` reports; prints why when CUDA is unavailable).

use blockpeer_core::miner::run_cuda_bench;
use std::process::ExitCode;

fn main() -> ExitCode {
    let seconds = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5.0);
    match run_cuda_bench(seconds) {
        Ok(report) => {
            print!("{}", report.table());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("CUDA mining unavailable: {error}");
            ExitCode::FAILURE
        }
    }
}
