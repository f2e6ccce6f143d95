//! Proves real processes form a network on 127.0.0.1: four headless peers at
//! difficulty 3 with short intervals, one mining the words a client sends it, all
//! report the same height and tip through STATS; a killed peer is dropped by the rest.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

mod common;

use common::{FAST, Peer, free_port, free_tcp_port, stats};
use std::net::UdpSocket;
use std::time::{Duration, Instant};

#[test]
fn four_peers_agree_and_drop_a_dead_one() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let seed_port = free_port();
    let mut args = FAST.to_vec();
    args.extend(["--word-interval", "3600", "--difficulty", "3"]);
    let web = free_tcp_port().to_string();
    let seed = Peer::start(seed_port, dirs[0].path(), &[&["-i", web.as_str(), "-m"], args.as_slice()].concat());
    let seed_port_text = seed_port.to_string();
    let join = ["-k", "127.0.0.1", seed_port_text.as_str()];
    let mut peers = vec![seed];
    for dir in &dirs[1..] {
        peers.push(Peer::start(free_port(), dir.path(), &[join.as_slice(), args.as_slice()].concat()));
    }

    // A client feeds the miner words, as other peers' users would.
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..6 {
        let word = format!(r#"{{"type":"NEW_WORD","word":"word{i}"}}"#);
        client.send_to(word.as_bytes(), peers[0].addr()).unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }

    let deadline = Instant::now() + Duration::from_secs(120);
    let agreed = loop {
        let all: Vec<_> = peers.iter().map(|p| stats(p.addr())).collect();
        if all[0].0 >= 2 && all.iter().all(|s| *s == all[0]) {
            break all[0].clone();
        }
        assert!(Instant::now() < deadline, "no agreement within 120 s: {all:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(agreed.1.as_deref().is_some_and(|h| h.ends_with("000")), "tip meets difficulty 3: {agreed:?}");

    let dead = peers.pop().unwrap();
    let dead_addr = dead.addr().to_string();
    drop(dead); // SIGKILL
    for peer in &peers {
        peer.wait_for_line(|l| l == format!("peer left: {dead_addr}"), Duration::from_secs(60));
    }
}
