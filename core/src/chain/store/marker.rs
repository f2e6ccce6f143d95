//! Which protocol generation a data directory holds: a one-word `generation` file
//! beside the chain, written when the directory is first used, so that a chain of one
//! generation is never loaded as the other. Directories from before it existed are
//! judged by their first block (a timestamp: GOSSIP).

use super::{CHAIN_FILE, StoreError, io_error};
use crate::chain::Block;
use crate::chain::Generation;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The marker file's name inside a data directory.
pub const GENERATION_FILE: &str = "generation";

/// Checks that `dir` holds a chain of `wanted` (or none yet) and marks it as such.
pub(super) fn claim(dir: &Path, wanted: Generation) -> Result<(), StoreError> {
    let found = held(dir)?;
    match found {
        Some(found) if found != wanted => Err(StoreError::WrongGeneration { dir: dir.to_path_buf(), found, wanted }),
        Some(_) => Ok(()),
        None => {
            let marker = dir.join(GENERATION_FILE);
            fs::write(&marker, format!("{wanted}\n")).map_err(io_error("cannot write", &marker))
        }
    }
}

/// The generation `dir` holds: its marker's word, else its first block's, else none.
pub fn held(dir: &Path) -> Result<Option<Generation>, StoreError> {
    let marker = dir.join(GENERATION_FILE);
    match fs::read_to_string(&marker) {
        Ok(word) => {
            let generation = word.parse().map_err(|e: String| {
                io_error("cannot understand", &marker)(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })?;
            return Ok(Some(generation));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error("cannot read", &marker)(e)),
    }
    let chain = dir.join(CHAIN_FILE);
    let Ok(file) = fs::File::open(&chain) else {
        return Ok(None);
    };
    let first = BufReader::new(file).lines().map_while(Result::ok).find(|line| !line.trim().is_empty());
    Ok(first.and_then(|line| serde_json::from_str::<Block>(&line).ok()).map(|b| Generation::of_timestamp(b.timestamp)))
}
