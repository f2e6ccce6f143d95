//! Proves the chain file keeps every persisted block across restarts and cuts only
//! what is broken: round trip, torn last line (each recovery keeping its own backup),
//! a last line without its newline, garbage in the middle, a reorganisation rewritten
//! atomically and appended to afterwards, a file mined at another difficulty, and a
//! directory of one protocol generation refused to the other.
//! (Writes that fail — a full disk — are proved in the store's unit tests.)

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

use blockpeer_core::chain::{ChainStore, GENERATION_FILE, Generation, Limits, StoreError, held_generation};
use blockpeer_core::testing::{chain_of, chain_of_generation, extend_chain};
use std::fs;
use std::io::Write;

#[test]
fn round_trip_appends_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(5, 1, "a");
    let (mut store, loaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!((loaded.len(), report.dropped_lines), (0, 0));
    store.save(&chain.blocks()[..3], 0).unwrap();
    store.save(chain.blocks(), 3).unwrap();
    assert_eq!(store.persisted(), 5);
    drop(store);
    let (_, loaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!(report.loaded, 5);
    assert_eq!(report.dropped_lines, 0);
    assert_eq!(loaded.blocks(), chain.blocks());
    assert_eq!(fs::read_to_string(dir.path().join("chain.jsonl")).unwrap().lines().count(), 5);
}

#[test]
fn torn_last_line_is_cut_and_backed_up() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(4, 1, "a");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    drop(store);
    let path = dir.path().join("chain.jsonl");
    let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(br#"{"height":4,"minedBy":"a","non"#).unwrap();
    drop(file);
    let (mut store, loaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!(loaded.len(), 4);
    assert_eq!(report.dropped_lines, 1);
    assert!(report.first_error.unwrap().contains("line 5"));
    assert!(fs::read_to_string(report.backup.unwrap()).unwrap().contains(r#""non"#));
    // The file is clean again and appends continue after the valid prefix.
    let mut longer = loaded.clone();
    extend_chain(&mut longer, 1, "a", "x");
    store.save(longer.blocks(), 4).unwrap();
    drop(store);
    let (_, reloaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!((reloaded.len(), report.dropped_lines), (5, 0));
}

#[test]
fn garbage_in_the_middle_keeps_the_prefix_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(6, 1, "a");
    let lines: Vec<String> = chain.blocks().iter().map(|b| serde_json::to_string(b.as_ref()).unwrap()).collect();
    let text = format!("{}\n{}\nthis is not json\n{}\n", lines[0], lines[1], lines[2..].join("\n"));
    fs::write(dir.path().join("chain.jsonl"), text).unwrap();
    let (_, loaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!(loaded.len(), 2);
    assert_eq!(report.dropped_lines, 5);
}

#[test]
fn reorganisation_rewrites_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = chain_of(5, 1, "a");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    // Another miner's branch from height 2, longer than ours.
    let mut other = chain.clone();
    other.replace_from(2, vec![]).unwrap();
    extend_chain(&mut other, 4, "b", "fork");
    let branch: Vec<_> = other.blocks()[2..].iter().map(|b| b.as_ref().clone()).collect();
    assert_eq!(chain.replace_from(2, branch), Ok(3));
    store.save(chain.blocks(), 2).unwrap();
    assert!(!dir.path().join("chain.jsonl.tmp").exists());
    // Blocks added after the rewrite go to the new file, not to the one it replaced.
    extend_chain(&mut chain, 2, "b", "after");
    store.save(chain.blocks(), 6).unwrap();
    drop(store);
    let (_, loaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!(report.dropped_lines, 0);
    assert_eq!(loaded.blocks(), chain.blocks());
    assert_eq!(loaded.blocks()[..6], other.blocks()[..]);
}

#[test]
fn every_recovery_keeps_its_own_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    store.save(chain_of(3, 1, "a").blocks(), 0).unwrap();
    drop(store);
    let mut backups = Vec::new();
    for round in 0..3 {
        let mut file = fs::OpenOptions::new().append(true).open(dir.path().join("chain.jsonl")).unwrap();
        write!(file, "torn in round {round}").unwrap();
        drop(file);
        let (_, loaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
        assert_eq!((loaded.len(), report.dropped_lines), (3, 1));
        backups.push(report.backup.unwrap());
    }
    for (round, backup) in backups.iter().enumerate() {
        let name = backup.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("chain.jsonl.corrupt-"), "{name}");
        let text = fs::read_to_string(backup).unwrap();
        assert!(text.ends_with(&format!("torn in round {round}")), "{name} was overwritten: {text}");
    }
}

#[test]
fn a_last_block_without_its_newline_is_kept_and_the_next_starts_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = chain_of(4, 1, "a");
    let lines: Vec<String> = chain.blocks().iter().map(|b| serde_json::to_string(b.as_ref()).unwrap()).collect();
    fs::write(dir.path().join("chain.jsonl"), lines.join("\n")).unwrap();
    let (mut store, loaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!((loaded.len(), report.dropped_lines), (4, 0));
    extend_chain(&mut chain, 1, "a", "x");
    store.save(chain.blocks(), 4).unwrap();
    drop(store);
    let (_, reloaded, report) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    assert_eq!((reloaded.len(), report.dropped_lines), (5, 0));
}

#[test]
fn a_file_from_another_difficulty_is_cut_where_it_stops_meeting_ours() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(8, 1, "a");
    let (mut store, _, _) = ChainStore::open(dir.path(), Limits::new(1)).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    drop(store);
    let (_, loaded, report) = ChainStore::open(dir.path(), Limits::new(3)).unwrap();
    let valid_at_3 = chain.blocks().iter().take_while(|b| b.hash.ends_with("000")).count();
    assert_eq!(loaded.len() as usize, valid_at_3);
    assert_eq!(report.dropped_lines, 8 - valid_at_3);
    assert!(report.first_error.unwrap().contains("zeros"));
}

#[test]
fn a_directory_keeps_its_generation_and_refuses_the_other() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(held_generation(dir.path()).unwrap(), None, "an empty directory holds nothing yet");
    let gossip = Limits::of(Generation::Gossip, 1);
    let chain = chain_of_generation(Generation::Gossip, 3, 1, "g");
    let (mut store, _, _) = ChainStore::open(dir.path(), gossip).unwrap();
    store.save(chain.blocks(), 0).unwrap();
    drop(store);
    assert_eq!(fs::read_to_string(dir.path().join(GENERATION_FILE)).unwrap().trim(), "gossip");
    assert_eq!(held_generation(dir.path()).unwrap(), Some(Generation::Gossip));
    let refused = ChainStore::open(dir.path(), Limits::new(1)).err().unwrap();
    assert!(
        matches!(refused, StoreError::WrongGeneration { found: Generation::Gossip, wanted: Generation::Flood, .. }),
        "{refused}"
    );
    assert!(refused.to_string().contains("--data-dir"), "the error says what to do: {refused}");
    let (_, loaded, report) = ChainStore::open(dir.path(), gossip).unwrap();
    assert_eq!((loaded.blocks(), report.dropped_lines), (chain.blocks(), 0));
    assert!(loaded.blocks().iter().all(|b| b.timestamp.is_some()));
}

#[test]
fn a_directory_from_before_the_marker_is_judged_by_its_first_block() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of_generation(Generation::Gossip, 2, 1, "g");
    let lines: String = chain.blocks().iter().map(|b| serde_json::to_string(b.as_ref()).unwrap() + "\n").collect();
    fs::write(dir.path().join("chain.jsonl"), lines).unwrap();
    assert_eq!(held_generation(dir.path()).unwrap(), Some(Generation::Gossip));
    assert!(ChainStore::open(dir.path(), Limits::new(1)).is_err(), "a GOSSIP chain is never loaded as FLOOD");
    let flood = tempfile::tempdir().unwrap();
    let lines: String =
        chain_of(2, 1, "f").blocks().iter().map(|b| serde_json::to_string(b.as_ref()).unwrap() + "\n").collect();
    fs::write(flood.path().join("chain.jsonl"), lines).unwrap();
    assert_eq!(held_generation(flood.path()).unwrap(), Some(Generation::Flood));
    fs::write(flood.path().join(GENERATION_FILE), "SOMETHING\n").unwrap();
    assert!(held_generation(flood.path()).is_err(), "an unreadable marker is an error, not a guess");
}
