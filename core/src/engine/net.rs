//! The UDP side of the engine: the `net-rx` thread that turns datagrams into inputs,
//! through a queue bounded in datagrams and in bytes.

use crate::protocol::MAX_RECV;
use crossbeam_channel::{Sender, TrySendError};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// A received datagram.
pub(super) type Datagram = (SocketAddr, Vec<u8>);

/// Most bytes of datagrams waiting for the engine: a storm of 64 KiB datagrams fills
/// the queue's count long after it would have filled the memory.
const MAX_QUEUED_BYTES: usize = 4 << 20;

/// The bytes waiting in the queue to the engine.
#[derive(Debug, Default)]
pub(super) struct Queued(AtomicUsize);

impl Queued {
    /// Whether `len` more bytes fit; if so they are counted.
    fn admit(&self, len: usize) -> bool {
        let fits = self.0.fetch_add(len, Ordering::AcqRel) + len <= MAX_QUEUED_BYTES;
        if !fits {
            self.taken(len);
        }
        fits
    }

    /// The engine took a datagram of `len` bytes.
    pub(super) fn taken(&self, len: usize) {
        self.0.fetch_sub(len, Ordering::AcqRel);
    }
}

/// Receives datagrams until `stop` is set, handing them to the engine; drops (and
/// counts) datagrams when the engine is too far behind, in datagrams or in bytes.
pub(super) fn receive_loop(
    socket: &UdpSocket,
    to_engine: &Sender<Datagram>,
    queued: &Queued,
    stop: &AtomicBool,
    dropped: &AtomicU64,
) {
    let mut buffer = vec![0u8; MAX_RECV];
    // A backstop for the wake-up datagram sent at shutdown.
    let _ = socket.set_read_timeout(Some(Duration::from_secs(1)));
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_from(&mut buffer) {
            Ok((len, from)) => {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if !queued.admit(len) {
                    dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                match to_engine.try_send((from, buffer[..len].to_vec())) {
                    Ok(()) => {}
                    Err(TrySendError::Full(_)) => {
                        queued.taken(len);
                        dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(TrySendError::Disconnected(_)) => break,
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            // ICMP "port unreachable" from an earlier send surfaces here on some systems.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(error) => {
                tracing::warn!(%error, "receive failed");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_is_bounded_in_bytes() {
        let queued = Queued::default();
        let fitted = (0..1000).take_while(|_| queued.admit(MAX_RECV)).count();
        assert_eq!(fitted, MAX_QUEUED_BYTES / MAX_RECV);
        assert!(!queued.admit(1 << 20), "nothing large fits a full queue");
        queued.taken(MAX_RECV);
        assert!(queued.admit(MAX_RECV), "room again once the engine took one");
    }
}
