//! Each peer's reported chain over time — a point whenever its height or tip changes,
//! from STATS replies and ANNOUNCEs — and our own chain beside them, within the record's
//! bounds: one series keeps at most its share, and past the total the oldest point of
//! all goes (found in O(log n) through an index of each series' first point).

use super::{MAX_POINTS, MAX_POINTS_PER_PEER};
use crate::node::Standing;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;

/// Hex characters of a tip hash kept in a point: enough to tell chains apart.
const TIP_CHARS: usize = 16;

/// What told us of a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A STATS reply in a consensus round.
    Stats,
    /// An ANNOUNCE of its tip block.
    Announce,
    /// Our own chain changed.
    Own,
}

/// A chain reported at a moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeightPoint {
    /// When (Unix seconds).
    pub at: f64,
    /// Its length.
    pub height: u64,
    /// The first 16 hex characters of its tip (`None`: no chain).
    pub tip: Option<String>,
    /// How it stood with our chain at that moment.
    pub standing: Standing,
    /// What told us.
    pub via: Via,
    /// Its place in the order points were added (for eviction).
    #[serde(skip)]
    seq: u64,
}

impl HeightPoint {
    /// A point for a chain of `height` blocks ending in `tip`.
    pub fn new(at: f64, height: u64, tip: Option<&str>, standing: Standing, via: Via) -> Self {
        let tip = tip.map(|t| t.chars().take(TIP_CHARS).collect());
        Self { at, height, tip, standing, via, seq: 0 }
    }

    fn same_chain(&self, other: &HeightPoint) -> bool {
        self.height == other.height && self.tip == other.tip && self.standing == other.standing
    }
}

/// One peer's points, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Series {
    /// The peer's name when it last reported.
    pub name: String,
    /// Its points, oldest first.
    pub points: VecDeque<HeightPoint>,
}

/// Whose series: a peer's, or ours (`None`).
type Owner = Option<SocketAddr>;

/// Every peer's series, and ours.
#[derive(Clone, Debug, Default, Serialize)]
pub struct History {
    /// Each peer's series, by address (peers that left keep theirs until it ages out).
    pub peers: BTreeMap<SocketAddr, Arc<Series>>,
    /// Our own chain's length over time.
    pub own: Arc<Series>,
    /// Points held, all series together.
    pub total: usize,
    /// The first point of each series, by `seq`: the oldest point of all is first.
    #[serde(skip)]
    fronts: BTreeSet<(u64, Owner)>,
    #[serde(skip)]
    next_seq: u64,
}

impl History {
    /// Adds a point for `peer` (named `name`), unless it repeats the chain and standing
    /// of the peer's last point; returns whether it was added.
    pub(crate) fn add(&mut self, peer: SocketAddr, name: &str, point: HeightPoint) -> bool {
        let series = self.peers.entry(peer).or_default();
        if !name.is_empty() && series.name != name {
            name.clone_into(&mut Arc::make_mut(series).name);
        }
        self.push(Some(peer), point)
    }

    /// Adds a point for our own chain, unless it is unchanged.
    pub(crate) fn add_own(&mut self, point: HeightPoint) -> bool {
        self.push(None, point)
    }

    fn series_mut(&mut self, owner: Owner) -> Option<&mut Series> {
        match owner {
            Some(addr) => self.peers.get_mut(&addr).map(Arc::make_mut),
            None => Some(Arc::make_mut(&mut self.own)),
        }
    }

    fn push(&mut self, owner: Owner, mut point: HeightPoint) -> bool {
        point.seq = self.next_seq;
        let Some(series) = self.series_mut(owner) else { return false };
        if series.points.back().is_some_and(|last| last.same_chain(&point)) {
            return false;
        }
        let first = series.points.is_empty();
        series.points.push_back(point);
        let over = series.points.len() > MAX_POINTS_PER_PEER;
        if first {
            self.fronts.insert((self.next_seq, owner));
        }
        self.next_seq += 1;
        self.total += 1;
        if over {
            self.pop_front(owner);
        }
        while self.total > MAX_POINTS {
            let Some(&(_, oldest)) = self.fronts.first() else { break };
            self.pop_front(oldest);
        }
        true
    }

    /// Drops the first point of `owner`'s series (and the series, if a peer's is left empty).
    fn pop_front(&mut self, owner: Owner) {
        let Some(series) = self.series_mut(owner) else { return };
        let Some(gone) = series.points.pop_front() else { return };
        let next = series.points.front().map(|p| p.seq);
        self.total -= 1;
        self.fronts.remove(&(gone.seq, owner));
        match (next, owner) {
            (Some(seq), _) => {
                self.fronts.insert((seq, owner));
            }
            (None, Some(addr)) => {
                self.peers.remove(&addr);
            }
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn point(at: f64, height: u64) -> HeightPoint {
        HeightPoint::new(at, height, Some("ab"), Standing::Agrees, Via::Stats)
    }

    #[test]
    fn a_repeated_chain_adds_no_point() {
        let mut history = History::default();
        assert!(history.add(addr(1), "a", point(1.0, 5)));
        assert!(!history.add(addr(1), "a", point(2.0, 5)));
        assert!(history.add(addr(1), "a", point(3.0, 6)));
        assert_eq!(history.total, 2);
    }

    #[test]
    fn one_peer_keeps_its_share_and_the_total_is_bounded() {
        let mut history = History::default();
        for i in 0..(MAX_POINTS_PER_PEER as u64 + 10) {
            history.add(addr(1), "loud", point(i as f64, i + 1));
        }
        assert_eq!(history.peers[&addr(1)].points.len(), MAX_POINTS_PER_PEER);
        assert_eq!(history.peers[&addr(1)].points[0].height, 11, "its oldest went");
        let mut t = 2_000.0;
        for port in 2..40 {
            for h in 0..400 {
                t += 1.0;
                history.add(addr(port), "", point(t, h + 1));
            }
        }
        history.add_own(point(t + 1.0, 7));
        assert_eq!(history.total, MAX_POINTS);
        assert_eq!(
            history.peers.values().map(|s| s.points.len()).sum::<usize>() + history.own.points.len(),
            MAX_POINTS
        );
        assert!(!history.peers.contains_key(&addr(1)), "the oldest points of all went first");
        assert_eq!(history.own.points.len(), 1, "ours is the newest");
    }
}
