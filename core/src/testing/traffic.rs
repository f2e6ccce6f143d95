//! SimNet's traffic accounting: datagrams and bytes each node sent and received, by
//! message type. A node's own counters know totals, and types only per peer it still
//! knows; this book keeps everything, for the whole run.

use crate::node::Traffic;
use crate::protocol::{KINDS, decode};
use std::collections::BTreeMap;

/// The type of a datagram that does not decode.
pub const MALFORMED: &str = "MALFORMED";

/// Traffic by message type.
pub type ByKind = BTreeMap<&'static str, Traffic>;

/// The message type of `bytes` (its [`crate::protocol::Message::kind`]), named cheaply:
/// our encoder writes `type` first, spelt as [`KINDS`] has it, so the bytes after
/// `{"type":"` name it. Anything else — another spelling, another field order — is
/// decoded in full.
pub(super) fn kind_of(bytes: &[u8]) -> &'static str {
    let sent = type_name(bytes).and_then(|name| KINDS.iter().find(|kind| kind.as_bytes() == name));
    sent.copied().unwrap_or_else(|| decoded_kind(bytes))
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
    use crate::protocol::{BlockReply, FloodReply, Message, StatsReply};

    #[test]
    fn kinds_are_named_like_the_node_names_them() {
        let join_reply = |generation| {
            Message::FloodReply(FloodReply { generation, host: "127.0.0.1".into(), port: 1, name: "n".into() })
        };
        let reply = join_reply(Generation::Flood);
        assert_eq!(kind_of(&reply.encode()), "FLOOD-REPLY");
        assert_eq!(kind_of(br#"{"type":"FLOOD_REPLY","host":"127.0.0.1","port":2}"#), "FLOOD-REPLY");
        assert_eq!(kind_of(br#"{"port":2,"type":"STATS"}"#), "STATS");
        let gossip = join_reply(Generation::Gossip);
        assert_eq!(kind_of(&gossip.encode()), gossip.kind());
        assert_ne!(gossip.kind(), "FLOOD-REPLY");
        let block = crate::testing::chain_of(1, 1, "m").tip().cloned().unwrap();
        let every_type = [
            Message::Stats,
            Message::StatsReply(StatsReply { height: 1, hash: Some(block.hash.clone()) }),
            Message::GetBlock { height: 3 },
            Message::GetBlockReply(BlockReply::Block(block.clone())),
            Message::GetBlockReply(BlockReply::Missing(Generation::Gossip)),
            Message::Announce(block),
            Message::NewWord { word: "w".into() },
            Message::Consensus,
            reply,
            gossip,
        ];
        for message in every_type {
            assert!(KINDS.contains(&message.kind()), "{message:?}");
            assert_eq!(kind_of(&message.encode()), message.kind());
        }
        assert_eq!(kind_of(b"{}"), "UNKNOWN");
        assert_eq!(kind_of(b"not json"), MALFORMED);
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
