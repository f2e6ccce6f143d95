//! Proves the window over real engines on 127.0.0.1, driven like a person would
//! through egui_kittest (no display needed): the dialog starts a network and the
//! status bar shows its port; a bad port is explained and starts nothing; clicking a
//! block opens its detail; the mining toggle reaches the engine; the peer table lists
//! a peer the engine knows; joining asks for the network's difficulty and protocol
//! generation (starting off the window's thread), and a network
//! of another difficulty is named in the status bar with a one-click rejoin.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use blockpeer_core::chain::{ChainStore, Generation, Limits};
use blockpeer_gui::{Choice, Launch, LaunchOptions, Running, Starter, View};
use common::{Window, free_tcp_port, free_udp_port, peer_config, running_window, start_engine, wait_for, window};
use egui_kittest::kittest::Queryable;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A starter that starts real engines for *Start a new network* and counts its calls.
fn counting_starter(dir: &Path, calls: Arc<AtomicUsize>) -> Starter {
    let dir = dir.to_path_buf();
    Box::new(move |choice: &Choice| {
        calls.fetch_add(1, Ordering::SeqCst);
        let Choice::Start(start) = choice else { return Err("only new networks here".into()) };
        let mut config = peer_config(&start.name, start.udp_port, None);
        config.difficulty = start.difficulty;
        config.mining = start.mine;
        Ok(Running::new(start_engine(&config, &dir), &config))
    })
}

#[test]
fn the_dialog_starts_a_network_and_the_status_bar_shows_its_port() {
    let dir = tempfile::tempdir().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let starter = counting_starter(dir.path(), calls.clone());
    let mut window = window(Launch::Dialog { starter, options: LaunchOptions::default() });
    let port = free_udp_port();
    window.get_by_label("UDP port").set_text_value_accesskit(&port.to_string());
    window.get_by_label("Web port").set_text_value_accesskit(&free_tcp_port().to_string());
    window.get_by_label("Mine blocks").click();
    window.run();
    window.get_by_label("Start network").click();
    // The peer starts on a thread of its own; the window keeps drawing meanwhile.
    wait_for(&mut window, "the peer to start", |w| w.state().engine().is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    window.run();
    window.get_by_label(&format!("127.0.0.1:{port}"));
    assert!(!window.state().engine().unwrap().snapshot().mining, "the dialog's mining box was unticked");
}

#[test]
fn an_invalid_port_shows_the_reason_and_starts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let starter = counting_starter(dir.path(), calls.clone());
    let mut window = window(Launch::Dialog { starter, options: LaunchOptions::default() });
    window.get_by_label("UDP port").set_text_value_accesskit("70000");
    window.run();
    window.get_by_label("\"70000\" is not a port (1–65535)");
    window.get_by_label("Start network").click();
    window.run();
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no peer may start");
    assert!(window.state().engine().is_none());

    let taken = UdpSocket::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    window.get_by_label("UDP port").set_text_value_accesskit(&port.to_string());
    window.run();
    window.get_by_label(&format!("UDP port {port} is in use"));
}

#[test]
fn clicking_a_block_shows_its_detail() {
    let dir = tempfile::tempdir().unwrap();
    let chain = blockpeer_core::testing::chain_of(12, 1, "tester");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    let config = peer_config("viewer", free_udp_port(), None);
    let mut window = running_window(&config, dir.path(), View::Chain);
    window.run();
    let third = chain.get(3).unwrap();
    assert!(window.query_by_label(&third.hash).is_none(), "the newest block is shown first");
    window.get_by_label("Block 3").click();
    window.run();
    window.get_by_label(&third.hash);
    window.get_by_label(&chain.get(2).unwrap().hash); // its previous block
    window.get_by_label_contains("✔ valid");
}

#[test]
fn the_mining_toggle_reaches_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let config = peer_config("miner", free_udp_port(), None);
    let mut window = running_window(&config, dir.path(), View::Mining);
    window.run();
    assert!(!window.state().engine().unwrap().snapshot().mining);
    window.get_by_label("Start mining").click();
    wait_for(&mut window, "the engine to mine", |w| w.state().engine().unwrap().snapshot().mining);
    wait_for(&mut window, "the button to say stop", |w| w.query_by_label("Stop mining").is_some());
}

#[test]
fn the_peer_table_lists_a_peer_the_engine_reports() {
    let (dir, other_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = peer_config("watcher", free_udp_port(), None);
    let mut window = running_window(&config, dir.path(), View::Peers);
    let other_config = peer_config("neighbour", free_udp_port(), Some(SocketAddr::from(([127, 0, 0, 1], config.port))));
    let other = start_engine(&other_config, other_dir.path());
    let address = format!("127.0.0.1:{}", other_config.port);
    wait_for(&mut window, "the engine to know the peer", |w| {
        w.state().engine().unwrap().snapshot().peers.iter().any(|p| p.address == address)
    });
    wait_for(&mut window, "the table to list it", |w| w.query_by_label(&address).is_some());
    window.get_by_label("neighbour");
    window.run(); // the graph settles
    window.get_by_label("Peer graph");
    drop(other);
}

#[test]
fn joining_asks_for_the_network_s_difficulty() {
    let chosen = Arc::new(Mutex::new(None));
    let seen = chosen.clone();
    let starter: Starter = Box::new(move |choice: &Choice| {
        *seen.lock().unwrap() = Some(choice.clone());
        Err("not started in this test".into())
    });
    let mut window = window(Launch::Dialog { starter, options: LaunchOptions::default() });
    window.get_by_label("Join a network").click();
    window.run();
    assert_eq!(window.get_by_label("Difficulty").value().as_deref(), Some("8"), "the course network's, by default");
    window.get_by_label("Difficulty").set_text_value_accesskit("5");
    window.get_by_label("Your UDP port").set_text_value_accesskit(&free_udp_port().to_string());
    wait_for(&mut window, "the host to resolve", |w| w.query_by_label("looking it up…").is_none());
    assert_eq!(join_protocol(&mut window, &chosen), None, "auto: ask the well-known peer, by default");
    window.get_by_label("GOSSIP (2023+)").click();
    window.run();
    assert_eq!(join_protocol(&mut window, &chosen), Some(Generation::Gossip));
    let Some(Choice::Join(join)) = chosen.lock().unwrap().clone() else { panic!("no join chosen") };
    assert_eq!(join.difficulty, 5);
}

/// Clicks *Join network*, waits for the start to fail (as this test's starter does) and
/// returns the protocol the dialog chose.
fn join_protocol(window: &mut Window, chosen: &Mutex<Option<Choice>>) -> Option<Generation> {
    *chosen.lock().unwrap() = None;
    window.get_by_label("Join network").click();
    wait_for(window, "the start to be tried", |w| {
        chosen.lock().unwrap().is_some() && w.query_by_label("not started in this test").is_some()
    });
    let Some(Choice::Join(join)) = chosen.lock().unwrap().clone() else { panic!("no join chosen") };
    join.protocol
}

#[test]
fn a_network_of_another_difficulty_is_named_and_rejoined_with_one_click() {
    let (network_dir, joiner_dir, rejoin_dir) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let chain = blockpeer_core::testing::chain_of(4, 1, "prof");
    let (mut store, _, _) = ChainStore::open(network_dir.path(), Limits::new(1)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    let network = start_engine(&peer_config("network", free_udp_port(), None), network_dir.path());
    let well_known = network.local_addr();
    let mut joiner =
        peer_config("joiner", free_udp_port(), Some(SocketAddr::from(([127, 0, 0, 1], well_known.port()))));
    joiner.difficulty = 4;
    let asked = Arc::new(Mutex::new(Vec::new()));
    let restarts = asked.clone();
    let rejoin_path = rejoin_dir.path().to_path_buf();
    let running =
        Running::new(start_engine(&joiner, joiner_dir.path()), &joiner).with_restart(Box::new(move |difficulty| {
            restarts.lock().unwrap().push(difficulty);
            let mut again = joiner.clone();
            again.difficulty = difficulty;
            Ok(Running::new(start_engine(&again, &rejoin_path), &again))
        }));
    let mut window = window(Launch::Running { running, options: LaunchOptions::default() });
    let fewest = chain.blocks().iter().map(|b| blockpeer_core::chain::hex_trailing_zeros(&b.hash)).min().unwrap();
    let rejoin = format!("Rejoin at difficulty {fewest}");
    wait_for(&mut window, "the mismatch to be named", |w| w.query_by_label(&rejoin).is_some());
    window.get_by_label_contains("difficulty mismatch: the network's blocks meet");
    window.get_by_label(&rejoin).click();
    wait_for(&mut window, "the peer to start again", |w| {
        w.state().engine().is_some() && !asked.lock().unwrap().is_empty()
    });
    assert_eq!(*asked.lock().unwrap(), vec![fewest]);
    wait_for(&mut window, "the rejoined peer to sync", |w| w.state().engine().unwrap().snapshot().height == 4);
    assert!(window.query_by_label(&rejoin).is_none(), "the notice is gone");
    drop(network);
}

#[test]
fn the_dialog_s_card_keeps_its_place_and_width_across_its_tabs() {
    let starter: Starter = Box::new(|_: &Choice| Err("not started in this test".into()));
    let mut window = window(Launch::Dialog { starter, options: LaunchOptions::default() });
    window.run();
    let edges = |window: &Window, submit: &str| {
        (window.get_by_label("Start a new network").rect().left(), window.get_by_label(submit).rect().right())
    };
    let start = edges(&window, "Start network");
    window.get_by_label("Join a network").click();
    window.run();
    let join = edges(&window, "Join network");
    assert_eq!(start, join, "the card's left edge (its first tab) and right edge (its button) stay put");
    window.get_by_label("Start a new network").click();
    window.run();
    assert_eq!(edges(&window, "Start network"), start);
}
