//! Proves every table and queue of a node has a limit and counts what it refused,
//! and that the node cannot be turned into an amplifier: spoofed FLOODs get one
//! FLOOD-REPLY per id and few per second, strangers get a small byte budget, each
//! FLOOD id is forwarded once, and a host name is looked up without holding up anything.

#![allow(clippy::unwrap_used)]

use blockpeer_core::chain::Generation;
use blockpeer_core::chain::{Chain, Limits};
use blockpeer_core::node::{Command, Config, Input, Node, Output};
use blockpeer_core::protocol::{Flood, Message};
use blockpeer_core::testing::chain_of;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn node_with(chain: Chain) -> (Node, Instant) {
    let now = Instant::now();
    (Node::new(Config::new("me", "127.0.0.1", 8999), chain, now), now)
}

fn addr(last: u8, port: u16) -> SocketAddr {
    SocketAddr::from(([127, 9, 8, last], port))
}

fn flood(host: &str, port: u16, id: &str) -> Vec<u8> {
    Message::Flood(Flood { generation: Generation::Flood, host: host.into(), port, id: id.into(), name: "x".into() })
        .encode()
}

/// Feeds a datagram; returns what the node sends, as (to, bytes).
fn feed(node: &mut Node, now: Instant, from: SocketAddr, bytes: Vec<u8>) -> Vec<(SocketAddr, Vec<u8>)> {
    node.handle_input(now, Input::Datagram { from, bytes });
    std::iter::from_fn(|| node.poll_output())
        .filter_map(|o| match o {
            Output::Send { to, bytes } => Some((to, bytes)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_peer_table_stops_at_1024_and_counts_the_rest() {
    let (mut node, now) = node_with(Chain::new(Limits::new(1)));
    for i in 0..2000u16 {
        let from = addr((i % 250) as u8, 10_000 + i);
        feed(&mut node, now, from, flood(&from.ip().to_string(), from.port(), &i.to_string()));
    }
    let snapshot = node.snapshot(now);
    assert_eq!(snapshot.peers.len(), 1024);
    assert_eq!(snapshot.counters.peers_refused, 2000 - 1024);
}

#[test]
fn pending_words_stop_at_their_limit() {
    let (mut node, now) = node_with(Chain::new(Limits::new(1)));
    node.handle_input(now, Input::Command(Command::AddWords((0..1500).map(|i| format!("w{i}")).collect())));
    node.handle_input(now, Input::Command(Command::AddWords(vec!["x".repeat(21), String::new()])));
    let snapshot = node.snapshot(now);
    assert_eq!(snapshot.pending_count, 1000);
    assert_eq!(snapshot.counters.words_refused, 502);
}

#[test]
fn one_source_is_rate_limited_and_others_still_served() {
    let (mut node, now) = node_with(chain_of(2, 1, "x"));
    let stormer = addr(1, 5000);
    let peer = addr(2, 5000);
    feed(&mut node, now, peer, flood("127.9.8.2", 5000, "p"));
    let mut answered = 0;
    for _ in 0..10_000 {
        answered += feed(&mut node, now, stormer, br#"{"type":"STATS"}"#.to_vec()).len();
    }
    assert!(answered <= 2000, "the storm got {answered} answers");
    assert_eq!(feed(&mut node, now, peer, br#"{"type":"STATS"}"#.to_vec()).len(), 1, "the peer is still served");
    assert!(node.snapshot(now).counters.rate_limited >= 8000);
}

#[test]
fn oversized_and_junk_datagrams_are_counted_and_harmless() {
    let (mut node, now) = node_with(chain_of(2, 1, "x"));
    let before = node.chain().tip().cloned();
    let from = addr(3, 1);
    assert!(feed(&mut node, now, from, vec![b'{'; 70_000]).is_empty());
    assert!(feed(&mut node, now, from, b"\xff\xfe junk".to_vec()).is_empty());
    assert!(feed(&mut node, now, from, b"{}".to_vec()).is_empty());
    let counters = node.snapshot(now).counters;
    assert_eq!((counters.malformed, counters.unknown), (2, 1));
    assert_eq!(node.chain().tip().cloned(), before);
}

#[test]
fn flood_ids_are_remembered_within_a_bound() {
    let (mut node, now) = node_with(Chain::new(Limits::new(1)));
    let from = addr(4, 4000);
    for i in 0..20_000 {
        feed(&mut node, now + Duration::from_millis(i), from, flood("127.9.8.4", 4000, &format!("id{i}")));
    }
    assert!(node.snapshot(now).counters.flood_ids_remembered <= 8192);
}

#[test]
fn a_spoofed_flood_gets_one_reply_per_id_and_few_per_second() {
    let (mut node, now) = node_with(Chain::new(Limits::new(1)));
    let victim = addr(9, 9);
    // Many copies of one FLOOD, forwarded to us by many "peers": one reply.
    let mut to_victim = 0;
    for i in 0..50u8 {
        let bytes = flood("127.9.8.9", 9, "same-id");
        to_victim += feed(&mut node, now, addr(20 + i, 1), bytes).iter().filter(|(to, _)| *to == victim).count();
    }
    assert_eq!(to_victim, 1, "one FLOOD-REPLY per FLOOD id");
    // A stream of fresh ids naming the victim: bounded per second.
    let mut to_victim = 0;
    for i in 0..1000 {
        let bytes = flood("127.9.8.9", 9, &format!("fresh{i}"));
        let t = now + Duration::from_millis(i);
        to_victim += feed(&mut node, t, addr(30, 1), bytes).iter().filter(|(to, _)| *to == victim).count();
    }
    assert!(to_victim <= 20 + 10, "{to_victim} replies in one second to a spoofed address");
}

#[test]
fn each_flood_id_is_forwarded_once() {
    let (mut node, now) = node_with(Chain::new(Limits::new(1)));
    for i in 1..=5u8 {
        let host = format!("127.9.8.{i}");
        feed(&mut node, now, addr(i, 7), flood(&host, 7, &format!("hello{i}")));
    }
    let first = feed(&mut node, now, addr(1, 7), flood("127.9.8.50", 50, "new-id"));
    let again = feed(&mut node, now, addr(2, 7), flood("127.9.8.50", 50, "new-id"));
    let forwarded = |sent: &[(SocketAddr, Vec<u8>)]| sent.iter().filter(|(to, _)| to.port() == 7).count();
    assert_eq!(forwarded(&first), 4, "to every peer but the one it came from");
    assert_eq!(forwarded(&again), 0);
}

#[test]
fn strangers_get_a_small_byte_budget() {
    let (mut node, now) = node_with(chain_of(20, 1, "x"));
    let stranger = addr(40, 4);
    let request = br#"{"type":"GET_BLOCK","height":3}"#.to_vec();
    let mut sent = 0;
    let mut received = 0;
    for i in 0..2000 {
        let t = now + Duration::from_micros(500 * i);
        received += request.len();
        sent += feed(&mut node, t, stranger, request.clone()).iter().map(|(_, b)| b.len()).sum::<usize>();
    }
    // One second of requests: at most the burst plus a second's budget (2 × 16 KiB + 16 KiB).
    assert!(sent <= 48 * 1024, "{sent} bytes sent for {received} received");
    assert!(node.snapshot(now).counters.replies_throttled > 0);
}

#[test]
fn a_host_name_is_looked_up_without_holding_anything_up() {
    let (mut node, now) = node_with(Chain::new(Limits::new(1)));
    let named = Message::Flood(Flood {
        generation: Generation::Flood,
        host: "Slow.Example".into(),
        port: 7,
        id: "n1".into(),
        name: "far".into(),
    });
    node.handle_input(now, Input::Datagram { from: addr(1, 7), bytes: named.encode() });
    let outputs: Vec<Output> = std::iter::from_fn(|| node.poll_output()).collect();
    assert_eq!(outputs, vec![Output::Resolve { host: "Slow.Example".into() }], "asked for, not answered yet");
    // While the name is looked up, others are answered at once.
    let sent = feed(&mut node, now, addr(2, 9), br#"{"type":"STATS"}"#.to_vec());
    assert_eq!(sent.len(), 1, "the STATS is answered");
    // The answer comes: the FLOOD is handled as if it had named the address.
    node.handle_input(now, Input::Resolved { host: "Slow.Example".into(), ip: Some([127, 9, 8, 77].into()) });
    let replies: Vec<SocketAddr> = std::iter::from_fn(|| node.poll_output())
        .filter_map(|o| match o {
            Output::Send { to, .. } => Some(to),
            _ => None,
        })
        .collect();
    assert_eq!(replies, vec![addr(77, 7)], "the FLOOD-REPLY goes to the resolved originator");
    assert!(node.snapshot(now).peers.iter().any(|p| p.address == "127.9.8.77:7" && p.name == "far"));
    // Next time the name is known: no lookup.
    let again = Message::Flood(Flood {
        generation: Generation::Flood,
        host: "slow.example".into(),
        port: 7,
        id: "n2".into(),
        name: "far".into(),
    });
    node.handle_input(now, Input::Datagram { from: addr(1, 7), bytes: again.encode() });
    assert!(std::iter::from_fn(|| node.poll_output()).all(|o| !matches!(o, Output::Resolve { .. })));
}
