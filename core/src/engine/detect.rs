//! Choosing the protocol generation of a peer that joins with `auto`: the well-known
//! peer is asked (see [`Detector`]) on the peer's own socket, before the chain is
//! opened, for at most a few seconds. Without a telling answer the data directory's
//! generation stands, else FLOOD — and the peer says so.

use crate::chain::Generation;
use crate::node::Config;
use crate::protocol::{Detector, Flood};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Rounds of probes sent; the well-known peer has this many seconds to answer.
const ROUNDS: u32 = 3;
/// How long each round waits for answers.
const ROUND: Duration = Duration::from_secs(1);

/// The generation a peer runs, and how it was chosen, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    /// The generation.
    pub generation: Generation,
    /// Why, for people: "the well-known peer's genesis block carries a timestamp".
    pub how: String,
}

/// Asks `well_known` on `socket` for the peer `config` describes; `held` is the data
/// directory's generation.
pub(super) fn detect(
    socket: &UdpSocket,
    config: &Config,
    well_known: SocketAddr,
    held: Option<Generation>,
) -> std::io::Result<Detection> {
    let mut detector = Detector::default();
    // A fresh id each run: peers ignore a join id they have seen before.
    let probes = Detector::probes(&config.host, config.port, &config.name, &Flood::fresh_id(fastrand::u128(..)));
    socket.set_read_timeout(Some(Duration::from_millis(100)))?;
    let mut buffer = vec![0u8; crate::protocol::MAX_RECV];
    let mut verdict = None;
    'rounds: for _ in 0..ROUNDS {
        for probe in &probes {
            socket.send_to(probe, well_known)?;
        }
        let until = Instant::now() + ROUND;
        while Instant::now() < until {
            // Only the well-known host's answers count (from any of its ports: some
            // peers send from another socket than the one they listen on).
            if let Ok((len, from)) = socket.recv_from(&mut buffer)
                && from.ip() == well_known.ip()
                && let Some(found) = detector.answer(&buffer[..len])
            {
                verdict = Some(found);
                break 'rounds;
            }
        }
    }
    socket.set_read_timeout(None)?;
    Ok(match verdict.or_else(|| detector.give_up()) {
        Some((generation, evidence)) => Detection {
            generation,
            how: format!("found by asking the well-known peer: {}", evidence.describe(generation)),
        },
        None => fallback(held, "the well-known peer did not answer"),
    })
}

/// The generation without an answer: the data directory's, else FLOOD.
fn fallback(held: Option<Generation>, why: &str) -> Detection {
    match held {
        Some(generation) => Detection { generation, how: format!("{why}; the data directory's chain is {generation}") },
        None => Detection {
            generation: Generation::Flood,
            how: format!("{why}; assumed FLOOD (use --protocol gossip for a GOSSIP network)"),
        },
    }
}
