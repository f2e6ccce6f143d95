//! The hash rule of PROTOCOL.md §4: SHA-256 over prev-hash hex, minedBy, messages and
//! nonce, concatenated with no separators — in the GOSSIP generation with the timestamp
//! as 8 big-endian bytes before the nonce (PROTOCOL-GOSSIP.md §2); valid at difficulty
//! D when the hex ends in D zeros.

use sha2::{Digest, Sha256};

/// What a block's hash covers besides its nonce.
#[derive(Clone, Copy, Debug)]
pub struct HashInput<'a, S: AsRef<str>> {
    /// The parent's hash as 64 hex characters; `None` for genesis.
    pub prev_hash: Option<&'a str>,
    /// The miner's name.
    pub mined_by: &'a str,
    /// The block's words.
    pub messages: &'a [S],
    /// GOSSIP generation: Unix seconds, hashed as 8 big-endian bytes.
    pub timestamp: Option<u64>,
}

impl<S: AsRef<str>> HashInput<'_, S> {
    /// The bytes hashed before the nonce: prev hash hex ‖ minedBy ‖ messages ‖ timestamp.
    pub fn prefix(&self) -> Vec<u8> {
        let mut prefix = Vec::with_capacity(64 + 20 + 10 * 20 + 8);
        if let Some(prev) = self.prev_hash {
            prefix.extend_from_slice(prev.as_bytes());
        }
        prefix.extend_from_slice(self.mined_by.as_bytes());
        for message in self.messages {
            prefix.extend_from_slice(message.as_ref().as_bytes());
        }
        if let Some(timestamp) = self.timestamp {
            prefix.extend_from_slice(&timestamp.to_be_bytes());
        }
        prefix
    }

    /// SHA-256 of the prefix ‖ `nonce`.
    pub fn hash(&self, nonce: &str) -> [u8; 32] {
        Sha256::new().chain_update(self.prefix()).chain_update(nonce.as_bytes()).finalize().into()
    }
}

/// Lowercase hex of a digest.
pub fn digest_hex(digest: &[u8; 32]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 0x0f)] as char);
    }
    out
}

/// How many zero nibbles the digest ends with (its hex's trailing `'0'`s).
pub fn trailing_zero_nibbles(digest: &[u8; 32]) -> u32 {
    let mut count = 0;
    for byte in digest.iter().rev() {
        if *byte == 0 {
            count += 2;
            continue;
        }
        if byte & 0x0f == 0 {
            count += 1;
        }
        break;
    }
    count
}

/// The first `chars` characters of `text` (all of it when shorter), cut on a character
/// boundary: for logs and tables, whatever a stranger put in the text.
pub fn prefix_chars(text: &str, chars: usize) -> &str {
    text.char_indices().nth(chars).map_or(text, |(i, _)| &text[..i])
}

/// Whether `text` is a hash as the hash rule writes it: 64 lowercase hex characters.
pub fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// How many `'0'` characters a hash's hex text ends with.
pub fn hex_trailing_zeros(hash: &str) -> u32 {
    hash.bytes().rev().take_while(|b| *b == b'0').count() as u32
}

/// Whether a digest meets difficulty `d` (its last `4·d` bits are zero).
pub fn meets_difficulty(digest: &[u8; 32], d: u32) -> bool {
    trailing_zero_nibbles(digest) >= d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_cut_on_character_boundaries() {
        assert_eq!(prefix_chars("a€€€€€€", 3), "a€€");
        assert_eq!(prefix_chars("abc", 12), "abc");
        assert_eq!(prefix_chars("", 2), "");
    }

    #[test]
    fn trailing_zeros_count_nibbles() {
        let mut d = [0xffu8; 32];
        assert_eq!(trailing_zero_nibbles(&d), 0);
        d[31] = 0xf0;
        assert_eq!(trailing_zero_nibbles(&d), 1);
        d[31] = 0;
        assert_eq!(trailing_zero_nibbles(&d), 2);
        d[30] = 0x10;
        assert_eq!(trailing_zero_nibbles(&d), 3);
        assert_eq!(trailing_zero_nibbles(&[0; 32]), 64);
    }

    #[test]
    fn synthetic_genesis_hashes_as_documented() {
        let input =
            HashInput { prev_hash: None, mined_by: "vector-miner", messages: &["hello", "world"], timestamp: None };
        let digest = input.hash("287");
        assert_eq!(digest_hex(&digest), "e4a1c948e2bde802a34edbe087a01d430df779f382ee63701a3fb763c49f1300");
        assert!(meets_difficulty(&digest, 2));
        assert!(!meets_difficulty(&digest, 3));
    }

    #[test]
    fn the_gossip_rule_hashes_the_timestamp_as_8_big_endian_bytes_before_the_nonce() {
        let input = HashInput { prev_hash: None, mined_by: "m", messages: &["w"], timestamp: Some(0x0102) };
        assert_eq!(input.prefix(), b"mw\0\0\0\0\0\0\x01\x02");
    }
}
