//! Proves a peer serves other people's clients on an ephemeral socket: STATS_REPLY
//! and GET_BLOCK_REPLY (the all-null missing block too) in PROTOCOL.md's wire format,
//! answered to the source of each request, many times over. (How fast — a real peer
//! gives up after 2 ms — is `blockpeer bench serve`'s business, not a test's.)

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

mod common;

use blockpeer_core::chain::ChainStore;
use blockpeer_core::chain::Limits;
use blockpeer_core::testing::chain_of;
use common::{Peer, ask, free_port, free_tcp_port};

#[test]
fn stats_and_get_block_are_answered_to_the_ephemeral_source() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(3, 2, "server");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(2)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    drop(store);
    let web = free_tcp_port().to_string();
    let peer = Peer::start(free_port(), dir.path(), &["-i", &web, "--difficulty", "2"]);

    let (reply, _) = ask(peer.addr(), br#"{"type":"STATS"}"#);
    let tip = chain.tip().unwrap();
    assert_eq!(reply, serde_json::json!({"type": "STATS_REPLY", "height": 3, "hash": tip.hash}));

    let (reply, _) = ask(peer.addr(), br#"{"type":"GET_BLOCK","height":2}"#);
    let expected = serde_json::json!({
        "type": "GET_BLOCK_REPLY", "height": 2, "minedBy": "server", "nonce": tip.nonce,
        "messages": tip.messages, "hash": tip.hash,
    });
    assert_eq!(reply, expected);

    let (reply, _) = ask(peer.addr(), br#"{"type":"GET_BLOCK","height":99}"#);
    let null = serde_json::json!({
        "type": "GET_BLOCK_REPLY", "height": null, "minedBy": null, "nonce": null, "messages": null, "hash": null
    });
    assert_eq!(reply, null);

    // Every request of a burst is answered to its own socket.
    for _ in 0..50 {
        assert_eq!(ask(peer.addr(), br#"{"type":"STATS"}"#).0["height"], 3);
    }
}

#[test]
fn an_empty_peer_reports_height_0_and_a_null_hash() {
    let dir = tempfile::tempdir().unwrap();
    let web = free_tcp_port().to_string();
    let peer = Peer::start(free_port(), dir.path(), &["-i", &web]);
    let (reply, _) = ask(peer.addr(), br#"{"type":"STATS"}"#);
    assert_eq!(reply, serde_json::json!({"type": "STATS_REPLY", "height": 0, "hash": null}));
    let (status, lines) = peer.terminate();
    assert!(status.success());
    assert!(lines.iter().any(|l| l.contains("stopped; the chain (0 blocks) is saved")), "{lines:?}");
}
