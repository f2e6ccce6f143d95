//! SimNet's node deadlines in a min-heap: each node's next moment of work (a timer or a
//! block its simulated miner finds), found in O(log N) instead of asking every node at
//! every step. An entry goes stale when the node's deadline changes; stale entries are
//! skipped when they surface and swept out when they outnumber the live ones.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// A deadline entry: (when, the node's number — the tie order).
type Entry = Reverse<(Instant, usize)>;

/// The next deadline of every node, by number.
#[derive(Debug, Default)]
pub(super) struct Deadlines {
    heap: BinaryHeap<Entry>,
    current: Vec<Option<Instant>>,
}

impl Deadlines {
    /// Sets node `node`'s next deadline to `at`.
    pub(super) fn set(&mut self, node: usize, at: Option<Instant>) {
        if self.current.len() <= node {
            self.current.resize(node + 1, None);
        }
        if self.current[node] == at {
            return;
        }
        self.current[node] = at;
        if let Some(t) = at {
            self.heap.push(Reverse((t, node)));
        }
        if self.heap.len() > 2 * self.current.len() + 64 {
            self.sweep();
        }
    }

    /// The earliest deadline.
    pub(super) fn next(&mut self) -> Option<Instant> {
        while let Some(Reverse((t, node))) = self.heap.peek().copied() {
            if self.current[node] == Some(t) {
                return Some(t);
            }
            self.heap.pop();
        }
        None
    }

    /// Takes the nodes whose deadline comes before `horizon` (earliest first, ties by
    /// number) into `due`; their deadlines are unset until set again.
    pub(super) fn take_before(&mut self, horizon: Instant, due: &mut Vec<usize>) {
        while let Some(t) = self.next().filter(|t| *t < horizon) {
            if let Some(Reverse((_, node))) = self.heap.pop() {
                debug_assert_eq!(self.current[node], Some(t));
                self.current[node] = None;
                due.push(node);
            }
        }
    }

    /// Rebuilds the heap from the live deadlines alone.
    fn sweep(&mut self) {
        self.heap = self.current.iter().enumerate().filter_map(|(node, at)| at.map(|t| Reverse((t, node)))).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_earliest_live_deadlines_come_first() {
        let t0 = Instant::now();
        let at = |ms| Some(t0 + Duration::from_millis(ms));
        let mut deadlines = Deadlines::default();
        deadlines.set(0, at(30));
        deadlines.set(2, at(10));
        deadlines.set(1, at(10));
        assert_eq!(deadlines.next(), at(10));
        deadlines.set(1, at(50));
        deadlines.set(2, None);
        assert_eq!(deadlines.next(), at(30), "stale entries are skipped");
        let mut due = Vec::new();
        deadlines.take_before(t0 + Duration::from_millis(50), &mut due);
        assert_eq!(due, vec![0], "only what comes before the horizon");
        deadlines.set(3, at(40));
        deadlines.set(4, at(40));
        deadlines.take_before(t0 + Duration::from_millis(51), &mut due);
        assert_eq!(due, vec![0, 3, 4, 1], "in time order, ties by number");
        assert_eq!(deadlines.next(), None);
        deadlines.set(1, at(50));
        assert_eq!(deadlines.next(), at(50), "a taken node's deadline can be set again, even to the same time");
    }

    #[test]
    fn stale_entries_are_swept() {
        let t0 = Instant::now();
        let mut deadlines = Deadlines::default();
        for ms in 0..10_000 {
            deadlines.set(ms % 3, Some(t0 + Duration::from_millis(ms as u64)));
        }
        assert!(deadlines.heap.len() <= 2 * 3 + 64);
        assert_eq!(deadlines.next(), Some(t0 + Duration::from_millis(9_997)));
    }
}
