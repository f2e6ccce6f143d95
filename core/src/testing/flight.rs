//! SimNet's datagrams in flight, earliest arrival first (ties in the order they were
//! sent). The heap holds small keys; the datagrams wait in a slab beside it, so a
//! heap step moves 32 bytes, not the datagram.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::SocketAddr;
use std::time::Instant;

/// A datagram on its way.
#[derive(Debug)]
pub(super) struct Datagram {
    /// Destination.
    pub to: SocketAddr,
    /// Source.
    pub from: SocketAddr,
    /// Its message type, named when it was sent.
    pub kind: &'static str,
    /// Payload.
    pub bytes: Vec<u8>,
}

/// The datagrams in flight.
#[derive(Debug, Default)]
pub(super) struct InFlight {
    /// (arrival, sequence, slot).
    heap: BinaryHeap<Reverse<(Instant, u64, usize)>>,
    slots: Vec<Option<Datagram>>,
    free: Vec<usize>,
    seq: u64,
}

impl InFlight {
    /// Sends `datagram`, arriving `at`.
    pub(super) fn push(&mut self, at: Instant, datagram: Datagram) {
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
        self.seq += 1;
        self.heap.push(Reverse((at, self.seq, slot)));
    }

    /// When the next datagram arrives.
    pub(super) fn next_arrival(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((at, ..))| *at)
    }

    /// Takes the next datagram to arrive.
    pub(super) fn pop(&mut self) -> Option<Datagram> {
        let Reverse((_, _, slot)) = self.heap.pop()?;
        self.free.push(slot);
        self.slots[slot].take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn earliest_first_then_in_sending_order() {
        let t0 = Instant::now();
        let addr = SocketAddr::from(([127, 0, 0, 1], 1));
        let datagram = |tag: u8| Datagram { to: addr, from: addr, kind: "STATS", bytes: vec![tag] };
        let mut flight = InFlight::default();
        flight.push(t0 + Duration::from_millis(5), datagram(1));
        flight.push(t0 + Duration::from_millis(2), datagram(2));
        flight.push(t0 + Duration::from_millis(5), datagram(3));
        assert_eq!(flight.next_arrival(), Some(t0 + Duration::from_millis(2)));
        let order: Vec<u8> = std::iter::from_fn(|| flight.pop()).map(|d| d.bytes[0]).collect();
        assert_eq!(order, vec![2, 1, 3]);
        flight.push(t0, datagram(4));
        assert_eq!(flight.slots.len(), 3, "slots are reused");
    }
}
