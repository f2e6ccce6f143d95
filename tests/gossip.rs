//! Proves, with the real program, that Blockpeer joins today's course network: a
//! stand-in GOSSIP-generation peer written here from the handout (PROTOCOL-GOSSIP.md,
//! kept in docs/PROTOCOL.md) serves the two real Fall 2023 blocks at difficulty 8;
//! Blockpeer joins it with the default `--protocol auto`, says it found GOSSIP, syncs
//! both blocks, speaks only GOSSIP to it, keeps the chain with its timestamps on disk,
//! and `verify-chain` checks the file. Also: `-k` with auto still finds a FLOOD network.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use common::{FAST, Peer, blockpeer, free_port, free_tcp_port, http_json};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A GOSSIP-generation peer as the handout describes it, serving `blocks`.
struct StandIn {
    port: u16,
    /// The `type` of every datagram received.
    heard: Arc<Mutex<Vec<String>>>,
    /// The ids of the GOSSIPs received.
    ids: Arc<Mutex<BTreeSet<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StandIn {
    fn start(blocks: Vec<Value>) -> StandIn {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let port = socket.local_addr().unwrap().port();
        let (heard, ids, stop) = (Arc::default(), Arc::default(), Arc::new(AtomicBool::new(false)));
        let (h, i, s) = (Arc::clone(&heard), Arc::clone(&ids), Arc::clone(&stop));
        let thread = std::thread::spawn(move || serve(&socket, port, &blocks, &h, &i, &s));
        StandIn { port, heard, ids, stop, thread: Some(thread) }
    }

    fn heard(&self, kind: &str) -> usize {
        self.heard.lock().unwrap().iter().filter(|k| *k == kind).count()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

fn serve(
    socket: &UdpSocket,
    port: u16,
    blocks: &[Value],
    heard: &Mutex<Vec<String>>,
    ids: &Mutex<BTreeSet<String>>,
    stop: &AtomicBool,
) {
    let mut buffer = [0u8; 2048];
    let send = |to: SocketAddr, message: Value| socket.send_to(message.to_string().as_bytes(), to).unwrap();
    while !stop.load(Ordering::Relaxed) {
        let Ok((len, from)) = socket.recv_from(&mut buffer) else { continue };
        let Ok(message) = serde_json::from_slice::<Value>(&buffer[..len]) else { continue };
        let kind = message["type"].as_str().unwrap_or_default().to_owned();
        heard.lock().unwrap().push(kind.clone());
        match kind.as_str() {
            // Reply to the originator named in the message, once per id.
            "GOSSIP" if ids.lock().unwrap().insert(message["id"].as_str().unwrap_or_default().to_owned()) => {
                let to: SocketAddr =
                    format!("{}:{}", message["host"].as_str().unwrap(), message["port"]).parse().unwrap();
                send(to, json!({"type": "GOSSIP_REPLY", "host": "127.0.0.1", "port": port, "name": "stand-in"}));
            }
            "STATS" => {
                let top = blocks.last().unwrap();
                send(from, json!({"type": "STATS_REPLY", "height": blocks.len(), "hash": top["hash"]}));
            }
            "GET_BLOCK" => {
                let found =
                    message["height"].as_u64().and_then(|h| usize::try_from(h).ok()).and_then(|h| blocks.get(h));
                let reply = match found {
                    // The instructor's key order: type, height, minedBy, nonce, messages, hash, timestamp.
                    Some(b) => format!(
                        r#"{{"type": "GET_BLOCK_REPLY", "height": {}, "minedBy": {}, "nonce": {}, "messages": {}, "hash": {}, "timestamp": {}}}"#,
                        b["height"], b["minedBy"], b["nonce"], b["messages"], b["hash"], b["timestamp"]
                    ),
                    None => r#"{"type": "GET_BLOCK_REPLY", "height": null, "minedBy": null, "nonce": null, "messages": null, "hash": null, "timestamp": null}"#.to_owned(),
                };
                socket.send_to(reply.as_bytes(), from).unwrap();
            }
            // A GOSSIP-generation peer does not know FLOOD; the rest needs no answer.
            _ => {}
        }
    }
}

fn real_blocks() -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!("data/gossip-vectors.json")).unwrap();
    all["blocks"].as_array().unwrap().clone()
}

#[test]
fn auto_finds_a_gossip_network_and_syncs_its_real_blocks() {
    let blocks = real_blocks();
    let stand_in = StandIn::start(blocks.clone());
    let dir = tempfile::tempdir().unwrap();
    let web = free_tcp_port();
    let (port, web_text) = (stand_in.port.to_string(), web.to_string());
    let args =
        [&["-k", "127.0.0.1", port.as_str(), "--difficulty", "8", "--web-port", web_text.as_str()], FAST].concat();
    let joiner = Peer::start(free_port(), dir.path(), &args);
    let line = joiner.wait_for_line(|l| l.starts_with("protocol:"), Duration::from_secs(60));
    assert!(line.starts_with("protocol: GOSSIP (2023+), found by asking the well-known peer"), "{line}");

    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        let status = http_json(web, "/api/status");
        if status["height"] == 2 {
            break status;
        }
        assert!(Instant::now() < deadline, "both blocks not synced: {status}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status["tip"], blocks[1]["hash"]);
    assert_eq!(status["protocol"], "gossip");
    let served = http_json(web, "/api/blocks/0");
    assert_eq!(served["timestamp"], blocks[0]["timestamp"], "{served}");

    // It keeps talking GOSSIP (keep-alives with fresh ids), never FLOOD after the probe.
    let deadline = Instant::now() + Duration::from_secs(60);
    while stand_in.ids.lock().unwrap().len() < 3 {
        assert!(Instant::now() < deadline, "no keep-alives: {:?}", stand_in.heard.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(stand_in.heard("FLOOD") <= 3, "FLOODs beyond the detection probes: {}", stand_in.heard("FLOOD"));
    let (status, _) = joiner.terminate();
    assert!(status.success());

    // On disk: the generation, the blocks with their timestamps; verify-chain agrees.
    assert_eq!(std::fs::read_to_string(dir.path().join("generation")).unwrap().trim(), "gossip");
    let file = dir.path().join("chain.jsonl");
    let saved: Vec<Value> =
        std::fs::read_to_string(&file).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(saved, blocks);
    let output = blockpeer().args(["verify-chain", file.to_str().unwrap(), "--difficulty", "8"]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && text.contains("valid: 2 blocks of the GOSSIP (2023+) generation"), "{text}");
}

#[test]
fn auto_still_finds_a_flood_network() {
    let network_dir = tempfile::tempdir().unwrap();
    let network_port = free_port();
    let network_web = free_tcp_port().to_string();
    let _network = Peer::start(
        network_port,
        network_dir.path(),
        &[&["-i", network_web.as_str(), "--difficulty", "1"], FAST].concat(),
    );
    let dir = tempfile::tempdir().unwrap();
    let port = network_port.to_string();
    let joiner = Peer::start(
        free_port(),
        dir.path(),
        &[&["-k", "127.0.0.1", port.as_str(), "--difficulty", "1"], FAST].concat(),
    );
    let line = joiner.wait_for_line(|l| l.starts_with("protocol:"), Duration::from_secs(60));
    assert!(line.starts_with("protocol: FLOOD (2022), found by asking the well-known peer"), "{line}");
    joiner.wait_for_line(|l| l.starts_with("peer joined:"), Duration::from_secs(60));
}
