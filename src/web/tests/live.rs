//! Proves on a real socket what `warp::test` cannot show: the event stream and its
//! updates, HEAD answered without a body (an event stream's HEAD too, so `curl -I`
//! returns), the cap on event streams, a clear error for a port in use, and a server
//! that stops while a stream is open. Every wait is for a condition, with a generous
//! timeout: a busy machine makes these tests slower, never red.

use super::{Fixed, fixed};
use crate::web::events::MAX_CLIENTS;
use blockpeer_core::node::{Arrival, Event};
use serde_json::Value;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How long a condition may take on a loaded machine before the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// A server for `source` on a free port of 127.0.0.1.
fn serve(source: &Arc<Fixed>) -> crate::web::WebServer {
    crate::web::start(SocketAddr::from(([127, 0, 0, 1], 0)), source.clone()).unwrap()
}

/// A connection to `addr` that has sent `request` (`Host: localhost`).
fn send(addr: SocketAddr, request: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    write!(stream, "{request} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    stream
}

/// Reads from `stream` until what arrived satisfies `done`.
fn read_until(stream: &mut TcpStream, seen: &mut String, done: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    let mut buf = [0u8; 4096];
    while !done(seen) {
        assert!(Instant::now() < deadline, "gave up waiting; received: {seen}");
        if let Ok(n) = stream.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
}

/// Whether the server closes `stream` (reading and dropping whatever else arrives).
fn closed(stream: &mut TcpStream) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        match stream.read(&mut [0u8; 4096]) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
    false
}

/// An event stream whose first status has arrived, or the whole JSON error instead.
fn open_stream(addr: SocketAddr) -> (TcpStream, String) {
    let (mut stream, mut seen) = (send(addr, "GET /api/events"), String::new());
    read_until(&mut stream, &mut seen, |s| s.contains("event:status") || (s.contains("\r\n\r\n{") && s.ends_with('}')));
    (stream, seen)
}

#[test]
fn the_server_streams_events_and_refuses_a_port_in_use() {
    let source = fixed(2);
    let server = serve(&source);
    let error = crate::web::start(server.local_addr(), source.clone()).err().unwrap();
    let port = server.local_addr().port();
    assert_eq!(
        error.to_string(),
        format!("web port {port} is in use (another peer?): choose another with -i / --web-port")
    );

    let (mut stream, mut seen) = open_stream(server.local_addr());
    read_until(&mut stream, &mut seen, |s| s.contains("\"height\":2"));
    assert!(seen.contains("content-type: text/event-stream"), "{seen}");
    assert!(seen.contains("event:status\ndata:{\"address\":\"127.0.0.1:9100\""), "{seen}");

    // A new block: its event, then a status for the new snapshot.
    let added = Event::BlockAdded {
        height: 2,
        hash: "ab".repeat(32),
        mined_by: "<i>x</i>".into(),
        ours: false,
        via: Arrival::Announced { from: SocketAddr::from(([127, 0, 0, 1], 9001)) },
    };
    for subscriber in source.subscribers.lock().unwrap().iter() {
        subscriber.send(added.clone()).unwrap();
    }
    source.version.fetch_add(1, Ordering::Release);
    read_until(&mut stream, &mut seen, |s| s.matches("event:status").count() == 2);
    let data = seen.split("event:block_added\ndata:").nth(1).and_then(|rest| rest.lines().next()).unwrap();
    assert_eq!(serde_json::from_str::<Value>(data).unwrap(), serde_json::to_value(&added).unwrap());

    // Stopping returns at all while the stream is open (it waits for no client), and
    // the stream ends with the server.
    let (done_tx, done) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        server.stop();
        let _ = done_tx.send(());
    });
    assert!(done.recv_timeout(PATIENCE).is_ok(), "the server did not stop while a stream was open");
    assert!(closed(&mut stream), "the event stream ends with the server");
}

#[test]
fn head_gets_the_headers_alone_even_for_the_event_stream() {
    let source = fixed(2);
    let server = serve(&source);
    for path in ["/", "/chain", "/api/events"] {
        // HEAD, then GET on the same connection: the GET's answer follows HEAD's headers
        // directly, so no body was sent and nothing is still streaming.
        let mut stream = send(server.local_addr(), &format!("HEAD {path}"));
        let mut seen = String::new();
        read_until(&mut stream, &mut seen, |s| s.ends_with("\r\n\r\n"));
        assert!(seen.starts_with("HTTP/1.1 200 OK\r\n"), "HEAD {path}: {seen}");
        write!(stream, "GET /api/status HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let head_len = seen.len();
        read_until(&mut stream, &mut seen, |s| s.contains("\"uptime_secs\""));
        assert!(seen[head_len..].starts_with("HTTP/1.1 200 OK\r\n"), "HEAD {path} sent a body: {seen}");
        let length = |name: &str| seen[..head_len].lines().find_map(|l| l.strip_prefix(name)).map(str::to_owned);
        match path {
            "/api/events" => assert!(seen[..head_len].contains("content-type: text/event-stream"), "{seen}"),
            _ => {
                let get = body_of_get(server.local_addr(), path);
                assert_eq!(length("content-length: "), Some(get.len().to_string()), "HEAD {path}: {seen}");
            }
        }
    }
}

/// The body of `GET path` (the server sends a `Content-Length` for these paths).
fn body_of_get(addr: SocketAddr, path: &str) -> Vec<u8> {
    let mut stream = send(addr, &format!("GET {path}"));
    let mut seen = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    let mut buf = [0u8; 65536];
    loop {
        let text = String::from_utf8_lossy(&seen).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|n| n.parse().ok())
                .unwrap();
            if seen.len() >= end + 4 + length {
                return seen[end + 4..end + 4 + length].to_vec();
            }
        }
        assert!(Instant::now() < deadline, "GET {path}: gave up");
        if let Ok(n) = stream.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
        }
    }
}

#[test]
fn event_streams_beyond_the_cap_get_a_503_until_one_closes() {
    let source = fixed(1);
    let server = serve(&source);
    let mut streams: Vec<TcpStream> = (0..MAX_CLIENTS).map(|_| open_stream(server.local_addr()).0).collect();
    let (_, refused) = open_stream(server.local_addr());
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    let body = &refused[refused.find("\r\n\r\n").unwrap() + 4..];
    let error: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        error["error"],
        format!("{MAX_CLIENTS} event streams are open already: close one (another tab?) and retry")
    );

    // A client leaves: its seat is free again.
    drop(streams.pop());
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (_stream, answer) = open_stream(server.local_addr());
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "the closed stream's seat was never freed: {answer}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
