//! Start-up with a long chain: load and validate it, and the resident memory of the
//! running peer — measured in a fresh process so nothing else is in its heap.

use super::{Row, proc_status_kb, start_peer, write_chain};
use anyhow::Context;
use blockpeer_core::chain::Generation;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub fn run(blocks: usize, generation: Generation) -> anyhow::Result<Vec<Row>> {
    let tmp = tempfile::tempdir()?;
    write_chain(tmp.path(), blocks, generation)?;
    let output = Command::new(std::env::current_exe()?)
        .args(["bench", "load-child", "--protocol", generation.name()])
        .arg(tmp.path())
        .output()?;
    anyhow::ensure!(output.status.success(), "the load child failed: {}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).context("the load child's report")?;
    let number = |key: &str| report[key].as_f64().unwrap_or(f64::NAN);
    anyhow::ensure!(number("height") as usize == blocks, "the child loaded {} of {blocks} blocks", number("height"));
    Ok(vec![
        Row {
            key: "load_s",
            label: "start-up: load + validate chain",
            unit: "s",
            value: number("load_s"),
            goal: "≤ 1",
        },
        Row {
            key: "rss_mb",
            label: "resident memory of the running peer",
            unit: "MB",
            value: number("rss_mb"),
            goal: "≤ 100",
        },
    ])
}

/// In the child: start a peer on `dir`, report load time and RSS as JSON.
pub fn child(dir: &Path, generation: Generation) -> anyhow::Result<()> {
    let start = Instant::now();
    let peer = start_peer(dir, None, generation)?;
    let load_s = start.elapsed().as_secs_f64();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let height = peer.snapshot().height;
    println!(
        "{}",
        serde_json::json!({ "load_s": load_s, "rss_mb": proc_status_kb("VmRSS")? / 1024.0, "height": height })
    );
    Ok(())
}
