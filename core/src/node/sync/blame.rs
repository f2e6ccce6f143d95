//! Who is to blame for blocks that do not fit together — not the first peer in sight.
//! Two blocks that do not link are both set aside as suspects and asked for elsewhere;
//! a suspect is struck only once the block that does link at its height proves its own
//! block wrong. A peer is never struck for a neighbour's junk.

use crate::chain::Block;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// Proven-bad blocks a peer may serve before we stop asking it.
const MAX_STRIKES: u32 = 2;
/// Most suspect blocks kept (an attacker's are struck, so few wait at once).
const MAX_SUSPECTS: usize = 1024;

/// Suspects by height, and strikes by peer.
#[derive(Debug, Default)]
pub(super) struct Blame {
    suspects: BTreeMap<u64, Vec<(SocketAddr, Block)>>,
    held: usize,
    strikes: BTreeMap<SocketAddr, u32>,
}

impl Blame {
    /// Sets aside `block`, which `source` served for `height`, until that height is settled.
    pub(super) fn suspect(&mut self, height: u64, source: SocketAddr, block: Block) {
        if self.held < MAX_SUSPECTS {
            self.held += 1;
            self.suspects.entry(height).or_default().push((source, block));
        }
    }

    /// `good` is the proven block at `height`: every suspect that served another block
    /// there is struck. Returns the peers that have now served too many bad blocks.
    pub(super) fn settle(&mut self, height: u64, good: &Block) -> Vec<SocketAddr> {
        let suspects = self.suspects.remove(&height).unwrap_or_default();
        self.held -= suspects.len();
        suspects.into_iter().filter(|(_, block)| block != good).filter_map(|(source, _)| self.strike(source)).collect()
    }

    /// Counts a proven-bad block against `source`; returns it once it has too many.
    pub(super) fn strike(&mut self, source: SocketAddr) -> Option<SocketAddr> {
        let strikes = self.strikes.entry(source).or_default();
        *strikes += 1;
        (*strikes == MAX_STRIKES).then_some(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(word: &str) -> Block {
        Block {
            height: 3,
            mined_by: "m".into(),
            nonce: "1".into(),
            messages: vec![word.into()],
            hash: "0".repeat(64),
            timestamp: None,
        }
    }

    #[test]
    fn only_a_suspect_proven_wrong_is_struck() {
        let (honest, liar) = (SocketAddr::from(([127, 0, 0, 1], 1)), SocketAddr::from(([127, 0, 0, 1], 2)));
        let mut blame = Blame::default();
        blame.suspect(3, honest, block("real"));
        blame.suspect(3, liar, block("forged"));
        assert_eq!(blame.settle(3, &block("real")), Vec::<SocketAddr>::new(), "one strike is not enough");
        blame.suspect(4, liar, block("forged"));
        assert_eq!(blame.settle(4, &block("real")), vec![liar]);
        assert!(!blame.strikes.contains_key(&honest), "the honest peer was never struck");
        assert_eq!(blame.held, 0);
    }
}
