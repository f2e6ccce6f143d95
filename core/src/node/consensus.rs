//! A consensus round: STATS to every peer, one resend to the silent ones, then the
//! replies grouped by (height, hash) and ranked — in the FLOOD generation most peers
//! first, ties to the greater height (PROTOCOL.md §6, §8 #1 and #3); in the GOSSIP
//! generation the longest chain first, ties to the most peers (PROTOCOL-GOSSIP.md §3).

use crate::chain::Generation;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Instant;

/// Peers that report the same chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Number of blocks.
    pub height: u64,
    /// Tip hash.
    pub hash: String,
    /// Who reported it.
    pub peers: Vec<SocketAddr>,
}

/// Why a round started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Trigger {
    /// The consensus interval passed with enough peers.
    Timer,
    /// We just joined a network.
    Join,
    /// A peer sent CONSENSUS.
    Request,
    /// A peer announced a block above our tip.
    Announce,
    /// A peer answered a tip probe with a longer chain than ours.
    Behind,
    /// The user asked for it.
    Manual,
}

/// What a finished round decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Decision {
    /// No usable reply came back.
    NoReplies,
    /// The chosen chain is ours.
    InSync,
    /// The chosen chain is a prefix of ours: we are ahead (we just mined, say).
    Ahead,
    /// We fetch the chosen chain.
    Sync {
        /// Its length.
        height: u64,
        /// Its tip.
        hash: String,
    },
}

/// A round in progress.
#[derive(Debug)]
pub struct Round {
    /// Why it started.
    pub trigger: Trigger,
    /// When it started.
    pub started: Instant,
    /// When STATS last went to each peer asked.
    pub asked: BTreeMap<SocketAddr, Instant>,
    /// The replies so far.
    pub replies: BTreeMap<SocketAddr, (u64, Option<String>)>,
    /// Whether the silent peers were asked again.
    pub resent: bool,
}

impl Round {
    /// Whether every peer asked has answered.
    pub fn complete(&self) -> bool {
        self.asked.keys().all(|a| self.replies.contains_key(a))
    }

    /// The peers that have not answered yet.
    pub fn silent(&self) -> Vec<SocketAddr> {
        self.asked.keys().filter(|a| !self.replies.contains_key(a)).copied().collect()
    }
}

/// What the last round saw and did, for the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoundSummary {
    /// Why it ran.
    pub trigger: Trigger,
    /// Peers asked.
    pub asked: usize,
    /// Peers that answered.
    pub replied: usize,
    /// The chains reported, best first.
    pub groups: Vec<Group>,
    /// What it decided.
    pub decision: Decision,
}

/// Groups STATS replies by (height, hash), best first by the rule of `generation` —
/// FLOOD: most peers, then the greater height; GOSSIP: the greater height, then most
/// peers — then the hash (for determinism). Empty chains (height 0 or no hash) are
/// left out. A lone reply `(h, x)` that matches no other group is read as a top index
/// — the same chain as `(h + 1, x)` — when such a group exists.
pub fn rank_replies(replies: &BTreeMap<SocketAddr, (u64, Option<String>)>, generation: Generation) -> Vec<Group> {
    let mut groups: BTreeMap<(u64, String), Vec<SocketAddr>> = BTreeMap::new();
    for (addr, (height, hash)) in replies {
        if let Some(hash) = hash.as_ref().filter(|_| *height > 0) {
            groups.entry((*height, hash.clone())).or_default().push(*addr);
        }
    }
    let lone: Vec<(u64, String)> =
        groups.iter().filter(|(_, peers)| peers.len() == 1).map(|(key, _)| key.clone()).collect();
    for (height, hash) in lone {
        let count_index_key = (height.saturating_add(1), hash.clone());
        if groups.contains_key(&count_index_key)
            && let Some(peers) = groups.remove(&(height, hash))
        {
            groups.entry(count_index_key).or_default().extend(peers);
        }
    }
    let mut ranked: Vec<Group> =
        groups.into_iter().map(|((height, hash), peers)| Group { height, hash, peers }).collect();
    let (peers, heights) =
        (|a: &Group, b: &Group| b.peers.len().cmp(&a.peers.len()), |a: &Group, b: &Group| b.height.cmp(&a.height));
    ranked.sort_by(|a, b| {
        let order = match generation {
            Generation::Flood => peers(a, b).then(heights(a, b)),
            Generation::Gossip => heights(a, b).then(peers(a, b)),
        };
        order.then(a.hash.cmp(&b.hash))
    });
    ranked
}

/// Whether our own chain — `len` blocks with tip `tip` — beats the best group of a
/// round by the rule of `generation`. FLOOD: never (the majority of the others decides,
/// as the FLOOD handout says). GOSSIP: when it is longer, or as long and the group has
/// a single peer whose tip's hash sorts after ours — one voice each, ties broken as in
/// [`rank_replies`], so two peers of equal chains never swap them.
pub fn own_chain_wins(generation: Generation, len: u64, tip: Option<&str>, best: &Group) -> bool {
    match generation {
        Generation::Flood => false,
        Generation::Gossip => {
            len > best.height
                || (len == best.height && best.peers.len() == 1 && tip.is_some_and(|t| t < best.hash.as_str()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replies(list: &[(u16, u64, Option<&str>)]) -> BTreeMap<SocketAddr, (u64, Option<String>)> {
        list.iter()
            .map(|(port, h, hash)| (SocketAddr::from(([127, 0, 0, 1], *port)), (*h, hash.map(String::from))))
            .collect()
    }

    #[test]
    fn flood_majority_wins_over_a_longer_minority() {
        let ranked =
            rank_replies(&replies(&[(1, 5, Some("a")), (2, 5, Some("a")), (3, 9, Some("b"))]), Generation::Flood);
        assert_eq!((ranked[0].height, ranked[0].hash.as_str(), ranked[0].peers.len()), (5, "a", 2));
        assert_eq!(ranked[1].height, 9);
    }

    #[test]
    fn gossip_longest_chain_wins_then_most_peers() {
        let list = [(1, 5, Some("a")), (2, 5, Some("a")), (3, 9, Some("b")), (4, 9, Some("c")), (5, 9, Some("c"))];
        let ranked = rank_replies(&replies(&list), Generation::Gossip);
        let order: Vec<(u64, &str)> = ranked.iter().map(|g| (g.height, g.hash.as_str())).collect();
        assert_eq!(order, [(9, "c"), (9, "b"), (5, "a")]);
    }

    #[test]
    fn ties_go_to_the_greater_height() {
        let ranked = rank_replies(&replies(&[(1, 5, Some("a")), (2, 6, Some("b"))]), Generation::Flood);
        assert_eq!(ranked[0].height, 6);
    }

    #[test]
    fn empty_chains_are_ignored() {
        let ranked = rank_replies(&replies(&[(1, 0, None), (2, 0, Some("x")), (3, 4, None)]), Generation::Gossip);
        assert!(ranked.is_empty());
    }

    #[test]
    fn a_lone_top_index_reply_joins_its_chain() {
        let list = [(1, 7, Some("t")), (2, 7, Some("t")), (3, 6, Some("t")), (4, 9, Some("z"))];
        let ranked = rank_replies(&replies(&list), Generation::Flood);
        assert_eq!(ranked.len(), 2);
        assert_eq!((ranked[0].height, ranked[0].peers.len()), (7, 3));
    }

    #[test]
    fn a_gossip_peer_keeps_a_longer_chain_and_equal_ones_never_swap() {
        let group = |height, hash: &str, peers: u16| Group {
            height,
            hash: hash.into(),
            peers: (1..=peers).map(|p| SocketAddr::from(([127, 0, 0, 1], p))).collect(),
        };
        assert!(own_chain_wins(Generation::Gossip, 12, Some("x"), &group(8, "a", 5)), "longer beats more peers");
        assert!(!own_chain_wins(Generation::Flood, 12, Some("x"), &group(8, "a", 5)), "not in FLOOD: the majority");
        assert!(!own_chain_wins(Generation::Gossip, 7, Some("x"), &group(8, "a", 1)));
        assert!(!own_chain_wins(Generation::Gossip, 8, Some("b"), &group(8, "c", 2)), "as long, more peers");
        // Two peers with equal chains: exactly one of them moves.
        assert!(own_chain_wins(Generation::Gossip, 8, Some("b"), &group(8, "c", 1)));
        assert!(!own_chain_wins(Generation::Gossip, 8, Some("c"), &group(8, "b", 1)));
    }
}
