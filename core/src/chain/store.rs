//! The chain on disk: an append-only JSON-lines file (one block per line, wire field
//! names), fsync on append, atomic rewrite on reorganisation, and a load that keeps
//! the longest valid prefix and backs up whatever it had to cut.

use super::block::Block;
use super::ledger::Chain;
use super::validate::Limits;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// The chain file's name inside a peer's data directory.
pub const CHAIN_FILE: &str = "chain.jsonl";

/// An I/O failure of the chain file, with the path it concerns.
#[derive(Debug, Error)]
#[error("{action} {path}: {source}")]
pub struct StoreError {
    action: &'static str,
    path: PathBuf,
    source: std::io::Error,
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError { action, path, source }
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
    /// Where the original file was copied before cutting it.
    pub backup: Option<PathBuf>,
}

/// The open chain file of one peer.
#[derive(Debug)]
pub struct ChainStore {
    path: PathBuf,
    file: File,
    persisted: u64,
}

impl ChainStore {
    /// Opens (or creates) the chain file in `dir` and loads its valid prefix.
    pub fn open(dir: &Path, limits: Limits) -> Result<(Self, Chain, LoadReport), StoreError> {
        fs::create_dir_all(dir).map_err(io_error("cannot create data directory", dir))?;
        let path = dir.join(CHAIN_FILE);
        let (chain, mut report) = load(&path, limits)?;
        if report.dropped_lines > 0 {
            let backup = path.with_extension("jsonl.corrupt");
            fs::copy(&path, &backup).map_err(io_error("cannot back up", &path))?;
            report.backup = Some(backup);
            write_atomically(&path, chain.blocks())?;
        }
        let file = open_append(&path)?;
        let store = Self { path, file, persisted: chain.len() };
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
    /// added on top, rewrites atomically after a reorganisation.
    pub fn save(&mut self, blocks: &[Arc<Block>], changed_from: u64) -> Result<(), StoreError> {
        if changed_from >= self.persisted && blocks.len() as u64 >= self.persisted {
            self.append(&blocks[self.persisted as usize..])
        } else {
            self.rewrite(blocks)
        }
    }

    fn append(&mut self, blocks: &[Arc<Block>]) -> Result<(), StoreError> {
        if blocks.is_empty() {
            return Ok(());
        }
        let mut writer = BufWriter::new(&self.file);
        write_lines(&mut writer, blocks).map_err(io_error("cannot append to", &self.path))?;
        writer.flush().map_err(io_error("cannot append to", &self.path))?;
        drop(writer);
        self.file.sync_data().map_err(io_error("cannot sync", &self.path))?;
        self.persisted += blocks.len() as u64;
        Ok(())
    }

    fn rewrite(&mut self, blocks: &[Arc<Block>]) -> Result<(), StoreError> {
        write_atomically(&self.path, blocks)?;
        self.file = open_append(&self.path)?;
        self.persisted = blocks.len() as u64;
        Ok(())
    }
}

fn open_append(path: &Path) -> Result<File, StoreError> {
    OpenOptions::new().create(true).append(true).open(path).map_err(io_error("cannot open", path))
}

fn write_lines(writer: &mut impl Write, blocks: &[Arc<Block>]) -> std::io::Result<()> {
    for block in blocks {
        serde_json::to_writer(&mut *writer, block.as_ref())?;
        writer.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `blocks` to a temporary file, syncs it, and renames it over `path`.
fn write_atomically(path: &Path, blocks: &[Arc<Block>]) -> Result<(), StoreError> {
    let tmp = path.with_extension("jsonl.tmp");
    let file = File::create(&tmp).map_err(io_error("cannot create", &tmp))?;
    let mut writer = BufWriter::new(file);
    write_lines(&mut writer, blocks).map_err(io_error("cannot write", &tmp))?;
    let file = writer.into_inner().map_err(|e| io_error("cannot write", &tmp)(e.into_error()))?;
    file.sync_all().map_err(io_error("cannot sync", &tmp))?;
    fs::rename(&tmp, path).map_err(io_error("cannot replace", path))?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable; not every platform can open a directory.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
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
