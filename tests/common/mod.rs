//! Helpers for whole-program tests: start `blockpeer` processes on 127.0.0.1 with
//! free ports and short intervals, read what they print, talk UDP to them.

#![allow(dead_code, clippy::unwrap_used)] // Each test file uses a different subset.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// A UDP port that is free right now.
pub fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A TCP port that is free right now (for a peer's web page).
pub fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The blockpeer binary.
pub fn blockpeer() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blockpeer"));
    command.env("NO_COLOR", "1").env("RUST_LOG", "warn");
    // Whole-program tests never open a window, even when run from a desktop.
    command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    command
}

/// A running headless peer, killed when dropped; its stdout lines arrive on `lines`.
pub struct Peer {
    pub child: Child,
    pub port: u16,
    pub lines: Receiver<String>,
}

/// Short intervals so a test sees a minute of protocol in seconds (add a difficulty).
pub const FAST: &[&str] =
    &["--flood-interval", "0.5", "--peer-timeout", "2", "--consensus-interval", "1", "--min-peers", "1"];

impl Peer {
    /// Starts `blockpeer --headless -p PORT --data-dir DIR ARGS…`.
    pub fn start(port: u16, data_dir: &Path, args: &[&str]) -> Peer {
        let mut command = blockpeer();
        command.args(["--headless", "-p", &port.to_string(), "--data-dir"]).arg(data_dir).args(args);
        Peer::spawn(command, port)
    }

    /// Spawns `command` (a blockpeer listening on `port`), its stdout lines on `lines`,
    /// and waits for its first line.
    pub fn spawn(mut command: Command, port: u16) -> Peer {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let peer = Peer { child, port, lines };
        peer.wait_for_line(|l| l.starts_with("blockpeer "), Duration::from_secs(60));
        peer
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Waits for a line matching `pred`; panics after `timeout`.
    pub fn wait_for_line(&self, pred: impl Fn(&str) -> bool, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if pred(&line) => return line,
                Ok(_) => {}
                Err(e) => panic!("peer {} printed no matching line within {timeout:?} ({e})", self.port),
            }
        }
    }

    /// Sends SIGTERM and waits (≤ 60 s) for a clean exit; returns every line printed
    /// since the last one read, up to the end of its output.
    pub fn terminate(mut self) -> (std::process::ExitStatus, Vec<String>) {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "peer {} did not stop on SIGTERM", self.port);
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader hangs up at the end of the output, however late it gets there.
        let mut lines = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            lines.push(line);
        }
        (status, lines)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` from a fresh ephemeral socket and waits for one reply.
pub fn ask(to: SocketAddr, request: &[u8]) -> (serde_json::Value, Duration) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let start = Instant::now();
    socket.send_to(request, to).unwrap();
    let mut buf = [0u8; 2048];
    let (len, from) = socket.recv_from(&mut buf).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(from, to, "the reply comes from the peer's port");
    assert!(len <= 1024);
    (serde_json::from_slice(&buf[..len]).unwrap(), elapsed)
}

/// `(height, hash)` of a peer's STATS_REPLY.
pub fn stats(to: SocketAddr) -> (u64, Option<String>) {
    let (reply, _) = ask(to, br#"{"type":"STATS"}"#);
    (reply["height"].as_u64().unwrap(), reply["hash"].as_str().map(String::from))
}

/// `GET path` from the web page on `port`: the status code and the body.
pub fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body).to_owned();
    (status, body)
}

/// `GET path` as JSON (the body of a 200 answer).
pub fn http_json(port: u16, path: &str) -> serde_json::Value {
    let (status, body) = http_get(port, path);
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap()
}
