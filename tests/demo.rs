//! Proves the first thing a newcomer runs: `blockpeer --demo N --headless` starts a
//! local network in which every peer is seen joining, blocks arrive within seconds, and
//! healthy peers are shown agreeing with us between consensus rounds (web page API);
//! it stops cleanly on SIGTERM.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use common::{Peer, blockpeer, free_tcp_port, http_json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[test]
fn the_demo_network_fills_makes_blocks_and_agrees() {
    let web = free_tcp_port();
    let mut command = blockpeer();
    command.args(["--headless", "--demo", "3", "--web-port", &web.to_string()]);
    let demo = Peer::spawn(command, 0);
    // Headless, the demo says where to watch it.
    demo.wait_for_line(|l| l == format!("web page: http://127.0.0.1:{web}/"), Duration::from_secs(30));
    // Each of its peers is seen joining, however early it joined.
    let mut joined = BTreeSet::new();
    while joined.len() < 3 {
        let line = demo.wait_for_line(|l| l.starts_with("peer joined:"), Duration::from_secs(60));
        joined.insert(line.split(' ').nth(2).unwrap_or_default().to_owned());
    }
    let block = demo.wait_for_line(|l| l.starts_with("block "), Duration::from_secs(60));
    assert!(block.ends_with("from alice"), "the demo's miner is alice: {block}");

    // Past its first 15 s, at least 2 of the 3 peers agree with us at any moment.
    let settled = Instant::now() + Duration::from_secs(120);
    while http_json(web, "/api/status")["uptime_secs"].as_f64().unwrap() < 15.0 {
        assert!(Instant::now() < settled, "the demo never ran 15 s");
        std::thread::sleep(Duration::from_millis(250));
    }
    let mut heights = BTreeSet::new();
    for _ in 0..24 {
        let status = http_json(web, "/api/status");
        let peers = http_json(web, "/api/peers");
        let standings: Vec<&str> =
            peers.as_array().unwrap().iter().map(|p| p["standing"]["state"].as_str().unwrap()).collect();
        assert!(status["peers_agreeing"].as_u64().unwrap() >= 2, "{status} {standings:?}");
        assert!(standings.iter().filter(|s| **s == "agrees").count() >= 2, "{standings:?}");
        assert!(!standings.contains(&"other_chain"), "{standings:?}");
        heights.insert(status["height"].as_u64().unwrap());
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(heights.len() >= 2, "blocks kept arriving while we looked: {heights:?}");

    let (status, lines) = demo.terminate();
    assert!(status.success(), "{status:?}");
    assert!(lines.iter().any(|l| l.starts_with("stopped;")), "{lines:?}");
}
