//! Attack scripts against a real peer process on 127.0.0.1, one per defect found in
//! review: one socket's malformed STATS_REPLY no longer kills the engine (with every
//! log statement evaluated), a FLOOD's `host` is no proof of address, and a storm of
//! FLOODs naming a victim is not amplified — neither by us nor by neighbours that
//! answer every FLOOD — while honest STATS are still answered.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use common::{Peer, blockpeer, free_port, free_tcp_port, http_json, stats};
use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

fn socket() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    socket
}

fn flood(host_port: SocketAddr, id: &str) -> Vec<u8> {
    format!(r#"{{"type":"FLOOD","host":"127.0.0.1","port":{},"id":"{id}","name":"x"}}"#, host_port.port()).into_bytes()
}

/// Counts what arrives at `socket`, by sender, until `stop`; `on_flood` answers FLOODs.
fn listen(
    socket: UdpSocket,
    stop: Arc<AtomicBool>,
    on_flood: impl Fn(&UdpSocket, &serde_json::Value) + Send + 'static,
) -> JoinHandle<BTreeMap<SocketAddr, u64>> {
    std::thread::spawn(move || {
        let (mut counts, mut buf) = (BTreeMap::new(), [0u8; 2048]);
        while !stop.load(Ordering::Relaxed) {
            if let Ok((n, from)) = socket.recv_from(&mut buf) {
                *counts.entry(from).or_insert(0) += 1;
                if let Ok(message) = serde_json::from_slice::<serde_json::Value>(&buf[..n])
                    && message["type"] == "FLOOD"
                {
                    on_flood(&socket, &message);
                }
            }
        }
        counts
    })
}

#[test]
fn a_malformed_stats_reply_cannot_kill_the_engine_even_when_logging_everything() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = blockpeer();
    command.env("RUST_LOG", "trace");
    command.args(["--headless", "-p", &port.to_string(), "--data-dir"]).arg(dir.path());
    let peer = Peer::spawn(command, port);
    let attacker = socket();
    attacker.send_to(&flood(attacker.local_addr().unwrap(), "a1"), peer.addr()).unwrap();
    attacker.send_to(br#"{"type":"CONSENSUS"}"#, peer.addr()).unwrap();
    // Our STATS comes; the answer once crashed a log line that sliced its hash by bytes.
    let mut buf = [0u8; 2048];
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "no STATS from the peer");
        if let Ok((n, _)) = attacker.recv_from(&mut buf)
            && buf[..n].starts_with(br#"{"type":"STATS"}"#)
        {
            break;
        }
    }
    let hostile = r#"{"type":"STATS_REPLY","height":1000000,"hash":"a€€€€€€"}"#;
    for _ in 0..20 {
        attacker.send_to(hostile.as_bytes(), peer.addr()).unwrap();
    }
    for _ in 0..5 {
        assert_eq!(stats(peer.addr()).0, 0, "the engine still answers");
    }
    let (status, _) = peer.terminate();
    assert!(status.success(), "it stops cleanly: {status:?}");
}

#[test]
fn a_flood_s_host_is_no_proof_of_address() {
    let dir = tempfile::tempdir().unwrap();
    let peer = Peer::start(free_port(), dir.path(), &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let victims: Vec<_> = (0..20).map(|_| socket()).collect();
    let addrs: Vec<SocketAddr> = victims.iter().map(|v| v.local_addr().unwrap()).collect();
    let counters: Vec<_> = victims.into_iter().map(|v| listen(v, stop.clone(), |_, _| {})).collect();
    let attacker = socket();
    // Twice each FLOOD naming a victim (a duplicate once verified the named host)…
    for (i, victim) in addrs.iter().enumerate() {
        for _ in 0..2 {
            attacker.send_to(&flood(*victim, &format!("v{i}")), peer.addr()).unwrap();
        }
    }
    // …then fresh FLOODs naming the attacker, forwarded to every verified peer.
    for i in 0..200 {
        attacker.send_to(&flood(attacker.local_addr().unwrap(), &format!("f{i}")), peer.addr()).unwrap();
    }
    assert_eq!(stats(peer.addr()).0, 0, "everything sent was handled");
    // A consensus round asks every peer, named-only ones too, for their 17-byte STATS.
    peer_command(&attacker, peer.addr(), r#"{"type":"CONSENSUS"}"#);
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    let received: Vec<u64> = counters.into_iter().map(|c| c.join().unwrap().values().sum::<u64>()).collect();
    // One FLOOD-REPLY per FLOOD id, a STATS and its one resend: nothing forwarded.
    assert!(received.iter().all(|r| *r <= 3), "victims that never spoke to us got {received:?}");
}

#[test]
fn a_storm_of_floods_naming_a_victim_is_not_amplified_and_stats_are_still_answered() {
    let dir = tempfile::tempdir().unwrap();
    let web = free_tcp_port();
    let peer = Peer::start(free_port(), dir.path(), &["--web-port", &web.to_string()]);
    let stop = Arc::new(AtomicBool::new(false));
    let victim = socket();
    let victim_addr = victim.local_addr().unwrap();
    let to_victim = listen(victim, stop.clone(), |_, _| {});
    // Three neighbours that answer every FLOOD they get, as naive peers do.
    let mut neighbours = Vec::new();
    for i in 0..3 {
        let neighbour = socket();
        neighbour.send_to(&flood(neighbour.local_addr().unwrap(), &format!("n{i}")), peer.addr()).unwrap();
        neighbours.push(listen(neighbour, stop.clone(), |socket, message| {
            let (host, port) = (message["host"].as_str().unwrap_or(""), message["port"].as_u64().unwrap_or(0));
            let reply = format!(r#"{{"type":"FLOOD-REPLY","host":"127.0.0.1","port":{port},"name":"naive"}}"#);
            let _ = socket.send_to(reply.as_bytes(), (host, port as u16));
        }));
    }
    wait_for_peers(web, 3);

    // An honest client asks STATS 50 times a second throughout.
    let (asked, answered) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let client = {
        let (asked, answered, stop, target) = (asked.clone(), answered.clone(), stop.clone(), peer.addr());
        std::thread::spawn(move || {
            let socket = socket();
            let mut buf = [0u8; 2048];
            while !stop.load(Ordering::Relaxed) {
                socket.send_to(br#"{"type":"STATS"}"#, target).unwrap();
                asked.fetch_add(1, Ordering::Relaxed);
                let until = Instant::now() + Duration::from_millis(20);
                while Instant::now() < until {
                    if socket.recv_from(&mut buf).is_ok_and(|(n, _)| buf[..n].starts_with(br#"{"type":"STATS_REPLY""#))
                    {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        })
    };

    // 40 000 FLOODs with fresh ids, each naming the victim, in about five seconds.
    let attacker = socket();
    let storm = 40_000u64;
    let started = Instant::now();
    for i in 0..storm {
        attacker.send_to(&flood(victim_addr, &format!("storm{i}")), peer.addr()).unwrap();
        if i % 80 == 79 {
            let due = started + Duration::from_millis(i / 8);
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
        }
    }
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    client.join().unwrap();
    let at_victim = to_victim.join().unwrap();
    let from_us: u64 = neighbours.into_iter().map(|n| n.join().unwrap().get(&peer.addr()).copied().unwrap_or(0)).sum();
    let (to_victim_total, from_us_to_victim) =
        (at_victim.values().sum::<u64>(), at_victim.get(&peer.addr()).copied().unwrap_or(0));
    // What we sent (to the victim, and forwarded to the neighbours) plus what the
    // neighbours sent the victim, per datagram of the storm.
    let amplified = from_us + to_victim_total;
    let factor = amplified as f64 / storm as f64;
    eprintln!(
        "storm of {storm}: we sent the victim {from_us_to_victim}, the neighbours {from_us}; the victim got \
         {to_victim_total} in all → factor {factor:.4}; STATS answered {} of {}",
        answered.load(Ordering::Relaxed),
        asked.load(Ordering::Relaxed)
    );
    assert!(factor <= 0.01, "amplification factor {factor}");
    let (asked, answered) = (asked.load(Ordering::Relaxed), answered.load(Ordering::Relaxed));
    assert!(answered as f64 >= 0.95 * asked as f64, "only {answered} of {asked} STATS answered");
}

/// Sends `message` to the peer from `socket`.
fn peer_command(socket: &UdpSocket, peer: SocketAddr, message: &str) {
    socket.send_to(message.as_bytes(), peer).unwrap();
}

/// Waits until the peer's web page reports `n` peers.
fn wait_for_peers(web: u16, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while http_json(web, "/api/status")["peers"].as_u64() != Some(n) {
        assert!(Instant::now() < deadline, "the neighbours never became peers");
        std::thread::sleep(Duration::from_millis(50));
    }
}
