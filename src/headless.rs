//! Running a peer without a window: start the engine, report what it does on the
//! terminal, stop cleanly (web page closed, chain flushed) on Ctrl-C or SIGTERM.

use crate::web::WebServer;
use anyhow::Context;
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Event;
use crossbeam_channel::{bounded, select};
use std::sync::Arc;

/// Runs until Ctrl-C / SIGTERM, then stops the web server and shuts the engine down.
pub fn run(engine: Arc<EngineHandle>, web: Option<WebServer>) -> anyhow::Result<()> {
    if let Some(web) = &web {
        println!("web page: {}", web.url());
    }
    let (stop_tx, stop_rx) = bounded(1);
    ctrlc::set_handler(move || {
        let _ = stop_tx.try_send(());
    })
    .context("cannot install the Ctrl-C handler")?;
    let events = engine.subscribe();
    loop {
        select! {
            recv(stop_rx) -> _ => break,
            recv(events) -> event => match event {
                Ok(event) => report(&event),
                Err(_) => break,
            },
        }
    }
    if let Some(web) = web {
        web.stop();
    }
    let height = engine.snapshot().height;
    // The web thread held the only other reference, and it has ended.
    match Arc::try_unwrap(engine) {
        Ok(engine) => engine.shutdown(),
        Err(_) => tracing::warn!("the engine is still shared; it stops when the process ends"),
    }
    println!("stopped; the chain ({height} blocks) is saved");
    Ok(())
}

/// One line per event a person cares about (the rest goes to the log).
fn report(event: &Event) {
    match event {
        Event::PeerJoined { addr, name } => println!("peer joined: {addr} {name}"),
        Event::PeerLeft { addr } => println!("peer left: {addr}"),
        Event::BlockAdded { height, hash, mined_by, ours } => {
            let hash = &hash[..16.min(hash.len())];
            if *ours {
                println!("mined block {height} {hash} ({mined_by})");
            } else {
                println!("block {height} {hash} from {mined_by}");
            }
        }
        Event::ChainSynced { fork, removed, added } if *removed > 0 => {
            println!("switched to the majority chain: replaced {removed} blocks from height {fork}, added {added}");
        }
        Event::ChainSynced { added, .. } => println!("synced {added} blocks"),
        Event::SyncFailed { reason } => println!("sync failed: {reason}"),
        _ => {}
    }
}
