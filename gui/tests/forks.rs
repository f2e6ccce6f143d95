//! Proves the Forks view over a real engine, driven as a person would through
//! egui_kittest: with no chain yet it says what will appear; a rival of our newest
//! block announced by a peer appears as a side
//! block beside our chain; clicking it shows who announced it, why it is off our chain
//! and every field; hovering the consensus round on the time axis lists the chains it
//! was offered.

#![allow(clippy::unwrap_used)] // Tests fail loudly.

mod common;

use blockpeer_core::chain::{ChainStore, Limits};
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Command;
use blockpeer_core::protocol::{Flood, Message, StatsReply, decode};
use blockpeer_core::testing::{chain_of, rival_block};
use blockpeer_gui::View;
use common::{free_udp_port, peer_config, running_window, wait_for};
use egui_kittest::kittest::Queryable;
use std::net::UdpSocket;
use std::time::{Duration, Instant};

/// Waits (in real time, up to 60 s) until `done` holds of the engine's snapshot,
/// answering every STATS that reaches `socket` with `reply`.
fn settle(
    engine: &EngineHandle,
    socket: &UdpSocket,
    reply: &Message,
    what: &str,
    done: impl Fn(&EngineHandle) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut buffer = [0u8; 2048];
    while !done(engine) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        if let Ok((len, from)) = socket.recv_from(&mut buffer)
            && decode(&buffer[..len]).is_ok_and(|m| m == Message::Stats)
        {
            socket.send_to(&reply.encode(), from).unwrap();
        }
    }
}

#[test]
fn a_side_block_is_drawn_selected_and_its_round_explained() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(6, 1, "tester");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    let config = peer_config("viewer", free_udp_port(), None);
    let mut window = running_window(&config, dir.path(), View::Forks);
    let engine = window.state().engine().unwrap();
    let engine_addr = engine.local_addr();

    // A peer that speaks for itself announces a rival of our block 5, then reports its
    // branch in a round.
    let rival_peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    rival_peer.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let port = rival_peer.local_addr().unwrap().port();
    let flood = Flood {
        generation: blockpeer_core::chain::Generation::Flood,
        host: "127.0.0.1".into(),
        port,
        id: "rival-1".into(),
        name: "rival".into(),
    };
    rival_peer.send_to(&Message::Flood(flood).encode(), engine_addr).unwrap();
    let rival = rival_block(&chain, 5, "rival");
    let stats = Message::StatsReply(StatsReply { height: 6, hash: Some(rival.hash.clone()) });
    settle(engine, &rival_peer, &stats, "the peer to be known", |e| !e.snapshot().peers.is_empty());
    rival_peer.send_to(&Message::Announce(rival.clone()).encode(), engine_addr).unwrap();
    settle(engine, &rival_peer, &stats, "the side block", |e| e.snapshot().record.side_blocks().len() == 1);
    engine.command(Command::ConsensusNow);
    settle(engine, &rival_peer, &stats, "the round", |e| !e.snapshot().record.rounds().is_empty());

    wait_for(&mut window, "the side block to be drawn", |w| w.query_by_label("Side block 5 by rival").is_some());
    window.get_by_label("Main block 5");
    window.get_by_label("Reorganisations"); // nothing selected: the list, empty for now
    window.get_by_label_contains("None yet");

    window.get_by_label("Side block 5 by rival").click();
    window.run();
    window.get_by_label_contains(&format!("lost at its height: announced by 127.0.0.1:{port}"));
    window.get_by_label(&rival.hash);
    window.get_by_label(&chain.get(4).unwrap().hash); // the block it was mined on: ours
    window.get_by_label_contains("✔ valid");

    window.ctx.all_styles_mut(|style| style.interaction.tooltip_delay = 0.0);
    window.get_by_label_contains("Consensus round at").hover();
    window.run();
    window.get_by_label_contains("chains offered: 1");
    window.get_by_label_contains("height 6 · ");
}

#[test]
fn with_no_chain_yet_the_view_says_what_will_appear() {
    let dir = tempfile::tempdir().unwrap();
    let config = peer_config("newcomer", free_udp_port(), None);
    let mut window = running_window(&config, dir.path(), View::Forks);
    window.run();
    window.get_by_label_contains("No forks seen yet");
    window.get_by_label("Chain height over time");
    window.get_by_label_contains("None yet: our chain has only grown");
}
