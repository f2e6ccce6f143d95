//! Proves that joining a network of another difficulty is said, in words, where the
//! user looks: a peer requiring 8 that joins a network whose blocks meet 5 prints one
//! line naming the network's difficulty and how to join it, shows it in
//! `/api/status`, and keeps its own (empty) chain.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use blockpeer_core::chain::hex_trailing_zeros;
use blockpeer_core::testing::chain_of;
use common::{FAST, Peer, free_port, free_tcp_port, http_json};
use std::time::{Duration, Instant};

#[test]
fn joining_a_network_of_difficulty_5_names_it() {
    let chain = chain_of(3, 5, "prof");
    let fewest = chain.blocks().iter().map(|b| hex_trailing_zeros(&b.hash)).min().unwrap();
    let network_dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = chain.blocks().iter().map(|b| serde_json::to_string(b.as_ref()).unwrap()).collect();
    std::fs::write(network_dir.path().join("chain.jsonl"), lines.join("\n") + "\n").unwrap();
    let network_port = free_port();
    let network_web = free_tcp_port().to_string();
    let _network = Peer::start(
        network_port,
        network_dir.path(),
        &[&["-i", network_web.as_str(), "--difficulty", "5"], FAST].concat(),
    );

    let joiner_dir = tempfile::tempdir().unwrap();
    let web = free_tcp_port();
    let (port, web_text) = (network_port.to_string(), web.to_string());
    let args = [&["-k", "127.0.0.1", port.as_str(), "--web-port", web_text.as_str()], FAST].concat();
    let joiner = Peer::start(free_port(), joiner_dir.path(), &args);
    let line = joiner.wait_for_line(|l| l.starts_with("difficulty mismatch:"), Duration::from_secs(60));
    assert_eq!(
        line,
        format!(
            "difficulty mismatch: the network's blocks meet difficulty {fewest}, this peer requires 8; \
             to join this network, restart with --difficulty {fewest}"
        )
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        let status = http_json(web, "/api/status");
        if !status["difficulty_mismatch"].is_null() {
            break status;
        }
        assert!(Instant::now() < deadline, "no mismatch in /api/status: {status}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status["difficulty_mismatch"], serde_json::json!({"required": 8, "network": fewest}));
    assert_eq!(status["height"], 0, "the weak chain is not adopted");
    let reason = status["consensus"]["failed_sync"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains(&format!("difficulty {fewest}")), "the failed sync is shown as failed: {status}");
}
