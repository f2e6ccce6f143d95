//! Proves `/api/forks` and `/api/history` answer from the node's record: a block that
//! lost at its height with the blocks of our chain beside it, a peer's chain over time,
//! a round with the chains it was offered — and that bad parameters get a 400.

use super::{Fixed, PEER, get_json};
use blockpeer_core::node::{Command, Config, Input, Node};
use blockpeer_core::protocol::{Message, StatsReply};
use blockpeer_core::testing::{chain_of, rival_block};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A node with 6 blocks, one peer, a rival of its block 5 announced by that peer, and a
/// finished round in which the peer reported the rival branch.
fn forked() -> (Arc<Fixed>, String) {
    let now = Instant::now();
    let mut config = Config::new("viewer", "127.0.0.1", 9100);
    config.difficulty = 1;
    let chain = chain_of(6, 1, "tester");
    let mut node = Node::new(config, chain.clone(), now);
    let peer = PEER.parse().unwrap();
    let send = |node: &mut Node, at: Instant, message: Message| {
        node.handle_input(at, Input::Datagram { from: peer, bytes: message.encode() });
    };
    let flood = br#"{"type":"FLOOD","host":"127.0.0.1","port":9200,"id":"f1","name":"rival"}"#;
    node.handle_input(now, Input::Datagram { from: peer, bytes: flood.to_vec() });
    let rival = rival_block(&chain, 5, "rival");
    let later = now + Duration::from_secs(2);
    send(&mut node, later, Message::Announce(rival.clone()));
    node.handle_input(later, Input::Command(Command::ConsensusNow));
    send(&mut node, later, Message::StatsReply(StatsReply { height: 6, hash: Some(rival.hash.clone()) }));
    let snapshot = Arc::new(node.snapshot(later));
    (Arc::new(Fixed { snapshot, version: AtomicU64::new(1), subscribers: Mutex::default() }), rival.hash)
}

#[tokio::test]
async fn forks_list_the_side_block_and_our_blocks_beside_it() {
    let (source, rival) = forked();
    let forks = get_json(&source, "/api/forks", 200).await;
    assert_eq!((forks["protocol"].as_str(), forks["height"].as_u64()), (Some("flood"), Some(6)));
    let side = &forks["side_blocks"][0];
    assert_eq!(side["block"]["hash"], rival.as_str());
    assert_eq!(side["block"]["minedBy"], "rival", "blocks keep the wire's field names");
    assert_eq!(
        (side["fate"].as_str(), side["from"].as_str(), side["ours"].as_bool()),
        (Some("lost"), Some(PEER), Some(false))
    );
    let blocks = &source.snapshot.blocks;
    assert_eq!(side["parent"], blocks[4].hash.as_str());
    let main: Vec<u64> = forks["main"].as_array().unwrap().iter().map(|b| b["height"].as_u64().unwrap()).collect();
    assert_eq!(main, [0, 1, 2, 3, 4, 5], "the fork's parent and rival, and the newest blocks");
    assert_eq!(forks["reorgs"], serde_json::json!([]));
    assert_eq!(get_json(&source, "/api/forks?limit=1", 200).await["side_blocks"].as_array().unwrap().len(), 1);
    for bad in ["limit=0", "limit=1001", "limit=x"] {
        let error = get_json(&source, &format!("/api/forks?{bad}"), 400).await;
        assert!(error["error"].as_str().unwrap().starts_with("limit must be"), "{bad}: {error}");
    }
}

#[tokio::test]
async fn history_gives_each_peer_s_chain_over_time_and_the_rounds() {
    let (source, rival) = forked();
    let history = get_json(&source, "/api/history", 200).await;
    let peer = &history["peers"][0];
    assert_eq!((peer["address"].as_str(), peer["name"].as_str()), (Some(PEER), Some("rival")));
    let point = &peer["points"][0];
    assert_eq!((point["height"].as_u64(), point["via"].as_str()), (Some(6), Some("announce")));
    assert!(rival.starts_with(point["tip"].as_str().unwrap()));
    assert_eq!(point["standing"]["state"], "other_chain");
    assert!(point["at"].as_f64().unwrap() > 1.0e9, "Unix seconds");
    assert_eq!(history["own"][0]["height"], 6);
    let round = &history["rounds"][0];
    assert_eq!((round["asked"].as_u64(), round["replied"].as_u64()), (Some(1), Some(1)));
    assert_eq!(round["groups"][0]["peers"][0], PEER);
    assert_eq!(round["groups"][0]["count"], 1);
    let since = point["at"].as_f64().unwrap() + 60.0;
    let later = get_json(&source, &format!("/api/history?since={since}"), 200).await;
    assert_eq!((later["peers"].as_array().unwrap().len(), later["rounds"].as_array().unwrap().len()), (0, 0));
    for bad in ["since=-1", "since=x", "since=inf"] {
        let error = get_json(&source, &format!("/api/history?{bad}"), 400).await;
        assert_eq!(error["error"], "since must be Unix seconds ≥ 0", "{bad}");
    }
}
