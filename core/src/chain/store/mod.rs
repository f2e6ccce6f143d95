//! The chain on disk: an append-only JSON-lines file (one block per line, wire field
//! names), fsync on append, atomic rewrite on reorganisation, and a load that keeps
//! the longest valid prefix and backs up whatever it had to cut. A save that fails
//! leaves the file as it was and is made good by the next one.

mod marker;
mod tail;
#[cfg(test)]
mod tests;

pub use marker::{GENERATION_FILE, held as held_generation};

use super::block::Block;
use super::generation::Generation;
use super::ledger::Chain;
use super::validate::Limits;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tail::Tail;
use thiserror::Error;

/// The chain file's name inside a peer's data directory.
pub const CHAIN_FILE: &str = "chain.jsonl";

/// Why the chain file cannot be used.
#[derive(Debug, Error)]
pub enum StoreError {
    /// An I/O failure, with the path it concerns.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we tried.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The data directory holds a chain of the other protocol generation.
    #[error(
        "{} holds a chain of the {} generation, and this peer speaks {}: \
         choose another data directory (--data-dir) for this network",
        .dir.display(), .found.label(), .wanted.label()
    )]
    WrongGeneration {
        /// The data directory.
        dir: PathBuf,
        /// What it holds.
        found: Generation,
        /// What the peer speaks.
        wanted: Generation,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { action, path, source }
}

/// What loading the chain file found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Valid blocks loaded.
    pub loaded: u64,
    /// Lines cut from the end (torn, unparsable or invalid), 0 when the file was clean.
    pub dropped_lines: usize,
    /// Why the first dropped line was rejected.
    pub first_error: Option<String>,
    /// Where the original file was copied before cutting it: a new
    /// `chain.jsonl.corrupt-<unix seconds>` each time, never one that exists.
    pub backup: Option<PathBuf>,
}

/// The open chain file of one peer.
#[derive(Debug)]
pub struct ChainStore {
    path: PathBuf,
    tail: Tail,
    persisted: u64,
    /// The lowest height changed since the last save that succeeded, while one failed.
    unsaved_from: Option<u64>,
}

impl ChainStore {
    /// Opens (or creates) the chain file in `dir` and loads its valid prefix; a
    /// directory of the other protocol generation than `limits` say is refused.
    pub fn open(dir: &Path, limits: Limits) -> Result<(Self, Chain, LoadReport), StoreError> {
        fs::create_dir_all(dir).map_err(io_error("cannot create data directory", dir))?;
        marker::claim(dir, limits.generation)?;
        let path = dir.join(CHAIN_FILE);
        let (chain, mut report) = load(&path, limits)?;
        let tail = if report.dropped_lines > 0 {
            report.backup = Some(back_up(&path)?);
            write_atomically(&path, chain.blocks())?
        } else {
            open_tail(&path)?
        };
        let store = Self { path, tail, persisted: chain.len(), unsaved_from: None };
        Ok((store, chain, report))
    }

    /// The chain file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many blocks the file holds.
    pub fn persisted(&self) -> u64 {
        self.persisted
    }

    /// Brings the file in line with `blocks`, given that nothing below height
    /// `changed_from` changed since the last call: appends when only new blocks were
    /// added on top, rewrites atomically after a reorganisation. After an error the
    /// file is as it was, and the next call also saves what this one could not.
    pub fn save(&mut self, blocks: &[Arc<Block>], changed_from: u64) -> Result<(), StoreError> {
        let from = self.unsaved_from.map_or(changed_from, |unsaved| unsaved.min(changed_from));
        let saved = if from >= self.persisted && blocks.len() as u64 >= self.persisted {
            self.append(&blocks[self.persisted as usize..])
        } else {
            self.rewrite(blocks)
        };
        self.unsaved_from = saved.is_err().then_some(from);
        saved
    }

    fn append(&mut self, blocks: &[Arc<Block>]) -> Result<(), StoreError> {
        if blocks.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::new();
        write_lines(&mut lines, blocks).map_err(io_error("cannot encode a block for", &self.path))?;
        self.tail.append(&lines).map_err(io_error("cannot append to", &self.path))?;
        self.persisted += blocks.len() as u64;
        Ok(())
    }

    fn rewrite(&mut self, blocks: &[Arc<Block>]) -> Result<(), StoreError> {
        // Appends go on through the handle that wrote the new file: nothing is reopened,
        // so nothing can be appended to the file this one replaced.
        self.tail = write_atomically(&self.path, blocks)?;
        self.persisted = blocks.len() as u64;
        Ok(())
    }
}

/// The end of the chain file at `path` (created if missing). A last line without its
/// newline (a write cut short) gets one, so that the next block starts a line.
fn open_tail(path: &Path) -> Result<Tail, StoreError> {
    let mut file =
        OpenOptions::new().create(true).read(true).append(true).open(path).map_err(io_error("cannot open", path))?;
    let len = file.metadata().map_err(io_error("cannot open", path))?.len();
    let mut last = [b'\n'];
    if len > 0 {
        file.seek(SeekFrom::End(-1)).and_then(|_| file.read_exact(&mut last)).map_err(io_error("cannot read", path))?;
    }
    let mut tail = Tail::new(file, len);
    if last != [b'\n'] {
        tail.append(b"\n").map_err(io_error("cannot append to", path))?;
    }
    Ok(tail)
}

/// Copies the file at `path` to a new `chain.jsonl.corrupt-<unix seconds>` beside it
/// (`…-2`, `…-3` when that exists): earlier backups are never overwritten.
fn back_up(path: &Path) -> Result<PathBuf, StoreError> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut original = File::open(path).map_err(io_error("cannot back up", path))?;
    let mut n = 1u32;
    loop {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let backup = path.with_file_name(format!("{CHAIN_FILE}.corrupt-{secs}{suffix}"));
        match OpenOptions::new().write(true).create_new(true).open(&backup) {
            Ok(mut copy) => {
                io::copy(&mut original, &mut copy)
                    .and_then(|_| copy.sync_all())
                    .map_err(io_error("cannot back up to", &backup))?;
                return Ok(backup);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(io_error("cannot back up to", &backup)(e)),
        }
    }
}

fn write_lines(writer: &mut impl Write, blocks: &[Arc<Block>]) -> std::io::Result<()> {
    for block in blocks {
        serde_json::to_writer(&mut *writer, block.as_ref())?;
        writer.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `blocks` to a temporary file, syncs it, and renames it over `path`; returns
/// the new file's end, open for appending.
fn write_atomically(path: &Path, blocks: &[Arc<Block>]) -> Result<Tail, StoreError> {
    let tmp = path.with_extension("jsonl.tmp");
    // A temporary file left by a crash; `create_new` below refuses anything still there.
    if let Err(e) = fs::remove_file(&tmp)
        && e.kind() != io::ErrorKind::NotFound
    {
        return Err(io_error("cannot remove", &tmp)(e));
    }
    let file = OpenOptions::new().append(true).create_new(true).open(&tmp).map_err(io_error("cannot create", &tmp))?;
    let len = write_file(&file, blocks)
        .map_err(io_error("cannot write", &tmp))
        .and_then(|len| fs::rename(&tmp, path).map(|()| len).map_err(io_error("cannot replace", path)))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable; not every platform can open a directory.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(Tail::new(file, len))
}

/// Writes `blocks` as lines to `file` and syncs it; returns the bytes written.
fn write_file(file: &File, blocks: &[Arc<Block>]) -> io::Result<u64> {
    let mut writer = BufWriter::new(file);
    write_lines(&mut writer, blocks)?;
    writer.flush()?;
    drop(writer);
    file.sync_all()?;
    file.metadata().map(|m| m.len())
}

/// Reads the valid prefix of the chain file; a missing file is an empty chain.
fn load(path: &Path, limits: Limits) -> Result<(Chain, LoadReport), StoreError> {
    let mut chain = Chain::new(limits);
    let mut report = LoadReport::default();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((chain, report)),
        Err(e) => return Err(io_error("cannot read", path)(e)),
    };
    let mut lines = BufReader::new(file).split(b'\n');
    while let Some(line) = lines.next() {
        let line = line.map_err(io_error("cannot read", path))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let verdict = serde_json::from_slice::<Block>(&line)
            .map_err(|e| format!("line {}: not a block: {e}", chain.len() + 1))
            .and_then(|block| chain.append(block).map_err(|e| format!("block {}: {e}", chain.len())));
        if let Err(reason) = verdict {
            report.first_error = Some(reason);
            report.dropped_lines = 1 + lines.filter(|l| l.as_ref().is_ok_and(|l| !l.trim_ascii().is_empty())).count();
            break;
        }
    }
    report.loaded = chain.len();
    Ok((chain, report))
}
