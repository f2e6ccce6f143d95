//! Running a peer without a window: start the engine, report what it does on the
//! terminal, stop cleanly (chain flushed) on Ctrl-C or SIGTERM.

use anyhow::Context;
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Event;
use crossbeam_channel::{bounded, select};

/// Runs until Ctrl-C / SIGTERM, then shuts the engine down.
pub fn run(engine: EngineHandle) -> anyhow::Result<()> {
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
    let height = engine.snapshot().height;
    engine.shutdown();
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
