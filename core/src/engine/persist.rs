//! The `store` thread: writes chain changes to disk off the engine thread, so that
//! an fsync never delays an answer to a peer. Bursts of changes are coalesced.

use crate::chain::{ChainStore, SharedBlocks};
use crossbeam_channel::Receiver;

/// A chain to persist, and the lowest height that changed since the last one.
pub(super) type SaveRequest = (SharedBlocks, u64);

/// Saves every request until the engine hangs up; the last one is always written.
pub(super) fn store_loop(mut store: ChainStore, requests: &Receiver<SaveRequest>) {
    while let Ok((mut blocks, mut from)) = requests.recv() {
        while let Ok((newer, newer_from)) = requests.try_recv() {
            blocks = newer;
            from = from.min(newer_from);
        }
        if let Err(error) = store.save(&blocks, from) {
            tracing::error!(%error, "could not save the chain");
        }
    }
}
