//! What the record of forks costs at its bounds (1,000 side blocks, 200 reorganisations,
//! 200 rounds, 10,000 history points, each entry as large as the protocol allows): the
//! memory it holds, what a snapshot pays to take it, what the first change after a
//! snapshot copies, and its size as JSON.

use super::{Row, proc_status_kb};
use blockpeer_core::node::Standing;
use blockpeer_core::node::record::{HeightPoint, Via};
use blockpeer_core::testing::{add_history_point, full_record};
use std::hint::black_box;
use std::time::Instant;

/// Snapshots taken to time one.
const CLONES: u32 = 100_000;

pub fn run() -> anyhow::Result<Vec<Row>> {
    let before = proc_status_kb("VmRSS")?;
    let record = full_record();
    let after = proc_status_kb("VmRSS")?;
    let start = Instant::now();
    for _ in 0..CLONES {
        black_box(record.clone());
    }
    let clone_ns = start.elapsed().as_secs_f64() * 1e9 / f64::from(CLONES);
    // The first point added after a snapshot copies the history's index and the peer's series.
    let held = record.clone();
    let mut changed = record.clone();
    let start = Instant::now();
    let point = HeightPoint::new(2.0e9, 1, Some("ab"), Standing::Agrees, Via::Stats);
    add_history_point(&mut changed, std::net::SocketAddr::from(([10, 9, 9, 9], 1)), point);
    let copy_us = start.elapsed().as_secs_f64() * 1e6;
    drop(held);
    let json = serde_json::to_vec(&record)?.len();
    Ok(vec![
        Row { key: "record_kib", label: "record at its bounds", unit: "KiB", value: after - before, goal: "bounded" },
        Row { key: "snapshot_ns", label: "a snapshot takes it", unit: "ns", value: clone_ns, goal: "no copy" },
        Row { key: "first_change_us", label: "first change after a snapshot", unit: "µs", value: copy_us, goal: "" },
        Row { key: "json_kb", label: "the record as JSON", unit: "KB", value: json as f64 / 1000.0, goal: "" },
    ])
}
