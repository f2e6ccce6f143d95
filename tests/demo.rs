//! Proves the first thing a newcomer runs: `blockpeer --demo N --headless` starts a
//! local network in which every peer is seen joining and blocks arrive from both of its
//! miners within seconds; this peer's race with one of them makes a fork now and then,
//! kept in the record, and the network agrees again, in both generations (web page API);
//! it stops cleanly on SIGTERM.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use common::{Peer, blockpeer, free_tcp_port, http_json};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How long a condition may take on a loaded machine before the test fails.
const PATIENCE: Duration = Duration::from_secs(120);

/// Polls `path` of the web page on `web` until `done` holds of its JSON; returns it.
fn poll(web: u16, path: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let json = http_json(web, path);
        if done(&json) {
            return json;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}: {json}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn forks_appear_and_resolve(protocol: &str) {
    let web = free_tcp_port();
    let mut command = blockpeer();
    command.args(["--headless", "--demo", "3", "--protocol", protocol, "--web-port", &web.to_string()]);
    let demo = Peer::spawn(command, 0);
    // Headless, the demo says where to watch it.
    demo.wait_for_line(|l| l == format!("web page: http://127.0.0.1:{web}/"), Duration::from_secs(30));
    // Each of its peers is seen joining, however early it joined.
    let mut joined = BTreeSet::new();
    while joined.len() < 3 {
        let line = demo.wait_for_line(|l| l.starts_with("peer joined:"), PATIENCE);
        joined.insert(line.split(' ').nth(2).unwrap_or_default().to_owned());
    }
    // Blocks come from both miners.
    let mut miners = BTreeSet::new();
    while !(miners.contains("alice") && miners.contains("bob")) {
        let block = demo.wait_for_line(|l| l.starts_with("block "), PATIENCE);
        miners.insert(block.rsplit(' ').next().unwrap_or_default().to_owned());
    }
    assert!(miners.contains("alice") && miners.contains("bob"), "{protocol}: {miners:?}");

    // A fork: a valid block that lost at its height, beside the chain we hold.
    let forks = poll(web, "/api/forks", "a fork", |f| !f["side_blocks"].as_array().unwrap().is_empty());
    let side = &forks["side_blocks"][0];
    assert!(["alice", "bob", "you"].contains(&side["block"]["minedBy"].as_str().unwrap()), "{side}");
    let fork_height = side["block"]["height"].as_u64().unwrap();
    // Resolved: later, every peer agrees with us on a chain past the fork.
    let agreed = |status: &Value| {
        status["height"].as_u64().unwrap() > fork_height + 1
            && status["peers"].as_u64() == Some(3)
            && status["peers_agreeing"].as_u64() == Some(3)
    };
    poll(web, "/api/status", "every peer to agree past the fork", agreed);
    let history = http_json(web, "/api/history");
    assert!(!history["rounds"].as_array().unwrap().is_empty(), "{protocol}: rounds recorded");
    assert_eq!(history["peers"].as_array().unwrap().len(), 3, "{protocol}: each peer's chain over time");

    let (status, lines) = demo.terminate();
    assert!(status.success(), "{status:?}");
    assert!(lines.iter().any(|l| l.starts_with("stopped;")), "{lines:?}");
}

#[test]
fn the_flood_demo_fills_forks_and_agrees_again() {
    forks_appear_and_resolve("flood");
}

#[test]
fn the_gossip_demo_fills_forks_and_agrees_again() {
    forks_appear_and_resolve("gossip");
}
