//! One entry of the peer table: how we learned of a peer, when we heard from it, what it
//! reported and the traffic we exchanged.

use super::super::standing::Report;
use super::Book;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How a peer came to be known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Learned {
    /// It is the well-known peer we joined through.
    WellKnown,
    /// It FLOODed us itself.
    Flood,
    /// Its FLOOD was forwarded to us by this peer.
    ForwardedBy(SocketAddr),
    /// It answered our FLOOD.
    FloodReply,
    /// Someone added it by hand.
    Manual,
}

/// What we know of one peer.
#[derive(Clone, Debug)]
pub struct Peer {
    /// Its name from FLOOD / FLOOD-REPLY.
    pub name: String,
    /// How we learned of it.
    pub learned: Learned,
    /// When we first heard of it.
    pub first_seen: Instant,
    /// When we last heard from it.
    pub last_seen: Instant,
    /// Round-trip time of its last STATS.
    pub rtt: Option<Duration>,
    /// Whether a datagram has come from its address (a FLOOD's host may be spoofed).
    pub verified: bool,
    /// The chain it last told us of (a STATS_REPLY or an ANNOUNCE).
    pub reported: Option<Report>,
    /// Traffic by message type.
    pub traffic: Book,
}

/// The outcome of offering a peer to the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upsert {
    /// A new peer.
    New,
    /// A known peer, refreshed.
    Refreshed,
    /// The table is full.
    Refused,
}
