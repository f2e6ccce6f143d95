//! Traffic counts: messages and bytes of one message type each way, and one peer's book
//! of them by type — a short list, since a peer uses a handful of types.

use crate::protocol::KINDS;
use serde::Serialize;
use std::collections::BTreeMap;

/// Messages and bytes of one message type, each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    /// Datagrams received.
    pub msgs_in: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Datagrams sent.
    pub msgs_out: u64,
    /// Bytes sent.
    pub bytes_out: u64,
}

impl<'a> std::iter::Sum<&'a Traffic> for Traffic {
    /// All message types (or peers) together.
    fn sum<I: Iterator<Item = &'a Traffic>>(iter: I) -> Self {
        iter.fold(Traffic::default(), |sum, t| Traffic {
            msgs_in: sum.msgs_in + t.msgs_in,
            bytes_in: sum.bytes_in + t.bytes_in,
            msgs_out: sum.msgs_out + t.msgs_out,
            bytes_out: sum.bytes_out + t.bytes_out,
        })
    }
}

/// One message type's counts in 32 bytes: the type by its place in [`KINDS`],
/// datagrams as (saturating) 32-bit counts.
#[derive(Clone, Copy, Debug)]
struct Entry {
    bytes_in: u64,
    bytes_out: u64,
    msgs_in: u32,
    msgs_out: u32,
    kind: u8,
}

/// One peer's traffic by message type: a short list (a peer uses a handful of types),
/// kept small because a peer table holds a thousand of them.
#[derive(Clone, Debug, Default)]
pub struct Book(Vec<Entry>);

impl Book {
    /// Counts a datagram of `kind` and `bytes`, received or sent.
    pub fn record(&mut self, kind: &'static str, bytes: usize, received: bool) {
        let kind = kind_index(kind);
        let entry = match self.0.iter().position(|e| e.kind == kind) {
            Some(i) => &mut self.0[i],
            None => {
                self.0.push(Entry { bytes_in: 0, bytes_out: 0, msgs_in: 0, msgs_out: 0, kind });
                self.0.last_mut().expect("just pushed")
            }
        };
        if received {
            entry.msgs_in = entry.msgs_in.saturating_add(1);
            entry.bytes_in += bytes as u64;
        } else {
            entry.msgs_out = entry.msgs_out.saturating_add(1);
            entry.bytes_out += bytes as u64;
        }
    }

    /// The counts by type, in order of the type's name.
    pub fn by_kind(&self) -> BTreeMap<&'static str, Traffic> {
        self.0
            .iter()
            .map(|e| {
                let traffic = Traffic {
                    msgs_in: e.msgs_in.into(),
                    bytes_in: e.bytes_in,
                    msgs_out: e.msgs_out.into(),
                    bytes_out: e.bytes_out,
                };
                (KINDS[usize::from(e.kind)], traffic)
            })
            .collect()
    }
}

/// The place of `kind` in [`KINDS`] (a type we do not know counts as "UNKNOWN").
fn kind_index(kind: &'static str) -> u8 {
    let place = KINDS.iter().position(|k| std::ptr::eq(*k, kind)).or_else(|| KINDS.iter().position(|k| *k == kind));
    place.unwrap_or(KINDS.len() - 1) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_counts_each_type_each_way() {
        let mut book = Book::default();
        book.record("STATS", 16, false);
        book.record("STATS_REPLY", 90, true);
        book.record(String::from("STATS").leak(), 16, false);
        let map = book.by_kind();
        assert_eq!(map.len(), 2, "one entry per type, however the name is held");
        assert_eq!((map["STATS"].msgs_out, map["STATS"].bytes_out), (2, 32));
        assert_eq!((map["STATS_REPLY"].msgs_in, map["STATS_REPLY"].bytes_in), (1, 90));
        book.record("SOMETHING", 5, true);
        assert_eq!(book.by_kind()["UNKNOWN"].msgs_in, 1, "a type of no message counts as unknown");
    }
}
