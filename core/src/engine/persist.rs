//! The `store` thread: writes chain changes to disk off the engine thread, so that
//! an fsync never delays an answer to a peer. Bursts of changes are coalesced. A save
//! that fails is shown (the snapshot's `store_error`) and tried again until one works.

use super::Published;
use crate::chain::{ChainStore, SharedBlocks};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// A chain to persist, and the lowest height that changed since the last one.
pub(super) type SaveRequest = (SharedBlocks, u64);

/// How long after a failed save it is tried again when no newer change came.
const RETRY_EVERY: Duration = Duration::from_secs(5);

/// Saves every request until the engine hangs up; the last one is always written.
pub(super) fn store_loop(mut store: ChainStore, requests: &Receiver<SaveRequest>, published: &Published) {
    let mut failed: Option<SaveRequest> = None;
    loop {
        let next = match failed.take() {
            None => requests.recv().ok(),
            Some(retry) => match requests.recv_timeout(RETRY_EVERY) {
                Ok(request) => Some(request),
                Err(RecvTimeoutError::Timeout) => Some(retry),
                Err(RecvTimeoutError::Disconnected) => None,
            },
        };
        let Some((mut blocks, mut from)) = next else { break };
        while let Ok((newer, newer_from)) = requests.try_recv() {
            blocks = newer;
            from = from.min(newer_from);
        }
        match store.save(&blocks, from) {
            Ok(()) => {
                published.set_store_error(None);
            }
            Err(error) => {
                // Logged when it starts or changes, not at every retry.
                if published.set_store_error(Some(format!("the chain is not saved: {error}"))) {
                    tracing::error!(%error, "could not save the chain");
                }
                failed = Some((blocks, from));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Published, store_loop};
    use crate::chain::{ChainStore, Limits};
    use crate::node::{Config, Node};
    use crate::testing::{chain_of, extend_chain};
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    /// Waits (≤ 30 s) until `done` holds.
    fn wait_until(what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(Instant::now() < deadline, "{what}: still not so after 30 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_failed_save_is_shown_in_the_snapshot_until_a_retry_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let chain = chain_of(4, 1, "a");
        let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
        store.save(chain.blocks(), 0).unwrap();
        let now = Instant::now();
        let node = Node::new(Config::new("me", "127.0.0.1", 9000), chain.clone(), now);
        let published = Arc::new(Published::new(node.snapshot(now)));
        let (requests, received) = crossbeam_channel::bounded(4);
        let thread = {
            let published = published.clone();
            std::thread::spawn(move || store_loop(store, &received, &published))
        };

        // A reorganisation whose temporary file cannot be made (a directory is there).
        let tmp = dir.path().join("chain.jsonl.tmp");
        std::fs::create_dir(&tmp).unwrap();
        let mut other = chain.clone();
        other.replace_from(1, vec![]).unwrap();
        extend_chain(&mut other, 5, "b", "fork");
        requests.send((other.blocks().clone(), 1)).unwrap();
        wait_until("the error is shown", || published.latest().store_error.is_some());
        let shown = published.latest().store_error.clone().unwrap();
        assert!(
            shown.starts_with("the chain is not saved: cannot remove") && shown.contains("chain.jsonl.tmp"),
            "{shown}"
        );
        assert!(published.version.load(Ordering::Acquire) > 0, "readers are told");

        // The obstacle goes; the retry saves the chain and the error goes too.
        std::fs::remove_dir(&tmp).unwrap();
        wait_until("the retry succeeds", || published.latest().store_error.is_none());
        drop(requests);
        thread.join().unwrap();
        let (_, loaded, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
        assert_eq!(loaded.blocks(), other.blocks());
    }
}
