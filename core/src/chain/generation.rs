//! The two generations of the classroom network — FLOOD (2022–23, PROTOCOL.md) and
//! GOSSIP (2023 on, PROTOCOL-GOSSIP.md) — as one small value that the few places that
//! differ consult: the codec (join message names, the block's timestamp), the hash rule
//! (the timestamp's 8 bytes), the miner's job, the join and forward policy (all peers —
//! a few at random in big networks — or 3 at random) and the consensus rule (majority
//! or longest). A peer runs one at a time.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A generation of the network's protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Generation {
    /// FLOOD / FLOOD-REPLY, forwarded to every peer (to a few random ones in big networks:
    /// `Config::flood_fanout`); no timestamp; the majority's chain wins.
    #[default]
    Flood,
    /// GOSSIP / GOSSIP_REPLY, forwarded to 3 random peers; blocks carry a timestamp; the
    /// longest chain wins.
    Gossip,
}

impl Generation {
    /// Both, oldest first.
    pub const ALL: [Generation; 2] = [Generation::Flood, Generation::Gossip];

    /// Its name on the command line and in the API: `flood`, `gossip`.
    pub fn name(self) -> &'static str {
        match self {
            Generation::Flood => "flood",
            Generation::Gossip => "gossip",
        }
    }

    /// Its name for people: `FLOOD (2022)`, `GOSSIP (2023+)`.
    pub fn label(self) -> &'static str {
        match self {
            Generation::Flood => "FLOOD (2022)",
            Generation::Gossip => "GOSSIP (2023+)",
        }
    }

    /// The chain its consensus rule picks, for people: `the majority's chain` (FLOOD:
    /// the one most peers report) or `the longest chain` (GOSSIP).
    pub fn winning_chain(self) -> &'static str {
        match self {
            Generation::Flood => "the majority's chain",
            Generation::Gossip => "the longest chain",
        }
    }

    /// The `type` of its join and keep-alive message.
    pub fn join_type(self) -> &'static str {
        match self {
            Generation::Flood => "FLOOD",
            Generation::Gossip => "GOSSIP",
        }
    }

    /// The `type` we send in answer to a join message.
    pub fn join_reply_type(self) -> &'static str {
        match self {
            Generation::Flood => "FLOOD-REPLY",
            Generation::Gossip => "GOSSIP_REPLY",
        }
    }

    /// Whether its blocks carry a `timestamp`, hashed between the messages and the nonce.
    pub fn timestamped(self) -> bool {
        self == Generation::Gossip
    }

    /// The generation whose blocks look like this: with a timestamp or without.
    pub fn of_timestamp(timestamp: Option<u64>) -> Self {
        if timestamp.is_some() { Generation::Gossip } else { Generation::Flood }
    }
}

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Generation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Generation::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("{text:?} is not a protocol generation (flood or gossip)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for generation in Generation::ALL {
            assert_eq!(generation.name().parse(), Ok(generation));
            assert_eq!(serde_json::to_string(&generation).unwrap_or_default(), format!("\"{generation}\""));
        }
        assert!("GOSSIP".parse::<Generation>().is_ok());
        assert!("2023".parse::<Generation>().is_err());
        assert_eq!(Generation::of_timestamp(Some(0)), Generation::Gossip);
    }
}
