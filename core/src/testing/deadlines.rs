//! SimNet's node deadlines in a min-heap: each node's next moment of work (a timer or a
//! block its simulated miner finds), found in O(log N) instead of asking every node at
//! every step. An entry goes stale when the node's deadline changes; stale entries are
//! skipped when they surface and swept out when they outnumber the live ones.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::SocketAddr;
use std::time::Instant;

/// A deadline entry: (when, the node's address for a deterministic tie order, its index).
type Entry = Reverse<(Instant, SocketAddr, usize)>;

/// The next deadline of every node, by index.
#[derive(Debug, Default)]
pub(super) struct Deadlines {
    heap: BinaryHeap<Entry>,
    current: Vec<Option<(Instant, SocketAddr)>>,
}

impl Deadlines {
    /// Sets node `index`'s (at `addr`) next deadline to `at`.
    pub(super) fn set(&mut self, index: usize, addr: SocketAddr, at: Option<Instant>) {
        if self.current.len() <= index {
            self.current.resize(index + 1, None);
        }
        let entry = at.map(|t| (t, addr));
        if self.current[index] == entry {
            return;
        }
        self.current[index] = entry;
        if let Some(t) = at {
            self.heap.push(Reverse((t, addr, index)));
        }
        if self.heap.len() > 2 * self.current.len() + 64 {
            self.sweep();
        }
    }

    /// The earliest deadline and its node's index (ties: the lower address first).
    pub(super) fn next(&mut self) -> Option<(Instant, usize)> {
        while let Some(Reverse((t, addr, index))) = self.heap.peek().copied() {
            if self.current[index] == Some((t, addr)) {
                return Some((t, index));
            }
            self.heap.pop();
        }
        None
    }

    /// Rebuilds the heap from the live deadlines alone.
    fn sweep(&mut self) {
        self.heap = self
            .current
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| entry.map(|(t, addr)| Reverse((t, addr, index))))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn the_earliest_live_deadline_comes_first() {
        let t0 = Instant::now();
        let at = |ms| Some(t0 + Duration::from_millis(ms));
        let mut deadlines = Deadlines::default();
        deadlines.set(0, addr(2), at(30));
        deadlines.set(1, addr(1), at(10));
        deadlines.set(2, addr(3), at(10));
        assert_eq!(deadlines.next(), Some((t0 + Duration::from_millis(10), 1)), "ties go to the lower address");
        deadlines.set(1, addr(1), at(50));
        deadlines.set(2, addr(3), None);
        assert_eq!(deadlines.next(), Some((t0 + Duration::from_millis(30), 0)), "stale entries are skipped");
        deadlines.set(0, addr(2), None);
        assert_eq!(deadlines.next(), Some((t0 + Duration::from_millis(50), 1)));
    }

    #[test]
    fn stale_entries_are_swept() {
        let t0 = Instant::now();
        let mut deadlines = Deadlines::default();
        for ms in 0..10_000 {
            deadlines.set(ms % 3, addr(ms as u16 % 3), Some(t0 + Duration::from_millis(ms as u64)));
        }
        assert!(deadlines.heap.len() <= 2 * 3 + 64);
        assert_eq!(deadlines.next(), Some((t0 + Duration::from_millis(9_997), 1)));
    }
}
