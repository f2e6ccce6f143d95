//! A crowd of fake peers for `bench gui`: UDP sockets on 127.0.0.1 that FLOOD one real
//! peer (some forwarding each other's FLOODs, which draws links in the peer graph),
//! answer its STATS, most with its own chain, some with a shorter one, and announce
//! rivals of its blocks — enough to fill its record of forks and history to the bounds.

use blockpeer_core::chain::{Block, Generation};
use blockpeer_core::protocol::{Flood, Message, StatsReply, decode};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often each member FLOODs.
const FLOOD_EVERY: Duration = Duration::from_secs(2);

/// The running crowd; dropping it stops it.
pub struct Crowd {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Crowd {
    /// `count` members talking to `target`, which holds a chain of `height` blocks with
    /// tip `tip`; member `i` announces `rivals[i]` once it has joined.
    pub fn start(
        target: SocketAddr,
        count: usize,
        height: u64,
        tip: Option<String>,
        rivals: Vec<Vec<Block>>,
    ) -> std::io::Result<Self> {
        let sockets = (0..count)
            .map(|_| {
                let socket = UdpSocket::bind("127.0.0.1:0")?;
                socket.set_nonblocking(true)?;
                Ok(socket)
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("bench-crowd".into())
            .spawn(move || run(&sockets, target, (height, tip.as_deref()), &rivals, &stopped))?;
        Ok(Self { stop, thread: Some(thread) })
    }
}

impl Drop for Crowd {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(
    sockets: &[UdpSocket],
    target: SocketAddr,
    (height, tip): (u64, Option<&str>),
    rivals: &[Vec<Block>],
    stop: &AtomicBool,
) {
    let ports: Vec<u16> = sockets.iter().filter_map(|s| s.local_addr().ok()).map(|a| a.port()).collect();
    let flood = |port: u16, id: String| {
        Message::Flood(Flood {
            generation: Generation::Flood,
            host: "127.0.0.1".into(),
            port,
            id,
            name: format!("crowd-{port}"),
        })
        .encode()
    };
    let (mut round, mut next_flood, mut buf) = (0u64, Instant::now(), [0u8; 2048]);
    while !stop.load(Ordering::Relaxed) {
        if Instant::now() >= next_flood {
            round += 1;
            next_flood += FLOOD_EVERY;
            for (i, socket) in sockets.iter().enumerate() {
                let _ = socket.send_to(&flood(ports[i], format!("{}-{round}", ports[i])), target);
                // Every third member also forwards its neighbour's FLOOD: a link in the graph.
                if i % 3 == 0 {
                    let other = ports[(i + 1) % ports.len()];
                    let _ = socket.send_to(&flood(other, format!("{other}-{round}-via-{i}")), target);
                }
                // Joined since the first round: now its rivals of the target's blocks.
                if round == 2 {
                    for block in rivals.get(i).into_iter().flatten() {
                        let _ = socket.send_to(&Message::Announce(block.clone()).encode(), target);
                    }
                }
            }
        }
        let mut idle = true;
        for (i, socket) in sockets.iter().enumerate() {
            while let Ok((len, from)) = socket.recv_from(&mut buf) {
                idle = false;
                if let Ok(Message::Stats) = decode(&buf[..len]) {
                    // Every seventh member is behind, on a chain of its own.
                    let reply = if i % 7 == 6 {
                        StatsReply { height: height.saturating_sub(10), hash: Some(format!("{:064x}", i)) }
                    } else {
                        StatsReply { height, hash: tip.map(str::to_owned) }
                    };
                    let _ = socket.send_to(&Message::StatsReply(reply).encode(), from);
                }
            }
        }
        if idle {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
