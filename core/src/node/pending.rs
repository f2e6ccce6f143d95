//! The words waiting to be mined (NEW_WORD and the self-fed words) and how a block's
//! messages are chosen from them: oldest first, at most 10, and always small enough
//! that the block fits a 1024-byte datagram. Each address may have only a few words
//! waiting, so that no one can fill the queue and choose every block's words.

use crate::chain::{Block, Limits};
use crate::protocol::MAX_SEND;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use thiserror::Error;

/// Words one address may have waiting at once (a block carries at most 10).
pub const WORDS_PER_SOURCE: usize = 10;

/// Why a word was not queued.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum WordRefused {
    /// Empty words carry nothing.
    #[error("empty word")]
    Empty,
    /// Longer than a message may be.
    #[error("word of {0} characters (at most 20)")]
    TooLong(usize),
    /// The queue is full.
    #[error("too many words waiting")]
    Full,
    /// The sender already has its share of the queue.
    #[error("too many words waiting from this sender")]
    SenderFull,
}

/// Words waiting for the miner, oldest first, bounded in all and per sender.
#[derive(Debug)]
pub struct PendingWords {
    /// Each word with the address it came from (`None`: this peer's own).
    words: VecDeque<(String, Option<SocketAddr>)>,
    per_source: BTreeMap<SocketAddr, usize>,
    limits: Limits,
    max: usize,
    refused: u64,
}

impl PendingWords {
    /// An empty queue of at most `max` words, checked against `limits`.
    pub fn new(limits: Limits, max: usize) -> Self {
        Self { words: VecDeque::new(), per_source: BTreeMap::new(), limits, max, refused: 0 }
    }

    /// Queues `word` from `source` (`None`: this peer's user or its own word feed).
    pub fn push(&mut self, word: String, source: Option<SocketAddr>) -> Result<(), WordRefused> {
        let chars = word.chars().count();
        let waiting = source.and_then(|s| self.per_source.get(&s)).copied().unwrap_or(0);
        let verdict = if chars == 0 {
            Err(WordRefused::Empty)
        } else if chars > self.limits.max_message_chars {
            Err(WordRefused::TooLong(chars))
        } else if self.words.len() >= self.max {
            Err(WordRefused::Full)
        } else if waiting >= WORDS_PER_SOURCE {
            Err(WordRefused::SenderFull)
        } else {
            Ok(())
        };
        match verdict {
            Ok(()) => {
                if let Some(source) = source {
                    *self.per_source.entry(source).or_default() += 1;
                }
                self.words.push_back((word, source));
            }
            Err(_) => self.refused += 1,
        }
        verdict
    }

    /// The messages of the next block at `height` by `mined_by`: the oldest words, at
    /// most 10, as many as fit a datagram with the longest nonce we send.
    pub fn next_messages(&self, height: u64, mined_by: &str) -> Vec<String> {
        let mut probe = Block {
            height,
            mined_by: mined_by.to_owned(),
            nonce: "9".repeat(39),
            messages: Vec::new(),
            hash: "0".repeat(64),
            // The longest timestamp a GOSSIP block can carry.
            timestamp: self.limits.generation.timestamped().then_some(u64::MAX),
        };
        for word in self.iter().take(self.limits.max_messages) {
            probe.messages.push(word.clone());
            if probe.reply_datagram_len() > MAX_SEND {
                probe.messages.pop();
                break;
            }
        }
        probe.messages
    }

    /// Takes the words a block carried out of the queue (one occurrence each).
    pub fn remove_mined(&mut self, messages: &[String]) {
        for message in messages {
            let Some(i) = self.words.iter().position(|(w, _)| w == message) else { continue };
            if let Some((_, Some(source))) = self.words.remove(i)
                && let Some(count) = self.per_source.get_mut(&source)
            {
                *count -= 1;
                if *count == 0 {
                    self.per_source.remove(&source);
                }
            }
        }
    }

    /// The queued words, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.words.iter().map(|(word, _)| word)
    }

    /// Number of queued words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Words refused so far.
    pub fn refused(&self) -> u64 {
        self.refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_long_and_overflowing_words() {
        let mut words = PendingWords::new(Limits::new(2), 2);
        assert_eq!(words.push(String::new(), None), Err(WordRefused::Empty));
        assert_eq!(words.push("x".repeat(21), None), Err(WordRefused::TooLong(21)));
        assert_eq!(words.push("ü".repeat(20), None), Ok(()));
        assert_eq!(words.push("b".into(), None), Ok(()));
        assert_eq!(words.push("c".into(), None), Err(WordRefused::Full));
        assert_eq!((words.len(), words.refused()), (2, 3));
    }

    #[test]
    fn one_sender_cannot_choose_every_block_s_words() {
        let mut words = PendingWords::new(Limits::new(2), 1000);
        let flooder = SocketAddr::from(([10, 0, 0, 1], 1));
        let passed = (0..500).filter(|i| words.push(format!("f{i}"), Some(flooder)).is_ok()).count();
        assert_eq!(passed, WORDS_PER_SOURCE);
        let student = SocketAddr::from(([10, 0, 0, 2], 1));
        assert_eq!(words.push("mine".into(), Some(student)), Ok(()));
        let block = words.next_messages(1, "me");
        words.remove_mined(&block);
        assert_eq!(words.iter().collect::<Vec<_>>(), ["mine"], "the flooder's 10 went into one block");
        assert_eq!(words.push("f-again".into(), Some(flooder)), Ok(()), "mined words free the share");
    }

    #[test]
    fn takes_the_oldest_ten_and_removes_what_was_mined() {
        let mut words = PendingWords::new(Limits::new(2), 100);
        for i in 0..15 {
            words.push(format!("w{i}"), None).unwrap();
        }
        let messages = words.next_messages(5, "me");
        assert_eq!(messages, (0..10).map(|i| format!("w{i}")).collect::<Vec<_>>());
        words.remove_mined(&messages);
        assert_eq!(words.iter().next().map(String::as_str), Some("w10"));
    }

    #[test]
    fn a_block_of_wide_words_still_fits_a_datagram() {
        let mut words = PendingWords::new(Limits::new(2), 100);
        for _ in 0..10 {
            words.push("\u{1}😀".repeat(10), None).unwrap();
        }
        let messages = words.next_messages(u64::MAX, &"🦀".repeat(20));
        assert!(!messages.is_empty() && messages.len() < 10);
        let block = Block {
            height: u64::MAX,
            mined_by: "🦀".repeat(20),
            nonce: "9".repeat(39),
            messages,
            hash: "0".repeat(64),
            timestamp: None,
        };
        assert!(block.reply_datagram_len() <= MAX_SEND);
    }
}
