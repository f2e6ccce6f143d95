//! Proves kill -9 loses nothing that was on disk: a headless peer is SIGKILLed at
//! random moments — 10 times while it mines alone, 10 times while it syncs a long
//! chain from another peer — and restarted each time. Every restart loads a valid
//! chain that still holds every block the file held before the kill, and at the end
//! the peer catches up with the network.

#![allow(clippy::unwrap_used)]

mod common;

use blockpeer_core::chain::{ChainStore, Limits};
use blockpeer_core::testing::chain_of;
use common::{FAST, Peer, free_port, stats};
use std::net::UdpSocket;
use std::path::Path;
use std::time::{Duration, Instant};

/// The complete lines of the chain file right now.
fn persisted_lines(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("chain.jsonl")).unwrap_or_default();
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete.lines().map(str::to_owned).collect()
}

/// Restarts the peer in `dir` and checks what it loaded still starts with `before`.
fn assert_kept(dir: &Path, before: &[String], round: usize) {
    let after = persisted_lines(dir);
    assert!(
        after.len() >= before.len(),
        "round {round}: {} lines before the kill, {} after",
        before.len(),
        after.len()
    );
    assert_eq!(&after[..before.len()], before, "round {round}: a persisted block changed");
    let (_, chain, report) = ChainStore::open(dir, Limits::new(2)).unwrap();
    assert_eq!(report.dropped_lines, 0, "round {round}: the restarted peer left a clean file");
    assert!(chain.len() as usize >= before.len());
}

#[test]
fn kill_9_at_random_moments_loses_no_persisted_block() {
    let mut rng = fastrand::Rng::with_seed(20261125);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut args = FAST.to_vec();
    args.extend(["--difficulty", "2", "-m"]);

    // Alone, mining the words a client keeps sending, killed mid-stream.
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut before: Vec<String> = Vec::new();
    for round in 0..10 {
        let peer = Peer::start(port, dir.path(), &args);
        assert_kept(dir.path(), &before, round);
        // Killed at a random moment after it has mined something this round.
        let (give_up, linger) = (Instant::now() + Duration::from_secs(60), Duration::from_millis(rng.u64(0..1000)));
        let mut kill_at = None;
        for word in (0..).map(|i| format!(r#"{{"type":"NEW_WORD","word":"r{round}w{i}"}}"#)) {
            if kill_at.is_some_and(|t| Instant::now() >= t) {
                break;
            }
            assert!(Instant::now() < give_up, "round {round}: nothing mined in 60 s");
            client.send_to(word.as_bytes(), peer.addr()).unwrap();
            std::thread::sleep(Duration::from_millis(15));
            if kill_at.is_none() && persisted_lines(dir.path()).len() > before.len() {
                kill_at = Some(Instant::now() + linger);
            }
        }
        before = persisted_lines(dir.path());
        drop(peer); // SIGKILL
    }
    assert!(before.len() >= 10, "it mined between the kills: {} blocks", before.len());

    // Syncing a 3 000-block chain from a seed, killed around the join round.
    let seed_dir = tempfile::tempdir().unwrap();
    let chain = chain_of(3000, 2, "seed");
    let (mut store, _, _) = ChainStore::open(seed_dir.path(), Limits::new(2)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    drop(store);
    let seed_port = free_port();
    let seed = Peer::start(seed_port, seed_dir.path(), &["--difficulty", "2", "--min-peers", "1"]);
    let joiner_dir = tempfile::tempdir().unwrap();
    let seed_port_text = seed_port.to_string();
    let join = [
        "-k",
        "127.0.0.1",
        seed_port_text.as_str(),
        "--difficulty",
        "2",
        "--consensus-interval",
        "1",
        "--min-peers",
        "1",
    ];
    let joiner_port = free_port();
    let mut before: Vec<String> = Vec::new();
    for round in 0..10 {
        let peer = Peer::start(joiner_port, joiner_dir.path(), &join);
        assert_kept(joiner_dir.path(), &before, 10 + round);
        std::thread::sleep(Duration::from_millis(rng.u64(1500..2600)));
        before = persisted_lines(joiner_dir.path());
        drop(peer);
    }

    // Back for good: it catches up with the seed.
    let peer = Peer::start(joiner_port, joiner_dir.path(), &join);
    let deadline = Instant::now() + Duration::from_secs(120);
    while stats(peer.addr()) != stats(seed.addr()) {
        assert!(
            Instant::now() < deadline,
            "the joiner did not catch up: {:?} vs {:?}",
            stats(peer.addr()),
            stats(seed.addr())
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(stats(peer.addr()).0 >= 3000);
}
