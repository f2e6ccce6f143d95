//! Turns the command line into the engine's settings: resolves the well-known peer,
//! chooses the address we advertise, the data directory and the intervals.

use crate::cli::{PeerArgs, Protocol};
use crate::web::{self, WebServer};
use anyhow::{Context, bail};
use blockpeer_core::engine::{EngineConfig, EngineHandle, StartError};
use blockpeer_core::node::Config;
use std::net::{Ipv4Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The engine settings for `args`.
pub fn engine_config(args: &PeerArgs) -> anyhow::Result<EngineConfig> {
    let well_known = args.known.as_deref().map(resolve_well_known).transpose()?;
    let host = match (args.host, well_known) {
        (Some(host), _) => host,
        (None, Some(peer)) => route_to(peer).unwrap_or(Ipv4Addr::LOCALHOST),
        (None, None) => Ipv4Addr::LOCALHOST,
    };
    let name = args.name.clone().unwrap_or_else(|| format!("blockpeer-{}", args.port));
    let mut node = Config::new(name, host.to_string(), args.port);
    node.well_known = well_known;
    node.difficulty = args.difficulty;
    node.mining = args.mine;
    node.flood_interval = Duration::from_secs_f64(args.flood_interval);
    node.peer_timeout = Duration::from_secs_f64(args.peer_timeout);
    node.consensus_interval = Duration::from_secs_f64(args.consensus_interval);
    node.min_peers = args.min_peers;
    node.word_interval = Duration::from_secs_f64(args.word_interval);
    node.seed = fastrand_seed();
    // `auto`: a joining peer asks, a new network speaks what its data directory holds
    // (the engine decides both), else FLOOD.
    let data_dir = args.data_dir.clone().unwrap_or_else(|| default_data_dir(args.port));
    let detect = args.protocol == Protocol::Auto;
    node.generation = args.protocol.generation().unwrap_or_default();
    let threads = args.threads.map_or_else(available_cores, usize::from);
    Ok(EngineConfig {
        node,
        bind: SocketAddr::from((Ipv4Addr::UNSPECIFIED, args.port)),
        data_dir,
        threads,
        cuda: args.cuda,
        detect,
    })
}

/// A peer started from a command line: its engine (shared with the web page's
/// thread), its settings, and its web page when `-i` / `--web-port` asked for one.
pub struct StartedPeer {
    /// The running engine.
    pub engine: Arc<EngineHandle>,
    /// What it was started with.
    pub config: EngineConfig,
    /// The web page's server.
    pub web: Option<WebServer>,
}

/// Starts the peer `args` describe, with its web page; every failure is one clear line.
pub fn start_peer(args: &PeerArgs) -> anyhow::Result<StartedPeer> {
    // Bound before the chain is opened, so that a port in use is the only thing said.
    let bound = args
        .init
        .or(args.web_port)
        .map(|port| web::bind(SocketAddr::new(args.web_bind, port)).map(|b| b.allow_hosts(&args.web_allow_host)))
        .transpose()?;
    let config = engine_config(args)?;
    let engine = blockpeer_core::engine::start(config.clone()).map_err(|e| match e {
        StartError::Bind { source, .. } if source.kind() == std::io::ErrorKind::AddrInUse => {
            anyhow::anyhow!("UDP port {} is in use (another peer?): choose another with -p PORT", args.port)
        }
        other => other.into(),
    })?;
    let engine = Arc::new(engine);
    let web = bound.map(|bound| bound.serve(engine.clone())).transpose()?;
    if web.is_some() && !args.web_bind.is_loopback() {
        eprintln!(
            "blockpeer: the web page listens on {}: anyone who can reach it sees the chain and the peers",
            args.web_bind
        );
    }
    Ok(StartedPeer { engine, config, web })
}

/// `HOST PORT` of `-k`, resolved to an IPv4 address if there is one.
fn resolve_well_known(parts: &[String]) -> anyhow::Result<SocketAddr> {
    let [host, port] = parts else { bail!("-k needs HOST PORT") };
    let port: u16 =
        port.parse().ok().filter(|p| *p != 0).with_context(|| format!("{port:?} is not a port (1–65535)"))?;
    let addrs: Vec<SocketAddr> = (host.as_str(), port)
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve the well-known peer {host}"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .with_context(|| format!("the well-known peer {host} has no address"))
}

/// The local IPv4 address the system would use to reach `peer` (no packet is sent).
fn route_to(peer: SocketAddr) -> Option<Ipv4Addr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect(peer).ok()?;
    match socket.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(ip) if !ip.is_unspecified() => Some(ip),
        _ => None,
    }
}

/// `~/.local/share/blockpeer/PORT` (or the platform's equivalent).
pub fn default_data_dir(port: u16) -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("blockpeer").join(port.to_string())
}

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A seed for FLOOD ids that differs between runs.
fn fastrand_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    (nanos as u64) ^ u64::from(std::process::id()).rotate_left(32)
}
