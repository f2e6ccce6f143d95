//! Proves the web page's Forks card in a real browser (headless Chromium): a peer that
//! was announced a rival of its newest block — by a peer whose miner name is HTML —
//! draws the side block beside its chain and the history chart with the rival peer's
//! line, shows the block's fields as text when it is clicked, and draws a new side
//! block live, without a reload. A screenshot goes to target/web-forks.png.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

mod common;
#[path = "../src/bench/devtools.rs"]
mod devtools;

use blockpeer_core::chain::{ChainStore, Generation, Limits};
use blockpeer_core::protocol::{Flood, Message, StatsReply, decode};
use blockpeer_core::testing::{chain_of, rival_block};
use common::{FAST, Peer, free_port, free_tcp_port};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const DIFFICULTY: u32 = 3;
/// A miner name that is HTML (≤ 20 characters with the height appended, as its word).
const HOSTILE_MINER: &str = "<b id=pwn>r</b>";

/// A peer at `socket` that joins `viewer` and answers its STATS with `tip` until `stop`.
fn rival_peer(
    socket: UdpSocket,
    viewer: SocketAddr,
    tip: String,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    let port = socket.local_addr().unwrap().port();
    let flood =
        Flood { generation: Generation::Flood, host: "127.0.0.1".into(), port, id: "r1".into(), name: "rival".into() };
    socket.send_to(&Message::Flood(flood).encode(), viewer).unwrap();
    socket.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    std::thread::spawn(move || {
        let reply = Message::StatsReply(StatsReply { height: 6, hash: Some(tip) }).encode();
        let mut buffer = [0u8; 2048];
        while !stop.load(Ordering::Relaxed) {
            if let Ok((len, from)) = socket.recv_from(&mut buffer)
                && decode(&buffer[..len]).is_ok_and(|m| m == Message::Stats)
            {
                let _ = socket.send_to(&reply, from);
            }
        }
    })
}

#[test]
fn the_forks_card_draws_side_blocks_and_the_history_and_updates_live() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(6, DIFFICULTY, "alice");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(DIFFICULTY)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    let web = free_tcp_port();
    let viewer = Peer::start(
        free_port(),
        dir.path(),
        &[FAST, &["--web-port", &web.to_string(), "--difficulty", &DIFFICULTY.to_string()]].concat(),
    );
    let url = format!("http://127.0.0.1:{web}/");
    viewer.wait_for_line(|l| l == format!("web page: {url}"), Duration::from_secs(30));

    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let sender = socket.try_clone().unwrap();
    let rival = rival_block(&chain, 5, HOSTILE_MINER);
    let stop = Arc::new(AtomicBool::new(false));
    let answering = rival_peer(socket, viewer.addr(), rival.hash.clone(), stop.clone());
    viewer.wait_for_line(|l| l.starts_with("peer joined:"), Duration::from_secs(30));
    sender.send_to(&Message::Announce(rival.clone()).encode(), viewer.addr()).unwrap();

    let profile = tempfile::tempdir().unwrap();
    let chromium = devtools::chromium().expect("Chromium is installed by ./scripts/test.sh");
    let mut browser = devtools::Browser::launch(chromium, profile.path()).unwrap();
    let drawn = "document.body.dataset.forksDrawn === '1' && Number(document.body.dataset.historyLines) >= 2 && \
        [document.querySelector('.box.side title').textContent, document.getElementById('forks-summary').textContent]";
    let shown = browser.load_and_wait(&url, drawn).unwrap();
    assert!(shown[0].as_str().unwrap().contains(&format!("mined by {HOSTILE_MINER}\n")), "{shown}");
    assert!(shown[1].as_str().unwrap().starts_with("1 block off our chain"), "{shown}");
    let lines = "Array.from(document.querySelectorAll('#history polyline title'), (t) => t.textContent)";
    let names = browser.wait_for(lines).unwrap();
    assert!(names.as_array().unwrap().iter().any(|n| n == "rival"), "the rival peer has a line: {names}");

    let click = "document.querySelector('.box.side').dispatchEvent(new MouseEvent('click', { bubbles: true })); \
        !document.getElementById('fork-detail').hidden && \
        [document.getElementById('f-miner').textContent, document.getElementById('f-hash').textContent, \
         document.getElementById('fork-fate').textContent, document.getElementById('pwn') === null]";
    let detail = browser.wait_for(click).unwrap();
    assert_eq!(detail[0], HOSTILE_MINER, "the miner's name stays text");
    assert_eq!(detail[1], rival.hash.as_str());
    assert!(detail[2].as_str().unwrap().starts_with("lost at its height: announced by 127.0.0.1:"), "{detail}");
    assert_eq!(detail[3], true, "no markup from the network reached the page");

    // Live: a second rival appears without a reload.
    let second = rival_block(&chain, 4, "second");
    sender.send_to(&Message::Announce(second).encode(), viewer.addr()).unwrap();
    browser.wait_for("document.body.dataset.forksDrawn === '2'").unwrap();
    drop(browser);

    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("web-forks.png");
    let _ = std::fs::remove_file(&shot);
    let status = std::process::Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--hide-scrollbars"])
        .args(["--window-size=1280,1500", "--virtual-time-budget=5000"])
        .arg(format!("--user-data-dir={}", tempfile::tempdir().unwrap().path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .status()
        .unwrap();
    assert!(status.success() && std::fs::metadata(&shot).unwrap().len() > 10_000, "a screenshot of the page");
    stop.store(true, Ordering::Relaxed);
    answering.join().unwrap();
}
