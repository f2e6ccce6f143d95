//! Telling the generations apart from what a well-known peer answers, before a peer
//! commits to a chain: we ask for its genesis block and greet it both ways (FLOOD and
//! GOSSIP — a peer ignores the type it does not know), and the first telling answer
//! decides. Sans-IO: the caller sends the probes and hands in what comes back.

use super::{BlockReply, Flood, Message, decode};
use crate::chain::Generation;

/// What decided the generation, for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// A block came with a timestamp, or without.
    Block,
    /// A reply to our join message of one generation.
    JoinReply,
    /// A "missing block" reply with (or without) the GOSSIP generation's timestamp key.
    MissingReply,
}

impl Evidence {
    /// In words: "its block 0 carries a timestamp", etc.
    pub fn describe(self, generation: Generation) -> String {
        match (self, generation) {
            (Evidence::Block, Generation::Gossip) => "its genesis block carries a timestamp".into(),
            (Evidence::Block, Generation::Flood) => "its genesis block carries no timestamp".into(),
            (Evidence::JoinReply, g) => format!("it answered our {} with {}", g.join_type(), g.join_reply_type()),
            (Evidence::MissingReply, Generation::Gossip) => "its reply for a block it lacks has a timestamp".into(),
            (Evidence::MissingReply, Generation::Flood) => "its reply for a block it lacks has no timestamp".into(),
        }
    }
}

/// Sorts the answers of a well-known peer into a verdict.
#[derive(Debug, Default)]
pub struct Detector {
    /// A FLOOD-looking "missing" reply: old GOSSIP peers may send it too, so it only
    /// decides when nothing better came.
    weak: Option<Generation>,
}

impl Detector {
    /// The datagrams to send to the well-known peer (again, if nothing came back): a
    /// GET_BLOCK for the genesis block, and a join message of each generation naming us.
    pub fn probes(host: &str, port: u16, name: &str, id: &str) -> Vec<Vec<u8>> {
        let join = |generation| {
            let flood = Flood { generation, host: host.into(), port, id: id.into(), name: name.into() };
            Message::Flood(flood).encode()
        };
        vec![Message::GetBlock { height: 0 }.encode(), join(Generation::Flood), join(Generation::Gossip)]
    }

    /// Takes one answer; the generation, once one tells.
    pub fn answer(&mut self, bytes: &[u8]) -> Option<(Generation, Evidence)> {
        match decode(bytes).ok()? {
            Message::GetBlockReply(BlockReply::Block(block)) => {
                Some((Generation::of_timestamp(block.timestamp), Evidence::Block))
            }
            Message::FloodReply(reply) => Some((reply.generation, Evidence::JoinReply)),
            Message::GetBlockReply(BlockReply::Missing(Generation::Gossip)) => {
                Some((Generation::Gossip, Evidence::MissingReply))
            }
            Message::GetBlockReply(BlockReply::Missing(Generation::Flood)) => {
                self.weak = Some(Generation::Flood);
                None
            }
            _ => None,
        }
    }

    /// The verdict when the time to answer is up: only a weak hint, if any came.
    pub fn give_up(&self) -> Option<(Generation, Evidence)> {
        self.weak.map(|generation| (generation, Evidence::MissingReply))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_telling_answer_decides() {
        let mut detector = Detector::default();
        assert_eq!(Detector::probes("127.0.0.1", 9, "me", "x").len(), 3);
        assert_eq!(detector.answer(br#"{"type":"STATS_REPLY","height":0,"hash":null}"#), None);
        let missing =
            br#"{"type":"GET_BLOCK_REPLY","height":null,"minedBy":null,"nonce":null,"messages":null,"hash":null}"#;
        assert_eq!(detector.answer(missing), None, "a FLOOD-looking missing reply is only a hint");
        assert_eq!(detector.give_up(), Some((Generation::Flood, Evidence::MissingReply)));
        let gossip = br#"{"type":"GOSSIP_REPLY","host":"h","port":1,"name":"n"}"#;
        assert_eq!(detector.answer(gossip), Some((Generation::Gossip, Evidence::JoinReply)));
        let block = r#"{"type":"GET_BLOCK_REPLY","height":0,"minedBy":"Prof!","nonce":"7965175207940","messages":["3010 rocks"],"hash":"2483cc5c0d2fdbeeba3c942bde825270f345b2e9cd28f22d12ba347300000000","timestamp":1699293749}"#;
        assert_eq!(Detector::default().answer(block.as_bytes()), Some((Generation::Gossip, Evidence::Block)));
        assert_eq!(Evidence::Block.describe(Generation::Gossip), "its genesis block carries a timestamp");
    }
}
