//! The web page's speed, with a long chain behind it: `/api/status` answered per second
//! on loopback (client threads on keep-alive connections, one request at a time each),
//! `/chain` fetched twice (encoded, then kept), and the time headless Chromium takes to
//! show the newest 100 blocks, in real time.

use super::devtools::{Browser, chromium, read_response};
use super::{Row, start_peer, write_chain};
use anyhow::{Context, bail};
use blockpeer_core::chain::Generation;
use std::io::{BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Page loads timed; the median is reported.
const LOADS: usize = 5;

pub fn run(blocks: usize, seconds: f64, clients: usize) -> anyhow::Result<Vec<Row>> {
    let tmp = tempfile::tempdir()?;
    write_chain(tmp.path(), blocks, Generation::Flood)?;
    let peer = Arc::new(start_peer(tmp.path(), None, Generation::Flood)?);
    let web = crate::web::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), peer.clone())?;
    let mut rows = vec![Row {
        key: "web_status_per_s",
        label: "/api/status answered",
        unit: "requests/s",
        value: status_rate(web.local_addr(), Duration::from_secs_f64(seconds), clients)?,
        goal: "≥ 10 000",
    }];
    // The first request encodes the chain; the server keeps the JSON for the next.
    for (key, label) in [
        ("web_chain_ms", "GET /chain, the whole chain as JSON, first request"),
        ("web_chain_again_ms", "GET /chain again (the JSON is kept)"),
    ] {
        rows.push(Row { key, label, unit: "ms", value: whole_chain_ms(web.local_addr())?, goal: "" });
    }
    match chromium() {
        Some(program) => rows.push(Row {
            key: "web_first_page_ms",
            label: "newest 100 blocks on the page",
            unit: "ms",
            value: first_page_ms(program, &web.url())?,
            goal: "≤ 300",
        }),
        None => eprintln!("chromium is not installed: the page timing needs it (./scripts/test.sh installs it)"),
    }
    web.stop();
    Ok(rows)
}

/// Requests per second that `clients` keep-alive connections get answered.
fn status_rate(addr: SocketAddr, duration: Duration, clients: usize) -> anyhow::Result<f64> {
    let threads: Vec<_> = (0..clients.max(1))
        .map(|_| {
            std::thread::spawn(move || -> anyhow::Result<u64> {
                let stream = TcpStream::connect(addr)?;
                stream.set_nodelay(true)?;
                let mut writer = stream.try_clone()?;
                let mut reader = BufReader::new(stream);
                let (mut answered, end) = (0u64, Instant::now() + duration);
                while Instant::now() < end {
                    writer.write_all(b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
                    let (status, _) = read_response(&mut reader)?;
                    if status != 200 {
                        bail!("/api/status answered {status}");
                    }
                    answered += 1;
                }
                Ok(answered)
            })
        })
        .collect();
    let mut answered = 0;
    for thread in threads {
        answered += thread.join().map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
    }
    Ok(answered as f64 / duration.as_secs_f64())
}

/// Milliseconds to fetch `/chain` (the old page's endpoint) once.
fn whole_chain_ms(addr: SocketAddr) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(b"GET /chain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
    let (status, body) = read_response(&mut BufReader::new(stream))?;
    if status != 200 || !body.starts_with(b"[{") {
        bail!("/chain answered {status}");
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// Median milliseconds from navigation to the first page of blocks on screen, as the
/// page itself records it (`data-first-page-ms`), over fresh loads in one browser.
fn first_page_ms(program: &str, url: &str) -> anyhow::Result<f64> {
    let profile = tempfile::tempdir()?;
    let mut browser = Browser::launch(program, profile.path())?;
    let mut times = Vec::new();
    for run in 0..LOADS {
        let query = format!("?run={run}");
        let check = format!(
            "location.search === '{query}' && document.body.dataset.firstPageMs \
             ? [document.body.dataset.firstPageMs, document.body.dataset.blocksShown] : null"
        );
        let value = browser.load_and_wait(&format!("{url}{query}"), &check)?;
        let shown = value[1].as_str().unwrap_or_default();
        if shown != "100" {
            bail!("the page showed {shown} blocks, not 100");
        }
        times.push(value[0].as_str().and_then(|t| t.parse::<f64>().ok()).context("data-first-page-ms")?);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}
