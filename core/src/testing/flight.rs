//! SimNet's datagrams in flight, earliest arrival first. Ties are broken by the sender's
//! number and the datagram's number among its sender's — an order fixed by the run's seed
//! alone, whichever thread sent them. The heap holds small keys; the datagrams wait in a
//! slab beside it, so a heap step moves 40 bytes, not the datagram.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::SocketAddr;
use std::time::Instant;

/// A datagram on its way.
#[derive(Debug)]
pub(super) struct Datagram {
    /// The destination's node number, if a node has that address.
    pub to_node: Option<usize>,
    /// Source.
    pub from: SocketAddr,
    /// Its message type, named when it was sent.
    pub kind: &'static str,
    /// Payload.
    pub bytes: Vec<u8>,
}

/// Where a datagram stands in the order of arrivals: when it arrives, then its sender's
/// node number, then its number among the datagrams that node sent.
pub(super) type Key = (Instant, u32, u64);

/// The datagrams in flight.
#[derive(Debug, Default)]
pub(super) struct InFlight {
    /// (key, slot).
    heap: BinaryHeap<Reverse<(Key, usize)>>,
    slots: Vec<Option<Datagram>>,
    free: Vec<usize>,
}

impl InFlight {
    /// Sends `datagram`, arriving at `key.0`.
    pub(super) fn push(&mut self, key: Key, datagram: Datagram) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot] = Some(datagram);
                slot
            }
            None => {
                self.slots.push(Some(datagram));
                self.slots.len() - 1
            }
        };
        self.heap.push(Reverse((key, slot)));
    }

    /// When the next datagram arrives.
    pub(super) fn next_arrival(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse(((at, ..), _))| *at)
    }

    /// Takes the next datagram to arrive, if it arrives before `horizon`.
    pub(super) fn pop_before(&mut self, horizon: Instant) -> Option<(Instant, Datagram)> {
        let Reverse(((at, ..), slot)) = *self.heap.peek().filter(|Reverse(((at, ..), _))| *at < horizon)?;
        self.heap.pop();
        self.free.push(slot);
        self.slots[slot].take().map(|datagram| (at, datagram))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn earliest_first_then_by_sender_then_in_sending_order() {
        let t0 = Instant::now();
        let addr = SocketAddr::from(([127, 0, 0, 1], 1));
        let datagram = |tag: u8| Datagram { to_node: None, from: addr, kind: "STATS", bytes: vec![tag] };
        let at = |ms| t0 + Duration::from_millis(ms);
        let mut flight = InFlight::default();
        flight.push((at(5), 2, 0), datagram(1));
        flight.push((at(2), 7, 0), datagram(2));
        flight.push((at(5), 1, 9), datagram(3));
        flight.push((at(5), 1, 3), datagram(4));
        assert_eq!(flight.next_arrival(), Some(at(2)));
        assert!(flight.pop_before(at(2)).is_none(), "nothing arrives before 2 ms");
        let order: Vec<u8> = std::iter::from_fn(|| flight.pop_before(at(6))).map(|(_, d)| d.bytes[0]).collect();
        assert_eq!(order, vec![2, 4, 3, 1]);
        flight.push((t0, 0, 0), datagram(5));
        assert_eq!(flight.slots.len(), 4, "slots are reused");
    }
}
