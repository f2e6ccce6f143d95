//! Proves the web page in a real browser (headless Chromium, as scripts/test.sh
//! installs it): a peer whose chain holds a block with HTML and script in `minedBy`
//! and its messages, joined by a peer with HTML in its name, shows its blocks, the
//! block's detail and the peer table — every hostile string as literal text, none of
//! it parsed or run — and shows a newly announced block without a reload.
//! Screenshots go to target/web-page.png (and -phone.png).

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

mod common;
#[path = "../src/bench/devtools.rs"]
mod devtools;

use blockpeer_core::chain::{Chain, ChainStore, Limits};
use blockpeer_core::miner::Job;
use blockpeer_core::testing::{chain_of, extend_chain, mine_naive};
use common::{FAST, Peer, free_port, free_tcp_port};
use std::io::Read;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Its `onerror` would mark the page if it ever ran (the CSP forbids it anyway).
const HOSTILE_MINER: &str = r#"<img src=x onerror="document.body.dataset.pwned=1">"#;
/// Each ≤ 20 characters, as the protocol allows; `<b id=pwn1>` would become an element.
const HOSTILE_MESSAGES: [&str; 4] =
    ["<b id=pwn1>bold</b>", "<script>p=1</script>", "\"><svg onload=p()>", "&amp; &lt;"];
const HOSTILE_PEER: &str = "<i id=pwn2>peer</i>";
const HOSTILE_VIEWER: &str = "<u id=pwn3>me</u>";
const DIFFICULTY: u32 = 3;
const HOSTILE_HEIGHT: u64 = 4;
/// How long a condition may take on a loaded machine before the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// The browser, or a failure that says how to get one.
fn chromium() -> &'static str {
    devtools::chromium()
        .unwrap_or_else(|| panic!("Chromium is not installed: run ./scripts/test.sh, which installs Debian's chromium"))
}

/// Runs headless Chromium on `url` with `args`; returns what it printed (≤ 60 s).
fn browse(url: &str, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        .arg("--disable-background-networking")
        .args(["--disable-component-update", "--disable-sync", "--no-first-run", "--virtual-time-budget=5000"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).unwrap();
        text
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish within 60 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.join().unwrap()
}

/// A chain of 8 blocks at `DIFFICULTY` whose block 4 is the hostile one.
fn write_hostile_chain(dir: &Path) -> Chain {
    let mut chain = chain_of(HOSTILE_HEIGHT as usize, DIFFICULTY, "alice");
    let job = Job {
        height: HOSTILE_HEIGHT,
        prev_hash: chain.tip().map(|b| b.hash.clone()),
        mined_by: HOSTILE_MINER.to_owned(),
        messages: HOSTILE_MESSAGES.iter().map(|m| (*m).to_owned()).collect(),
        timestamp: None,
        difficulty: DIFFICULTY,
    };
    chain.append(mine_naive(&job)).unwrap();
    extend_chain(&mut chain, 3, "bob", "after");
    let (mut store, _, _) = ChainStore::open(dir, Limits::new(DIFFICULTY)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    chain
}

/// The ANNOUNCE of the block after `chain`'s tip, mined by `miner`.
fn announce_next(chain: &Chain, miner: &str) -> Vec<u8> {
    let job = Job {
        height: chain.len(),
        prev_hash: chain.tip().map(|b| b.hash.clone()),
        mined_by: miner.to_owned(),
        messages: vec!["live".to_owned()],
        timestamp: None,
        difficulty: DIFFICULTY,
    };
    let mut message = serde_json::to_value(mine_naive(&job)).unwrap();
    message["type"] = "ANNOUNCE".into();
    message.to_string().into_bytes()
}

/// `text` as an HTML serializer writes it inside an element.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf()
}

#[test]
fn the_page_shows_chain_and_peers_keeps_hostile_text_as_text_and_updates_live() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let chain = write_hostile_chain(dirs[0].path());
    let web = free_tcp_port();
    let web_text = web.to_string();
    let viewer = Peer::start(
        free_port(),
        dirs[0].path(),
        &[FAST, &["--web-port", &web_text, "--name", HOSTILE_VIEWER, "--difficulty", &DIFFICULTY.to_string()]].concat(),
    );
    let url = format!("http://127.0.0.1:{web}/");
    viewer.wait_for_line(|l| l == format!("web page: {url}"), PATIENCE);
    let viewer_port = viewer.port.to_string();
    let joiner = Peer::start(
        free_port(),
        dirs[1].path(),
        &[FAST, &["-k", "127.0.0.1", &viewer_port, "--name", HOSTILE_PEER, "--difficulty", &DIFFICULTY.to_string()]]
            .concat(),
    );
    let joiner_addr = joiner.addr().to_string();
    viewer.wait_for_line(|l| l.starts_with(&format!("peer joined: {joiner_addr}")), PATIENCE);

    let page = format!("{url}#block-{HOSTILE_HEIGHT}");
    let dom = browse(&page, &["--window-size=1280,900", "--dump-dom"]);

    // The blocks, newest first, the detail of the hostile block, the peer table.
    assert!(dom.contains(r#"data-blocks-shown="8""#), "the chain is listed: {dom}");
    let rows: Vec<usize> = (0..8).map(|h| dom.find(&format!(r#"data-height="{h}""#)).unwrap()).collect();
    assert!(rows.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(dom.contains(r#"data-peers-shown="1""#) && dom.contains(&joiner_addr), "the peer table: {dom}");
    assert!(dom.contains(r#"<h2 id="detail-title">Block 4</h2>"#), "the block's detail: {dom}");

    // Every hostile string is there as text…
    for text in [HOSTILE_MINER, HOSTILE_PEER, HOSTILE_VIEWER].iter().chain(&HOSTILE_MESSAGES) {
        assert!(dom.contains(&escaped(text)), "{text:?} is not shown literally: {dom}");
    }
    let miner_cell = format!(r#"<dd id="d-miner" class="literal">{}</dd>"#, escaped(HOSTILE_MINER));
    assert!(dom.contains(&miner_cell), "the detail shows minedBy as text: {dom}");
    assert!(dom.contains(&format!("<title>Blockpeer · {}</title>", escaped(HOSTILE_VIEWER))));
    // …and none of it became markup or ran.
    for planted in
        ["data-pwned", r#"id="pwn1""#, r#"id="pwn2""#, r#"id="pwn3""#, "<svg onload", r#"<img src="x""#, "<script>p=1"]
    {
        assert!(!dom.contains(planted), "hostile markup {planted:?} reached the page: {dom}");
    }

    // Live: a block announced to the viewer appears at the top without a reload.
    let profile = tempfile::tempdir().unwrap();
    let mut browser = devtools::Browser::launch(chromium(), profile.path()).unwrap();
    let shown = "document.getElementById('live').dataset.state === 'live' && document.body.dataset.blocksShown";
    assert_eq!(browser.load_and_wait(&url, shown).unwrap(), "8");
    UdpSocket::bind("127.0.0.1:0").unwrap().send_to(&announce_next(&chain, "carol"), viewer.addr()).unwrap();
    let top = "document.body.dataset.blocksShown === '9' && \
        [document.querySelector('#blocks tr').dataset.height, document.getElementById('height').textContent, \
         document.getElementById('activity').textContent]";
    let live = browser.wait_for(top).unwrap();
    assert_eq!((&live[0], &live[1]), (&"8".into(), &"9".into()), "{live}");
    assert!(live[2].as_str().unwrap().ends_with("block 8 from carol"), "{live}");
    drop(browser);

    for (name, size) in [("web-page.png", "1280,900"), ("web-page-phone.png", "390,844")] {
        let file = target_dir().join(name);
        let _ = std::fs::remove_file(&file);
        browse(&page, &[&format!("--window-size={size}"), &format!("--screenshot={}", file.display())]);
        let png = std::fs::read(&file).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} is a real screenshot", file.display());
    }
}
