//! Proves that a failed write costs no block already saved: a disk that fills up in
//! the middle of an append leaves the file exactly as it was, the blocks are not
//! counted as saved, and the next save — once there is room — writes them after the
//! last whole line, even when cutting the torn line failed the first time.

use super::tail::{LogFile, Tail};
use super::{CHAIN_FILE, ChainStore};
use crate::chain::{Chain, Limits};
use crate::testing::{chain_of, extend_chain};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The chain file as a disk with `room` bytes left sees it: an append keeps what
/// fits and fails; the next `failing_cuts` truncations fail too.
#[derive(Debug)]
struct FillingDisk {
    file: File,
    room: Arc<AtomicUsize>,
    failing_cuts: Arc<AtomicUsize>,
}

impl LogFile for FillingDisk {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        let fits = bytes.len().min(self.room.load(Ordering::SeqCst));
        self.file.write_all(&bytes[..fits])?;
        self.room.fetch_sub(fits, Ordering::SeqCst);
        if fits < bytes.len() {
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device"))
        } else {
            Ok(())
        }
    }

    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    fn truncate(&mut self, len: u64) -> io::Result<()> {
        if self.failing_cuts.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(io::Error::other("the disk failed again"));
        }
        self.file.set_len(len)
    }
}

/// A store in `dir` holding `saved`, whose file now sits on a disk with `room` bytes
/// left; the handles set the room and the cuts that fail.
fn store_on_filling_disk(dir: &Path, saved: &Chain, room: usize) -> (ChainStore, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let (mut store, _, _) = ChainStore::open(dir, Limits::new(1)).unwrap();
    store.save(saved.blocks(), 0).unwrap();
    let path = dir.join(CHAIN_FILE);
    let file = OpenOptions::new().append(true).open(&path).unwrap();
    let len = file.metadata().unwrap().len();
    let (room, failing_cuts) = (Arc::new(AtomicUsize::new(room)), Arc::new(AtomicUsize::new(0)));
    store.tail = Tail::new(FillingDisk { file, room: room.clone(), failing_cuts: failing_cuts.clone() }, len);
    (store, room, failing_cuts)
}

/// Whether the file in `dir` loads as exactly `chain`, with nothing cut.
fn holds(dir: &Path, chain: &Chain) -> bool {
    let (_, loaded, report) = ChainStore::open(dir, Limits::new(1)).unwrap();
    loaded.blocks() == chain.blocks() && report.dropped_lines == 0
}

#[test]
fn a_disk_that_fills_mid_append_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = chain_of(3, 1, "a");
    let (mut store, room, _) = store_on_filling_disk(dir.path(), &chain, 50);
    let before = fs::read(dir.path().join(CHAIN_FILE)).unwrap();
    extend_chain(&mut chain, 2, "a", "more");

    let error = store.save(chain.blocks(), 3).unwrap_err();
    assert!(error.to_string().contains("no space left on device"), "{error}");
    assert_eq!(store.persisted(), 3, "the blocks that did not fit are not counted as saved");
    assert_eq!(fs::read(dir.path().join(CHAIN_FILE)).unwrap(), before, "no torn line is left");

    // Room again: the next save writes them, whatever changed since.
    room.store(usize::MAX, Ordering::SeqCst);
    extend_chain(&mut chain, 1, "a", "later");
    store.save(chain.blocks(), 5).unwrap();
    assert_eq!(store.persisted(), 6);
    assert!(holds(dir.path(), &chain));
}

#[test]
fn a_torn_line_that_could_not_be_cut_is_cut_before_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = chain_of(2, 1, "a");
    let (mut store, room, failing_cuts) = store_on_filling_disk(dir.path(), &chain, 40);
    failing_cuts.store(1, Ordering::SeqCst);
    extend_chain(&mut chain, 1, "a", "more");
    assert!(store.save(chain.blocks(), 2).is_err());
    let torn = fs::read_to_string(dir.path().join(CHAIN_FILE)).unwrap();
    assert_eq!(torn.lines().count(), 3, "the failed cut left the torn line: {torn}");

    room.store(usize::MAX, Ordering::SeqCst);
    extend_chain(&mut chain, 1, "a", "later");
    store.save(chain.blocks(), 3).unwrap();
    assert!(holds(dir.path(), &chain), "every block, once, and no torn line");
}

#[test]
fn a_failed_reorganisation_is_rewritten_by_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(5, 1, "a");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    // The temporary file cannot be made: a directory is in its place.
    let tmp = dir.path().join("chain.jsonl.tmp");
    fs::create_dir(&tmp).unwrap();
    let mut other = chain.clone();
    other.replace_from(2, vec![]).unwrap();
    extend_chain(&mut other, 4, "b", "fork");
    let error = store.save(other.blocks(), 2).unwrap_err();
    assert!(error.to_string().contains("chain.jsonl.tmp"), "{error}");
    assert_eq!(store.persisted(), 5);

    // One more block on the new branch: appending it to the old one would be wrong.
    fs::remove_dir(&tmp).unwrap();
    extend_chain(&mut other, 1, "b", "next");
    store.save(other.blocks(), 6).unwrap();
    assert!(holds(dir.path(), &other));
}
