//! The UDP side of the engine: the `net-rx` thread that turns datagrams into inputs.

use crate::protocol::MAX_RECV;
use crossbeam_channel::{Sender, TrySendError};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// A received datagram.
pub(super) type Datagram = (SocketAddr, Vec<u8>);

/// Receives datagrams until `stop` is set, handing them to the engine; drops (and
/// counts) datagrams when the engine is too far behind.
pub(super) fn receive_loop(socket: &UdpSocket, to_engine: &Sender<Datagram>, stop: &AtomicBool, dropped: &AtomicU64) {
    let mut buffer = vec![0u8; MAX_RECV];
    // A backstop for the wake-up datagram sent at shutdown.
    let _ = socket.set_read_timeout(Some(Duration::from_secs(1)));
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_from(&mut buffer) {
            Ok((len, from)) => {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                match to_engine.try_send((from, buffer[..len].to_vec())) {
                    Ok(()) => {}
                    Err(TrySendError::Full(_)) => {
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
