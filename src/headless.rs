//! Running a peer without a window: start the engine, report what it does on the
//! terminal, stop cleanly (web page closed, chain flushed) on Ctrl-C or SIGTERM — or,
//! should the engine ever stop on its own, say why and end with a failure.

use crate::web::WebServer;
use anyhow::Context;
use blockpeer_core::chain::prefix_chars;
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Event;
use crossbeam_channel::{Receiver, bounded, select};
use std::sync::Arc;

/// Ctrl-C and SIGTERM as a channel. Installed before the peer starts and says so, so
/// that a signal sent the moment it has started still stops it cleanly (a stress run
/// caught a SIGTERM that came before the handler and killed the process).
pub fn stop_signal() -> anyhow::Result<Receiver<()>> {
    let (stop_tx, stop_rx) = bounded(1);
    ctrlc::set_handler(move || {
        let _ = stop_tx.try_send(());
    })
    .context("cannot install the Ctrl-C handler")?;
    Ok(stop_rx)
}

/// Runs until `stop` (Ctrl-C / SIGTERM, from [`stop_signal`]), then stops the web
/// server and shuts the engine down. Fails if the engine stopped on its own.
pub fn run(engine: Arc<EngineHandle>, web: Option<WebServer>, stop_rx: Receiver<()>) -> anyhow::Result<()> {
    if let Some(web) = &web {
        println!("web page: {}", web.url());
    }
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
    if let Some(reason) = engine.failure() {
        anyhow::bail!("the peer stopped unexpectedly ({reason}); its chain is safe on disk — please report this");
    }
    let last = engine.snapshot();
    let (height, store_error) = (last.height, last.store_error.clone());
    // The web thread held the only other reference, and it has ended.
    match Arc::try_unwrap(engine) {
        Ok(engine) => engine.shutdown(),
        Err(_) => tracing::warn!("the engine is still shared; it stops when the process ends"),
    }
    if let Some(error) = store_error {
        anyhow::bail!("stopped, but the chain could not be saved: {error}");
    }
    println!("stopped; the chain ({height} blocks) is saved");
    Ok(())
}

/// One line per event a person cares about (the rest goes to the log).
fn report(event: &Event) {
    match event {
        Event::PeerJoined { addr, name } => println!("peer joined: {addr} {name}"),
        Event::PeerLeft { addr } => println!("peer left: {addr}"),
        Event::BlockAdded { height, hash, mined_by, ours, .. } => {
            let hash = prefix_chars(hash, 16);
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
        Event::DifficultyMismatch { required, network } => println!(
            "difficulty mismatch: the network's blocks meet difficulty {network}, this peer requires {required}; \
             to join this network, restart with --difficulty {network}"
        ),
        _ => {}
    }
}
