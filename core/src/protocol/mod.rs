//! The wire protocol (PROTOCOL.md): typed messages, tolerant decoding of what other
//! peers send, and strict, compact encoding of what we send (≤ 1024 bytes).

mod decode;
mod detect;
mod encode;
mod message;

pub use decode::{DecodeError, MAX_HEIGHT, MAX_HOST_CHARS, MAX_ID_CHARS, MAX_NAME_CHARS, block_from_value, decode};
pub use detect::{Detector, Evidence};
pub use message::{BlockReply, Flood, FloodReply, KINDS, Message, StatsReply};

/// Largest datagram we send: most peers read with a 1024-byte buffer.
pub const MAX_SEND: usize = 1024;
/// Largest datagram we read.
pub const MAX_RECV: usize = 65_535;
