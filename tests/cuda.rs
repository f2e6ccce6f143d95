//! Proves `-c` where CUDA is missing: the peer says in one line why it cannot mine on the GPU
//! (never a panic), then mines the words it is sent on the CPU and answers STATS like any
//! peer. On a machine with CUDA the same test sees the GPU named instead, and blocks mined.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

mod common;

use common::{FAST, Peer, blockpeer, free_port, stats};
use std::io::{BufRead, BufReader, Read};
use std::net::UdpSocket;
use std::process::Stdio;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

/// Forwards each line of `stream` to `lines`.
fn forward(stream: impl Read + Send + 'static, lines: Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
}

/// Starts a mining peer with `-c`, its stdout and stderr both read as lines.
fn start_with_cuda(port: u16, data_dir: &std::path::Path) -> Peer {
    let mut child = blockpeer()
        .env("RUST_LOG", "warn,blockpeer_core=info")
        .args(["--headless", "-p", &port.to_string(), "--data-dir"])
        .arg(data_dir)
        .args(["-m", "-c", "--difficulty", "2", "--word-interval", "3600"])
        .args(FAST)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = channel();
    forward(child.stdout.take().unwrap(), tx.clone());
    forward(child.stderr.take().unwrap(), tx);
    // No wait for the banner here: the engine may say what became of CUDA before the
    // banner is printed (both streams come as one), and waiting for the banner would
    // swallow that line.
    Peer { child, port, lines }
}

#[test]
fn cuda_without_a_gpu_says_why_in_one_line_and_mines_on_the_cpu() {
    let dir = tempfile::tempdir().unwrap();
    let peer = start_with_cuda(free_port(), dir.path());
    let verdict = peer.wait_for_line(
        |l| l.contains("CUDA mining unavailable") || l.contains("CUDA mining on"),
        Duration::from_secs(120),
    );
    let fell_back = verdict.contains("CUDA mining unavailable");
    if fell_back {
        assert!(verdict.contains("; mining on the CPU"), "{verdict}");
    }

    // It still mines (on the CPU, or the GPU) and answers.
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..2 {
        let word = format!(r#"{{"type":"NEW_WORD","word":"gpu{i}"}}"#);
        client.send_to(word.as_bytes(), peer.addr()).unwrap();
    }
    peer.wait_for_line(|l| l.starts_with("mined block "), Duration::from_secs(60));
    let (height, tip) = stats(peer.addr());
    assert!(height >= 1 && tip.is_some_and(|h| h.ends_with("00")), "height {height}");

    let (status, lines) = peer.terminate();
    assert!(status.success(), "{status:?}: {lines:?}");
    assert!(!lines.iter().any(|l| l.contains("panicked")), "{lines:?}");
    if fell_back {
        assert!(!lines.iter().any(|l| l.contains("CUDA mining unavailable")), "said twice: {lines:?}");
    }
}
