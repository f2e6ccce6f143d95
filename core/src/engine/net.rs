//! The UDP side of the engine: the `net-rx` thread that turns datagrams into inputs,
//! and the DNS resolver (with a small cache) for host names in FLOODs.

use crate::node::Resolver;
use crate::protocol::MAX_RECV;
use crossbeam_channel::{Sender, TrySendError};
use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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

/// Most host names remembered.
const CACHE_SIZE: usize = 256;

/// A resolver for FLOOD host names: IPv4 first, answers (and failures) cached.
pub fn dns_resolver() -> Resolver {
    let cache: Mutex<HashMap<(String, u16), Option<SocketAddr>>> = Mutex::new(HashMap::new());
    Arc::new(move |host: &str, port: u16| {
        let key = (host.to_owned(), port);
        if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return *hit;
        }
        let found = (host, port).to_socket_addrs().ok().and_then(|addrs| {
            let addrs: Vec<SocketAddr> = addrs.collect();
            addrs.iter().find(|a| a.is_ipv4()).or(addrs.first()).copied()
        });
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_SIZE {
            cache.clear();
        }
        cache.insert(key, found);
        found
    })
}
