//! Proves the hash rule and validation against the shared test vectors: both real
//! 2022 blocks at difficulty 8, the difficulty-2 chain, and that any one-character
//! change anywhere in any block is rejected with the right reason.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

use blockpeer_core::chain::{Block, BlockError, Chain, Limits, validate_block, validate_chain};
use serde_json::Value;

fn vectors() -> Value {
    let text = include_str!("../../tests/data/vectors.json");
    serde_json::from_str(text).expect("vectors.json parses")
}

fn chain_vector(name: &str) -> (u32, Vec<Block>) {
    let all = vectors();
    let chain = all["chains"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    let difficulty = chain["difficulty"].as_u64().unwrap() as u32;
    let blocks = serde_json::from_value(chain["blocks"].clone()).unwrap();
    (difficulty, blocks)
}

#[test]
fn real_2022_blocks_validate_at_difficulty_8() {
    let (difficulty, blocks) = chain_vector("network-2022");
    assert_eq!(difficulty, 8);
    assert_eq!(validate_chain(&blocks, &Limits::new(8)), (2, None));
    // Block 0 happens to end in 9 zeros; block 1 only in 8.
    assert_eq!(validate_chain(&blocks[..1], &Limits::new(9)), (1, None));
    assert!(matches!(
        validate_chain(&blocks, &Limits::new(9)).1,
        Some(BlockError::TooFewZeros { zeros: 8, difficulty: 9 })
    ));
}

#[test]
fn synthetic_chain_validates_with_utf8_and_20_character_message() {
    let (difficulty, blocks) = chain_vector("synthetic-d2");
    let (chain, error) = Chain::from_blocks(blocks.clone(), Limits::new(difficulty));
    assert_eq!(error, None);
    assert_eq!(chain.len(), 3);
    assert_eq!(chain.tip().unwrap().mined_by, "Zoë");
    assert_eq!(blocks[2].messages[1].chars().count(), 20);
}

#[test]
fn hashed_bytes_are_exactly_the_documented_input() {
    let all = vectors();
    let chain = all["chains"].as_array().unwrap().iter().find(|c| c["name"] == "synthetic-d2").unwrap();
    let mut prev: Option<String> = None;
    for block in chain["blocks"].as_array().unwrap() {
        let b: Block = serde_json::from_value(block.clone()).unwrap();
        let mut input = Vec::new();
        if let Some(p) = &prev {
            input.extend_from_slice(p.as_bytes());
        }
        input.extend_from_slice(b.mined_by.as_bytes());
        b.messages.iter().for_each(|m| input.extend_from_slice(m.as_bytes()));
        input.extend_from_slice(b.nonce.as_bytes());
        let expected: Vec<u8> = (0..block["hashed_bytes_hex"].as_str().unwrap().len() / 2)
            .map(|i| u8::from_str_radix(&block["hashed_bytes_hex"].as_str().unwrap()[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        assert_eq!(input, expected, "block {}", b.height);
        prev = Some(b.hash);
    }
}

/// Every single-character change of every field of every block makes that block
/// (or, for a hash change, the block itself) fail with a reason that fits the change.
#[test]
fn any_one_character_change_is_rejected_with_the_right_reason() {
    for name in ["network-2022", "synthetic-d2"] {
        let (difficulty, blocks) = chain_vector(name);
        let limits = Limits::new(difficulty);
        for (i, original) in blocks.iter().enumerate() {
            let parent = i.checked_sub(1).map(|p| &blocks[p]);
            assert_eq!(validate_block(original, parent, &limits), Ok(()));
            for (field, mutated) in one_character_changes(original) {
                let result = validate_block(&mutated, parent, &limits);
                let error = result.expect_err(&format!("{name} block {i}: change in {field} accepted"));
                let fits = match field {
                    "hash" => matches!(error, BlockError::HashMismatch { .. } | BlockError::TooFewZeros { .. }),
                    _ => matches!(error, BlockError::HashMismatch { .. }),
                };
                assert!(fits, "{name} block {i}: change in {field} gave {error:?}");
            }
            // A changed parent breaks the link of the child.
            if let Some(parent) = parent {
                let mut other_parent = parent.clone();
                other_parent.hash.replace_range(0..1, if other_parent.hash.starts_with('a') { "b" } else { "a" });
                assert!(matches!(
                    validate_block(original, Some(&other_parent), &limits),
                    Err(BlockError::HashMismatch { .. })
                ));
            }
        }
    }
}

fn one_character_changes(block: &Block) -> Vec<(&'static str, Block)> {
    let mut out = Vec::new();
    let swap = |c: char| {
        if c == 'a' {
            'b'
        } else if c == '0' {
            '1'
        } else {
            'a'
        }
    };
    let mutate = |s: &str, at: usize| -> String {
        s.chars().enumerate().map(|(i, c)| if i == at { swap(c) } else { c }).collect()
    };
    for at in 0..block.mined_by.chars().count() {
        out.push(("minedBy", Block { mined_by: mutate(&block.mined_by, at), ..block.clone() }));
    }
    for at in 0..block.nonce.chars().count() {
        out.push(("nonce", Block { nonce: mutate(&block.nonce, at), ..block.clone() }));
    }
    for (m, message) in block.messages.iter().enumerate() {
        for at in 0..message.chars().count() {
            let mut messages = block.messages.clone();
            messages[m] = mutate(message, at);
            out.push(("messages", Block { messages, ..block.clone() }));
        }
    }
    for at in 0..64 {
        out.push(("hash", Block { hash: mutate(&block.hash, at), ..block.clone() }));
    }
    out
}

#[test]
fn limits_are_enforced_with_their_reasons() {
    let (_, blocks) = chain_vector("synthetic-d2");
    let limits = Limits::new(2);
    let genesis = &blocks[0];
    let eleven = Block { messages: vec!["w".into(); 11], ..genesis.clone() };
    assert!(matches!(validate_block(&eleven, None, &limits), Err(BlockError::TooManyMessages { count: 11, .. })));
    let long = Block { messages: vec!["x".repeat(21)], ..genesis.clone() };
    assert!(matches!(validate_block(&long, None, &limits), Err(BlockError::MessageTooLong { chars: 21, .. })));
    let nonce = Block { nonce: "1".repeat(41), ..genesis.clone() };
    assert!(matches!(validate_block(&nonce, None, &limits), Err(BlockError::NonceTooLong { chars: 41, .. })));
    let wrong_height = Block { height: 1, ..genesis.clone() };
    assert!(matches!(
        validate_block(&wrong_height, None, &limits),
        Err(BlockError::WrongHeight { expected: 0, got: 1 })
    ));
    let upper = Block { hash: genesis.hash.to_uppercase(), ..genesis.clone() };
    assert!(matches!(validate_block(&upper, None, &limits), Err(BlockError::MalformedHash(_))));
    let huge = Block { mined_by: "m".repeat(2000), ..genesis.clone() };
    assert!(matches!(validate_block(&huge, None, &limits), Err(BlockError::TooLarge { .. })));
}

#[test]
fn replace_from_swaps_a_fork_and_leaves_the_chain_alone_on_error() {
    let (difficulty, blocks) = chain_vector("synthetic-d2");
    let limits = Limits::new(difficulty);
    let (mut chain, _) = Chain::from_blocks(blocks[..2].to_vec(), limits);
    // Replacing from 1 with the real blocks 1..3 is a valid "reorg" to a longer branch.
    assert_eq!(chain.replace_from(1, blocks[1..].to_vec()), Ok(1));
    assert_eq!(chain.len(), 3);
    // A branch that doesn't link is refused and changes nothing.
    let before = chain.tip().cloned();
    let err = chain.replace_from(1, vec![blocks[2].clone()]).unwrap_err();
    assert!(matches!(err, blockpeer_core::chain::ChainError::Invalid { height: 2, .. }));
    assert_eq!(chain.tip().cloned(), before);
    assert!(chain.replace_from(4, vec![]).is_err());
}
