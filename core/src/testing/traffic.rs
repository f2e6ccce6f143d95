//! SimNet's traffic accounting: datagrams and bytes each node sent and received, by
//! message type. A node's own counters know totals, and types only per peer it still
//! knows; this book keeps everything, for the whole run.

use crate::node::Traffic;
use crate::protocol::decode;
use std::collections::BTreeMap;

/// The type of a datagram that does not decode.
pub const MALFORMED: &str = "MALFORMED";

/// Traffic by message type.
pub type ByKind = BTreeMap<&'static str, Traffic>;

/// Names message types cheaply: our encoder writes `type` first, so the bytes after
/// `{"type":"` name it; each name seen is decoded once and remembered (a handful, so a
/// list). A datagram that does not start so is decoded in full.
#[derive(Debug, Default)]
pub(super) struct Kinds {
    known: Vec<(Vec<u8>, &'static str)>,
}

impl Kinds {
    /// The message type of `bytes` (its [`crate::protocol::Message::kind`]).
    pub(super) fn of(&mut self, bytes: &[u8]) -> &'static str {
        let Some(name) = type_name(bytes) else {
            return decoded_kind(bytes);
        };
        if let Some((_, kind)) = self.known.iter().find(|(known, _)| known == name) {
            return kind;
        }
        let kind = decoded_kind(bytes);
        if kind != MALFORMED {
            self.known.push((name.to_vec(), kind));
        }
        kind
    }
}

fn decoded_kind(bytes: &[u8]) -> &'static str {
    decode(bytes).map_or(MALFORMED, |message| message.kind())
}

/// The bytes of the `type` field when it comes first, as we encode it.
fn type_name(bytes: &[u8]) -> Option<&[u8]> {
    let rest = bytes.strip_prefix(br#"{"type":""#)?;
    let end = rest.iter().position(|b| *b == b'"')?;
    Some(&rest[..end])
}

/// Adds one datagram of `len` bytes of type `kind` to `book`, received or sent.
pub(super) fn record(book: &mut ByKind, kind: &'static str, len: usize, received: bool) {
    let t = book.entry(kind).or_default();
    if received {
        t.msgs_in += 1;
        t.bytes_in += len as u64;
    } else {
        t.msgs_out += 1;
        t.bytes_out += len as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::Generation;
    use crate::protocol::{FloodReply, Message};

    #[test]
    fn kinds_are_named_like_the_node_names_them() {
        let mut kinds = Kinds::default();
        let join_reply = |generation| {
            Message::FloodReply(FloodReply { generation, host: "127.0.0.1".into(), port: 1, name: "n".into() })
        };
        let reply = join_reply(Generation::Flood);
        assert_eq!(kinds.of(&reply.encode()), "FLOOD-REPLY");
        assert_eq!(kinds.of(&reply.encode()), "FLOOD-REPLY", "remembered");
        assert_eq!(kinds.of(br#"{"type":"FLOOD_REPLY","host":"127.0.0.1","port":2}"#), "FLOOD-REPLY");
        assert_eq!(kinds.of(br#"{"port":2,"type":"STATS"}"#), "STATS");
        let gossip = join_reply(Generation::Gossip);
        assert_eq!(kinds.of(&gossip.encode()), gossip.kind());
        assert_ne!(gossip.kind(), "FLOOD-REPLY");
        assert_eq!(kinds.of(b"{}"), "UNKNOWN");
        assert_eq!(kinds.of(b"not json"), MALFORMED);
    }

    #[test]
    fn totals_add_every_kind() {
        let mut book = ByKind::new();
        record(&mut book, "STATS", 16, false);
        record(&mut book, "STATS_REPLY", 90, true);
        record(&mut book, "STATS_REPLY", 90, true);
        let sum: Traffic = book.values().sum();
        assert_eq!((sum.msgs_in, sum.bytes_in, sum.msgs_out, sum.bytes_out), (2, 180, 1, 16));
    }
}
