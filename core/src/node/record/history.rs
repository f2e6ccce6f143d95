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

/// Bytes of a tip hash kept in a point (16 hex characters): enough to tell chains apart.
const TIP_BYTES: usize = 16;

/// The first characters of a tip hash — at most [`TIP_BYTES`] bytes, cut at a character
/// boundary — kept inline, so that a point holds no allocation of its own (a node in a
/// network of 1,000 peers keeps up to 10,000 points). Serialized as the string it holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TipPrefix {
    len: u8,
    bytes: [u8; TIP_BYTES],
}

impl TipPrefix {
    fn new(tip: &str) -> Self {
        let mut end = tip.len().min(TIP_BYTES);
        while !tip.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0; TIP_BYTES];
        bytes[..end].copy_from_slice(&tip.as_bytes()[..end]);
        Self { len: end as u8, bytes }
    }

    /// The characters kept.
    pub fn as_str(&self) -> &str {
        // Cut at a character boundary of a `str`, so always UTF-8.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for TipPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for TipPrefix {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What told us of a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A STATS reply: to a consensus round, or to a tip probe.
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
    pub tip: Option<TipPrefix>,
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
        Self { at, height, tip: tip.map(TipPrefix::new), standing, via, seq: 0 }
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

    /// Whether adding `point` for `owner` (named `name`; `""` leaves the name out) would
    /// change the history: a chain or standing other than its last point's, or a new
    /// name. The node asks before it takes the history to write, so that a repeated
    /// report — most reports — copies nothing a snapshot still shares.
    pub(crate) fn would_change(&self, owner: Owner, name: &str, point: &HeightPoint) -> bool {
        let series = match owner {
            Some(addr) => self.peers.get(&addr),
            None => Some(&self.own),
        };
        series.is_none_or(|series| {
            (!name.is_empty() && series.name != name)
                || !series.points.back().is_some_and(|last| last.same_chain(point))
        })
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
        if !self.would_change(owner, "", &point) {
            return false;
        }
        point.seq = self.next_seq;
        let Some(series) = self.series_mut(owner) else { return false };
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

    #[test]
    fn a_point_keeps_sixteen_characters_of_the_tip_inline_and_serializes_them() {
        let hex = HeightPoint::new(1.0, 5, Some("00ab3f9c1d2e4f5a6b7c8d9e"), Standing::Agrees, Via::Stats);
        assert_eq!(hex.tip.map(|t| t.as_str().to_owned()).as_deref(), Some("00ab3f9c1d2e4f5a"));
        let json = serde_json::to_value(&hex).unwrap();
        assert_eq!(json["tip"], "00ab3f9c1d2e4f5a");
        // A hostile peer's tip of multi-byte characters is cut at a character boundary.
        let odd = HeightPoint::new(1.0, 5, Some("ééééééééé"), Standing::Unknown, Via::Stats);
        assert_eq!(odd.tip.unwrap().as_str(), "éééééééé");
        let none = HeightPoint::new(1.0, 0, None, Standing::Unknown, Via::Stats);
        assert_eq!(serde_json::to_value(&none).unwrap()["tip"], serde_json::Value::Null);
        assert!(std::mem::size_of::<HeightPoint>() <= 64, "a point is {} bytes", std::mem::size_of::<HeightPoint>());
    }

    #[test]
    fn only_a_new_chain_standing_or_name_would_change_a_series() {
        let mut history = History::default();
        assert!(history.would_change(Some(addr(1)), "a", &point(1.0, 5)), "a new peer");
        history.add(addr(1), "a", point(1.0, 5));
        assert!(!history.would_change(Some(addr(1)), "a", &point(2.0, 5)), "the same chain again");
        assert!(!history.would_change(Some(addr(1)), "", &point(2.0, 5)), "no name: the name is left out");
        assert!(history.would_change(Some(addr(1)), "b", &point(2.0, 5)), "a new name");
        assert!(history.would_change(Some(addr(1)), "a", &point(2.0, 6)), "a new chain");
        assert!(history.would_change(None, "", &point(2.0, 5)), "our own series is empty");
    }
}
