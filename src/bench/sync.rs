//! Sync throughput: three peers hold a chain; a fresh peer joins and fetches it all.

use super::{Row, start_peer, write_chain};
use blockpeer_core::chain::Generation;
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Event;
use std::time::{Duration, Instant};

pub fn run(blocks: usize, generation: Generation) -> anyhow::Result<Vec<Row>> {
    let tmp = tempfile::tempdir()?;
    let mut holders: Vec<EngineHandle> = Vec::new();
    for i in 0..3 {
        let dir = tmp.path().join(format!("holder{i}"));
        write_chain(&dir, blocks, generation)?;
        holders.push(start_peer(&dir, holders.first().map(EngineHandle::local_addr), generation)?);
    }
    std::thread::sleep(Duration::from_millis(500));
    let joined = Instant::now();
    let fresh = start_peer(&tmp.path().join("fresh"), Some(holders[0].local_addr()), generation)?;
    let events = fresh.subscribe();
    let deadline = joined + Duration::from_secs(120);
    let mut started: Option<(Instant, usize)> = None;
    let finished = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Event::SyncStarted { sources, .. }) => started = Some((Instant::now(), sources)),
            Ok(Event::ChainSynced { added, .. }) if added as usize == blocks => {
                break Instant::now();
            }
            Ok(Event::SyncFailed { reason }) => anyhow::bail!("the sync failed: {reason}"),
            Ok(_) => {}
            Err(_) => anyhow::bail!("the fresh peer did not sync within 120 s"),
        }
    };
    let (started, sources) = started.ok_or_else(|| anyhow::anyhow!("no sync started"))?;
    Ok(vec![
        Row { key: "sources", label: "peers fetched from", unit: "peers", value: sources as f64, goal: "3" },
        Row {
            key: "join_to_synced_s",
            label: "join to synced",
            unit: "s",
            value: (finished - joined).as_secs_f64(),
            goal: "",
        },
        Row {
            key: "sync_blocks_per_s",
            label: "sync speed",
            unit: "blocks/s",
            value: blocks as f64 / (finished - started).as_secs_f64(),
            goal: "≥ 5 000",
        },
    ])
}
