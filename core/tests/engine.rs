//! Proves the threaded engine around the node: commands reach it, mined blocks are
//! persisted by the time `shutdown` returns, snapshots follow changes, a subscriber
//! that never reads cannot make the engine's memory grow, a late subscriber still
//! learns of every peer, and a panic on the engine thread is reported, never silent.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::Generation;
use blockpeer_core::chain::{ChainStore, Limits};
use blockpeer_core::engine::{EngineConfig, EngineHandle, start};
use blockpeer_core::node::{Command, Config, Event};
use blockpeer_core::protocol::{Flood, Message};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

fn engine(dir: &Path, mining: bool) -> EngineHandle {
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut node = Config::new("engine-test", "127.0.0.1", port);
    node.difficulty = 2;
    node.mining = mining;
    node.startup_delay = Duration::from_millis(50);
    start(EngineConfig {
        node,
        bind: SocketAddr::from(([127, 0, 0, 1], port)),
        data_dir: dir.to_path_buf(),
        threads: 1,
        cuda: false,
    })
    .unwrap()
}

fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn mined_blocks_are_on_disk_when_shutdown_returns() {
    let dir = tempfile::tempdir().unwrap();
    let handle = engine(dir.path(), false);
    handle.command(Command::SetMining(true));
    wait_until("mining", || handle.snapshot().mining);
    wait_until("a genesis block", || handle.snapshot().height >= 1);
    for (word, height) in [("one", 2), ("two", 3)] {
        handle.command(Command::AddWords(vec![word.into()]));
        wait_until("the next block", || handle.snapshot().height >= height);
    }
    let height = handle.snapshot().height;
    handle.shutdown();
    let (_, chain, report) = ChainStore::open(dir.path(), Limits::new(2)).unwrap();
    assert_eq!(report.dropped_lines, 0);
    assert!(chain.len() >= height, "{} of {height} blocks on disk", chain.len());
}

#[test]
fn a_subscriber_that_never_reads_costs_a_bounded_queue() {
    let dir = tempfile::tempdir().unwrap();
    let handle = engine(dir.path(), true);
    let _lagging = handle.subscribe();
    // 1024 peers join (loopback addresses: the replies stay on this machine)…
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..1100u32 {
        let host = format!("127.1.{}.{}", i / 250, i % 250 + 1);
        let flood = Message::Flood(Flood {
            generation: Generation::Flood,
            host,
            port: 9,
            id: format!("e{i}"),
            name: String::new(),
        });
        socket.send_to(&flood.encode(), handle.local_addr()).unwrap();
        if i % 100 == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    wait_until("the peer table to fill", || handle.snapshot().peers.len() == 1024);
    // …and blocks keep coming: more events than the subscriber's queue holds.
    handle.command(Command::AddWords((0..300).map(|i| format!("w{i}")).collect()));
    wait_until("events to be dropped", || handle.snapshot().counters.events_dropped > 0);
    let snapshot = handle.snapshot();
    assert_eq!(snapshot.peers.len(), 1024, "the table stays full, not larger");
    handle.shutdown();
}

#[test]
fn a_late_subscriber_first_learns_the_peers_already_known() {
    let dir = tempfile::tempdir().unwrap();
    let handle = engine(dir.path(), false);
    let sockets: Vec<UdpSocket> = (0..3).map(|_| UdpSocket::bind("127.0.0.1:0").unwrap()).collect();
    for (i, socket) in sockets.iter().enumerate() {
        let port = socket.local_addr().unwrap().port();
        let flood = Flood {
            generation: Generation::Flood,
            host: "127.0.0.1".into(),
            port,
            id: format!("late{i}"),
            name: format!("p{i}"),
        };
        socket.send_to(&Message::Flood(flood).encode(), handle.local_addr()).unwrap();
    }
    wait_until("three peers", || handle.snapshot().peers.len() == 3);
    let events = handle.subscribe();
    let mut joined: Vec<(SocketAddr, String)> = (0..3)
        .map(|_| match events.recv_timeout(Duration::from_secs(20)).unwrap() {
            Event::PeerJoined { addr, name } => (addr, name),
            other => panic!("expected the known peers first, got {other:?}"),
        })
        .collect();
    joined.sort();
    let mut expected: Vec<(SocketAddr, String)> =
        sockets.iter().enumerate().map(|(i, s)| (s.local_addr().unwrap(), format!("p{i}"))).collect();
    expected.sort();
    assert_eq!(joined, expected);
    handle.shutdown();
}

#[test]
fn a_panic_on_the_engine_thread_is_reported_not_silent() {
    let dir = tempfile::tempdir().unwrap();
    let handle = engine(dir.path(), false);
    let events = handle.subscribe();
    // The window's repaint callback runs on the engine thread: make it fail.
    handle.on_change(|| panic!("a broken callback"));
    handle.command(Command::FloodNow);
    let reason = loop {
        match events.recv_timeout(Duration::from_secs(20)) {
            Ok(Event::Stopped { reason }) => break reason,
            Ok(_) => {}
            Err(error) => panic!("no Stopped event: {error}"),
        }
    };
    assert!(reason.contains("a broken callback"), "{reason}");
    assert_eq!(handle.failure(), Some(reason));
    assert!(events.recv_timeout(Duration::from_secs(20)).is_err(), "the stream ends after the report");
    handle.shutdown();
}
