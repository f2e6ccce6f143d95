//! The verified peers as a list with O(1) membership changes, so that a few of them can
//! be drawn at random in O(k) — once for every new join message we forward, every block
//! we relay and every tip probe. Collecting the whole table for each was most of a big
//! network's work (docs/SCALE.md).

use std::collections::HashMap;
use std::net::SocketAddr;

/// The verified peers, in an order fixed by the history of changes.
#[derive(Debug, Default)]
pub(super) struct Verified {
    list: Vec<SocketAddr>,
    slot: HashMap<SocketAddr, usize>,
}

impl Verified {
    /// Adds `addr` (once).
    pub(super) fn insert(&mut self, addr: SocketAddr) {
        if !self.slot.contains_key(&addr) {
            self.slot.insert(addr, self.list.len());
            self.list.push(addr);
        }
    }

    /// Removes `addr` if present (the last one takes its place).
    pub(super) fn remove(&mut self, addr: &SocketAddr) {
        let Some(slot) = self.slot.remove(addr) else {
            return;
        };
        self.list.swap_remove(slot);
        if let Some(moved) = self.list.get(slot) {
            self.slot.insert(*moved, slot);
        }
    }

    /// Up to `k` of the peers not in `except`, drawn at random with `rng`, each once.
    pub(super) fn sample(&self, rng: &mut fastrand::Rng, k: usize, except: &[SocketAddr]) -> Vec<SocketAddr> {
        let excluded =
            except.iter().enumerate().filter(|(i, a)| self.slot.contains_key(a) && !except[..*i].contains(a));
        let eligible = self.list.len().saturating_sub(excluded.count());
        if k >= eligible {
            let mut all: Vec<SocketAddr> = self.list.iter().filter(|a| !except.contains(a)).copied().collect();
            rng.shuffle(&mut all);
            return all;
        }
        // k is far below the eligible count in every use (3 or 8 of hundreds): rejection
        // sampling needs about k draws.
        let mut picked = Vec::with_capacity(k);
        while picked.len() < k {
            let addr = self.list[rng.usize(..self.list.len())];
            if !except.contains(&addr) && !picked.contains(&addr) {
                picked.push(addr);
            }
        }
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn a_sample_is_k_distinct_eligible_peers_or_all_of_them() {
        let mut verified = Verified::default();
        for port in 1..=20 {
            verified.insert(addr(port));
        }
        verified.insert(addr(3));
        verified.remove(&addr(5));
        verified.remove(&addr(99));
        assert_eq!(verified.list.len(), 19);
        let mut rng = fastrand::Rng::with_seed(1);
        for _ in 0..100 {
            let sample = verified.sample(&mut rng, 3, &[addr(1), addr(2), addr(2)]);
            assert_eq!(sample.len(), 3);
            assert!(sample.iter().all(|a| ![addr(1), addr(2), addr(5)].contains(a)), "{sample:?}");
            assert!(sample[0] != sample[1] && sample[1] != sample[2] && sample[0] != sample[2]);
        }
        let mut all = verified.sample(&mut rng, 18, &[addr(1), addr(1)]);
        all.sort();
        assert_eq!(all, (2..=20).filter(|p| *p != 5).map(addr).collect::<Vec<_>>());
        for a in verified.list.clone() {
            verified.remove(&a);
        }
        assert!(verified.sample(&mut rng, 3, &[]).is_empty() && verified.slot.is_empty());
    }
}
