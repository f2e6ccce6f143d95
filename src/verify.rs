//! `blockpeer verify-chain FILE`: validates a chain file (JSON lines, or the JSON
//! array a peer's `/chain` serves) block by block and says where it breaks. The
//! generation comes from the blocks themselves: timestamps make it GOSSIP.

use anyhow::Context;
use blockpeer_core::chain::{Block, Generation, Limits, prefix_chars, validate_block};
use blockpeer_core::protocol::block_from_value;
use serde_json::Value;
use std::path::Path;

/// Prints the verdict; returns whether the whole file is a valid chain.
pub fn verify_chain(file: &Path, difficulty: u32) -> anyhow::Result<bool> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let values =
        parse_values(&text).with_context(|| format!("{} is neither a JSON array nor JSON lines", file.display()))?;
    let timestamped = values.iter().any(|v| v.get("timestamp").is_some_and(|t| !t.is_null()));
    let generation = if timestamped { Generation::Gossip } else { Generation::Flood };
    let limits = Limits::of(generation, difficulty);
    let mut parent: Option<Block> = None;
    for (index, value) in values.iter().enumerate() {
        let Some(block) = block_from_value(value) else {
            println!("entry {} is not a block: {}", index + 1, truncate(&value.to_string(), 120));
            return Ok(false);
        };
        if let Err(error) = validate_block(&block, parent.as_ref(), &limits) {
            println!("block {} (entry {}) is invalid: {error}", block.height, index + 1);
            return Ok(false);
        }
        parent = Some(block);
    }
    match parent {
        Some(tip) => println!(
            "valid: {} blocks of the {} generation at difficulty {difficulty}, tip {}",
            values.len(),
            generation.label(),
            tip.hash
        ),
        None => println!("valid: the file holds no blocks"),
    }
    Ok(true)
}

fn parse_values(text: &str) -> anyhow::Result<Vec<Value>> {
    if text.trim_start().starts_with('[') {
        return Ok(serde_json::from_str(text)?);
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str(line).with_context(|| format!("line {} is not JSON", n + 1)))
        .collect()
}

fn truncate(text: &str, max: usize) -> String {
    let head = prefix_chars(text, max);
    if head.len() < text.len() { format!("{head}…") } else { text.to_owned() }
}
