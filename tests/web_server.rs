//! Proves the web server lives and dies with the peer process: `-i PORT` prints the
//! page's URL and serves it on 127.0.0.1 to local names, IP addresses and the names
//! `--web-allow-host` lists (and to no other name), and SIGTERM stops the peer cleanly
//! even while a browser holds the live event stream open.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

mod common;

use common::{Peer, free_port, free_tcp_port};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How long a condition may take on a loaded machine before the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// Sends `GET path` with `Host: host` and reads until `done` holds for what arrived.
fn get(port: u16, host: &str, path: &str, done: impl Fn(&str) -> bool) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let (mut seen, mut buf, deadline) = (String::new(), [0u8; 8192], Instant::now() + PATIENCE);
    while !done(&seen) {
        assert!(Instant::now() < deadline, "GET {path}: gave up; received {seen}");
        if let Ok(n) = stream.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    (stream, seen)
}

#[test]
fn the_page_is_served_until_sigterm_even_with_a_live_stream_open() {
    let dir = tempfile::tempdir().unwrap();
    let web = free_tcp_port();
    let peer = Peer::start(free_port(), dir.path(), &["-i", &web.to_string(), "--web-allow-host", "peer.example"]);
    peer.wait_for_line(|l| l == format!("web page: http://127.0.0.1:{web}/"), PATIENCE);

    let (_, page) = get(web, "localhost", "/", |s| s.contains("</html>"));
    assert!(page.starts_with("HTTP/1.1 200 OK") && page.contains("content-type: text/html"), "{page}");
    let (_, allowed) = get(web, &format!("peer.example:{web}"), "/api/status", |s| s.ends_with('}'));
    assert!(allowed.starts_with("HTTP/1.1 200 OK"), "{allowed}");
    let (_, refused) = get(web, &format!("rebound.example:{web}"), "/api/status", |s| s.ends_with('}'));
    assert!(refused.starts_with("HTTP/1.1 403") && refused.contains("--web-allow-host rebound.example"), "{refused}");
    let (_stream, events) = get(web, &format!("127.0.0.1:{web}"), "/api/events", |s| s.contains("event:status"));
    assert!(events.contains("\"height\":0"), "{events}");

    // It stops at all, while the stream is open: `terminate` fails if it does not.
    let (status, lines) = peer.terminate();
    assert!(status.success(), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("stopped; the chain (0 blocks) is saved")), "{lines:?}");
    assert!(TcpStream::connect(("127.0.0.1", web)).is_err(), "the web port is closed");
}
