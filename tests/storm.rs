//! Proves a peer under a storm of random datagrams — junk bytes, FLOODs with fresh
//! ids from thousands of loopback addresses, requests, words, bogus blocks — keeps
//! its memory flat and keeps answering. `STORM_SECS` sets the length (default 20 s;
//! docs/RELIABILITY.md records a 60-second run).

#![allow(clippy::unwrap_used)]

mod common;

use common::{Peer, free_port};
use std::net::UdpSocket;
use std::time::{Duration, Instant};

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Asks for STATS from a fresh socket like other people's clients do, retrying a lost
/// request up to ten times; returns whether an answer came.
fn answered(target: std::net::SocketAddr) -> bool {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut buf = [0u8; 2048];
    (0..30).any(|_| {
        socket.send_to(br#"{"type":"STATS"}"#, target).unwrap();
        socket.recv_from(&mut buf).is_ok_and(|(n, _)| buf[..n].starts_with(br#"{"type":"STATS_REPLY""#))
    })
}

fn random_datagram(rng: &mut fastrand::Rng, n: u64) -> Vec<u8> {
    let host = format!("127.{}.{}.{}", rng.u8(1..255), rng.u8(..), rng.u8(1..255));
    let text = match rng.u8(..8) {
        0 => return (0..rng.usize(0..1400)).map(|_| rng.u8(..)).collect(),
        1 => format!(r#"{{"type":"FLOOD","host":"{host}","port":{},"id":"{n}","name":"storm"}}"#, rng.u16(1..)),
        2 => r#"{"type":"STATS"}"#.to_owned(),
        3 => format!(r#"{{"type":"GET_BLOCK","height":{}}}"#, rng.u64(..)),
        4 => format!(r#"{{"type":"NEW_WORD","word":"w{n}"}}"#),
        5 => format!(
            r#"{{"type":"ANNOUNCE","height":{},"minedBy":"x","nonce":"{n}","messages":["m"],"hash":"{:064x}"}}"#,
            rng.u64(..),
            rng.u128(..)
        ),
        6 => format!(r#"{{"type":"FLOOD-REPLY","host":"{host}","port":{},"name":"{n}"}}"#, rng.u16(1..)),
        _ => format!(r#"{{"type":"{}","x":[{n}]}}"#, rng.u32(..)),
    };
    text.into_bytes()
}

#[test]
fn memory_stays_flat_under_a_storm_of_random_datagrams() {
    let secs: u64 = std::env::var("STORM_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let peer = Peer::start(free_port(), dir.path(), &["--difficulty", "2", "--min-peers", "1"]);
    let target = peer.addr();
    let end = Instant::now() + Duration::from_secs(secs);
    let senders: Vec<_> = (0..2u64)
        .map(|t| {
            std::thread::spawn(move || {
                let mut rng = fastrand::Rng::with_seed(t);
                let sockets: Vec<UdpSocket> = (0..32).map(|_| UdpSocket::bind("127.0.0.1:0").unwrap()).collect();
                let mut sent = 0u64;
                while Instant::now() < end {
                    for _ in 0..20 {
                        let datagram = random_datagram(&mut rng, sent);
                        let _ = sockets[rng.usize(..sockets.len())].send_to(&datagram, target);
                        sent += 1;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                sent
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(secs / 4));
    let early = rss_kb(peer.child.id());
    assert!(answered(target), "it answers during the storm");
    let sent: u64 = senders.into_iter().map(|s| s.join().unwrap()).sum();
    let late = rss_kb(peer.child.id());
    eprintln!("storm of {sent} datagrams in {secs} s: RSS {early} kB after {} s, {late} kB at the end", secs / 4);
    assert!(late <= early + 8 * 1024, "memory grew from {early} kB to {late} kB");
    assert!(answered(target), "it answers after the storm");
}
