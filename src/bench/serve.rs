//! Serving capacity: client threads keep 64 STATS each in flight against one peer.
//! Each client first FLOODs, so it is served as a peer (strangers get a byte budget).

use super::{Row, start_peer, write_chain};
use blockpeer_core::chain::Generation;
use std::net::UdpSocket;
use std::time::{Duration, Instant};

/// Requests each client keeps in flight.
const WINDOW: usize = 64;

pub fn run(seconds: f64, clients: usize, generation: Generation) -> anyhow::Result<Vec<Row>> {
    let tmp = tempfile::tempdir()?;
    write_chain(tmp.path(), 100, generation)?;
    let peer = start_peer(tmp.path(), None, generation)?;
    let join = generation.join_type();
    let target = peer.local_addr();
    let duration = Duration::from_secs_f64(seconds);
    let threads: Vec<_> = (0..clients.max(1))
        .map(|_| {
            std::thread::spawn(move || -> std::io::Result<u64> {
                let socket = UdpSocket::bind("127.0.0.1:0")?;
                socket.set_read_timeout(Some(Duration::from_millis(200)))?;
                let port = socket.local_addr()?.port();
                let flood = format!(
                    r#"{{"type":"{join}","host":"127.0.0.1","port":{port},"id":"bench-{port}","name":"bench"}}"#
                );
                socket.send_to(flood.as_bytes(), target)?;
                let mut buf = [0u8; 2048];
                socket.recv_from(&mut buf)?;
                let request = br#"{"type":"STATS"}"#;
                for _ in 0..WINDOW {
                    socket.send_to(request, target)?;
                }
                let mut answered = 0u64;
                let end = Instant::now() + duration;
                while Instant::now() < end {
                    // On a timeout (a lost request) the send below tops the window back up.
                    if socket.recv_from(&mut buf).is_ok() {
                        answered += 1;
                    }
                    socket.send_to(request, target)?;
                }
                Ok(answered)
            })
        })
        .collect();
    let mut answered = 0;
    for thread in threads {
        answered += thread.join().map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
    }
    drop(peer);
    Ok(vec![Row {
        key: "stats_per_s",
        label: "STATS answered by one peer",
        unit: "replies/s",
        value: answered as f64 / seconds,
        goal: "≥ 100 000",
    }])
}
