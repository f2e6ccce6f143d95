//! Launch to first frame: a binary (this one, or an installed /usr/bin/blockpeer) started
//! with no arguments, as the desktop's menu starts it, timed from the moment it is
//! spawned until its window says the start/join dialog's first frame is on screen (the
//! log line of `blockpeer_gui::DIALOG_SHOWN`). Each launch gets fresh settings and is
//! ended once timed. Needs a display: run it under xvfb-run.

use super::Row;
use anyhow::Context;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one launch may take before the benchmark gives up on it.
const PATIENCE: Duration = Duration::from_secs(120);

pub fn run(binary: Option<PathBuf>, launches: usize) -> anyhow::Result<Vec<Row>> {
    anyhow::ensure!(crate::window::display_available(), "bench launch needs a display: run it under xvfb-run");
    anyhow::ensure!(launches > 0, "--launches must be at least 1");
    let binary = match binary {
        Some(path) => path,
        None => std::env::current_exe().context("cannot find this program's path")?,
    };
    eprintln!("launching {} {launches} times", binary.display());
    let mut times = (0..launches).map(|_| launch_once(&binary)).collect::<anyhow::Result<Vec<f64>>>()?;
    let first = times[0];
    times.sort_by(f64::total_cmp);
    let row = |key, label, value| Row { key, label, unit: "ms", value, goal: "" };
    Ok(vec![
        row("first_ms", "launch to dialog: first launch", first),
        row("median_ms", "launch to dialog: median", times[times.len() / 2]),
        row("min_ms", "launch to dialog: fastest", times[0]),
        row("max_ms", "launch to dialog: slowest", times[times.len() - 1]),
    ])
}

/// Milliseconds from spawning `binary` to its window's first frame.
fn launch_once(binary: &Path) -> anyhow::Result<f64> {
    let settings = tempfile::tempdir()?;
    let start = Instant::now();
    let mut child = Command::new(binary)
        .env("XDG_DATA_HOME", settings.path())
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let stderr = child.stderr.take().context("the child's stderr was not piped")?;
    let (shown, seen) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        let mut said = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(blockpeer_gui::DIALOG_SHOWN) {
                let _ = shown.send(Ok(Instant::now()));
                return;
            }
            said.push(line);
        }
        let _ = shown.send(Err(said.join("\n")));
    });
    let outcome = seen.recv_timeout(PATIENCE);
    // The window only has to be seen: end it, whatever happened.
    let _ = child.kill();
    let _ = child.wait();
    match outcome {
        Ok(Ok(at)) => Ok(at.duration_since(start).as_secs_f64() * 1000.0),
        Ok(Err(said)) => anyhow::bail!("{} ended without showing its dialog; it said:\n{said}", binary.display()),
        Err(_) => anyhow::bail!("{} did not show its dialog within {} s", binary.display(), PATIENCE.as_secs()),
    }
}
