//! Proves the first thing a newcomer runs: `blockpeer --demo N --headless` starts a
//! local network in which peers join and blocks arrive within seconds, and stops
//! cleanly on SIGTERM.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use common::{Peer, blockpeer};
use std::time::Duration;

#[test]
fn the_demo_network_fills_and_makes_blocks() {
    let mut command = blockpeer();
    command.args(["--headless", "--demo", "3"]);
    let demo = Peer::spawn(command, 0);
    // Headless, the demo says where to watch it.
    demo.wait_for_line(|l| l.starts_with("web page: http://"), Duration::from_secs(20));
    demo.wait_for_line(|l| l.starts_with("peer joined:"), Duration::from_secs(20));
    let block = demo.wait_for_line(|l| l.starts_with("block "), Duration::from_secs(30));
    assert!(block.ends_with("from alice"), "the demo's miner is alice: {block}");
    let (status, lines) = demo.terminate();
    assert!(status.success(), "{status:?}");
    assert!(lines.iter().any(|l| l.starts_with("stopped;")), "{lines:?}");
}
