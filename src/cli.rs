//! The command line, compatible with the program we descend from
//! (`-i WEB_PORT -p PORT -m`, `-k HOST PORT -p PORT`, `-c`), plus long options.

use blockpeer_core::chain::Generation;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// A desktop peer for the classroom blockchain network (its FLOOD and GOSSIP generations).
#[derive(Debug, Parser)]
#[command(
    name = "blockpeer",
    version,
    about,
    after_help = "Examples:\n  \
        blockpeer -i 8001 -p 8999 -m --headless     start a new network (web page on :8001), mine\n  \
        blockpeer -k localhost 8999 -p 8002 --headless  join it through the peer on port 8999\n  \
        blockpeer --demo 4                          a local demo network of 5 peers, two of them mining\n  \
        blockpeer verify-chain chain.json           check a chain file block by block"
)]
pub struct Cli {
    /// What to run instead of a peer.
    #[command(subcommand)]
    pub command: Option<Tool>,
    /// The peer's settings.
    #[command(flatten)]
    pub peer: PeerArgs,
}

/// Tools besides running a peer.
#[derive(Debug, Subcommand)]
pub enum Tool {
    /// Measure mining, syncing, serving, start-up and the web page (see docs/PERFORMANCE.md).
    #[command(subcommand)]
    Bench(crate::bench::Bench),
    /// Validate a chain file (JSON lines, or a JSON array as a peer's /chain serves)
    /// and print the first invalid block and why.
    VerifyChain {
        /// The chain file.
        file: PathBuf,
        /// Required trailing zeros of each hash.
        #[arg(long, default_value_t = 8)]
        difficulty: u32,
    },
}

/// How the peer runs.
#[derive(Clone, Debug, Args)]
pub struct PeerArgs {
    /// Start a new network and serve its web page on WEB_PORT (as `-i` did).
    #[arg(short = 'i', long = "init", value_name = "WEB_PORT", conflicts_with = "known", value_parser = port)]
    pub init: Option<u16>,
    /// Join the network through the well-known peer at HOST PORT.
    #[arg(short = 'k', long = "known", num_args = 2, value_names = ["HOST", "PORT"])]
    pub known: Option<Vec<String>>,
    /// The UDP port this peer listens on.
    #[arg(short = 'p', long = "port", default_value_t = 8999, value_parser = port)]
    pub port: u16,
    /// Mine blocks (from the words that arrive, and the peer's own hourly words).
    #[arg(short = 'm', long = "mine")]
    pub mine: bool,
    /// Mine on an NVIDIA GPU with CUDA.
    #[arg(short = 'c', long = "cuda")]
    pub cuda: bool,
    /// Run without a window (servers, CI); the web page still works.
    #[arg(long)]
    pub headless: bool,
    /// Name sent to peers and written into mined blocks (at most 20 characters).
    #[arg(long, value_parser = name)]
    pub name: Option<String>,
    /// Required trailing zeros of a block hash (the real network used 8).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub difficulty: u32,
    /// The protocol generation: flood (2022), gossip (2023 on), or auto — a joining peer
    /// asks the well-known peer; a new network is FLOOD unless told otherwise.
    #[arg(long, value_enum, default_value_t = Protocol::Auto)]
    pub protocol: Protocol,
    /// Where the chain is kept (default: a per-port folder in the user's data directory).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Serve the web page on this port (any peer; `-i` sets it for a new network).
    #[arg(long, value_name = "PORT", value_parser = port)]
    pub web_port: Option<u16>,
    /// Address the web page listens on; 0.0.0.0 lets other machines view it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub web_bind: std::net::IpAddr,
    /// Also serve the web page to requests for this host name (repeatable), for viewing
    /// it through a DNS name; localhost and IP addresses are always served.
    #[arg(long, value_name = "NAME", value_parser = host_name)]
    pub web_allow_host: Vec<String>,
    /// Miner threads (default: every core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// The IPv4 address peers should reach us at (default: the local address that
    /// routes to the well-known peer; 127.0.0.1 for a new network).
    #[arg(long, value_name = "IPV4")]
    pub host: Option<std::net::Ipv4Addr>,
    /// Seconds between FLOODs to all peers.
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = seconds)]
    pub flood_interval: f64,
    /// Seconds of silence after which a peer is dropped.
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = seconds)]
    pub peer_timeout: f64,
    /// Seconds between consensus rounds.
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = seconds)]
    pub consensus_interval: f64,
    /// Peers needed before periodic consensus rounds run.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_peers: usize,
    /// Seconds between the peer's own 5 random words.
    #[arg(long, value_name = "SECS", default_value_t = 3600.0, value_parser = seconds)]
    pub word_interval: f64,
    /// Try a local demo network: this peer and N more on 127.0.0.1, two of them mining
    /// at a low difficulty, so blocks arrive within seconds and now and then collide — a
    /// fork that consensus resolves (temporary data).
    #[arg(long, value_name = "N", conflicts_with_all = ["init", "known"],
          value_parser = clap::value_parser!(u8).range(1..=16))]
    pub demo: Option<u8>,
    /// The view the window opens on: chain, peers, mining, consensus, forks or log (for screenshots).
    #[arg(long, value_name = "NAME", hide = true)]
    pub view: Option<blockpeer_gui::View>,
}

/// `--protocol`: a generation, or `auto`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    /// Ask the well-known peer (a new network: FLOOD).
    #[default]
    Auto,
    /// The FLOOD generation (2022–23).
    Flood,
    /// The GOSSIP generation (2023 on).
    Gossip,
}

impl Protocol {
    /// The generation chosen, `None` for `auto`.
    pub fn generation(self) -> Option<Generation> {
        match self {
            Protocol::Auto => None,
            Protocol::Flood => Some(Generation::Flood),
            Protocol::Gossip => Some(Generation::Gossip),
        }
    }
}

fn port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{text:?} is not a port (1–65535)")),
        Ok(port) => Ok(port),
    }
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.01..=86_400.0 * 365.0).contains(&s) => Ok(s),
        _ => Err(format!("{text:?} is not a number of seconds (0.01 or more)")),
    }
}

fn name(text: &str) -> Result<String, String> {
    let chars = text.chars().count();
    if chars == 0 || chars > 20 {
        return Err(format!("the name must have 1–20 characters, not {chars}"));
    }
    Ok(text.to_owned())
}

fn host_name(text: &str) -> Result<String, String> {
    let valid = |label: &str| {
        !label.is_empty() && !label.starts_with('-') && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if text.len() <= 253 && text.trim_end_matches('.').split('.').all(valid) {
        Ok(text.to_owned())
    } else {
        Err(format!("{text:?} is not a host name (like peer.example.org: no scheme, port or path)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn seed_forms_parse() {
        let cli = Cli::parse_from(["blockpeer", "-i", "8001", "-p", "8999", "-m"]);
        assert_eq!((cli.peer.init, cli.peer.port, cli.peer.mine), (Some(8001), 8999, true));
        let cli = Cli::parse_from(["blockpeer", "-k", "localhost", "8999", "-p", "8002", "-c"]);
        assert_eq!(cli.peer.known, Some(vec!["localhost".to_owned(), "8999".to_owned()]));
        assert!(cli.peer.cuda);
        assert!(Cli::try_parse_from(["blockpeer", "-i", "8001", "-k", "h", "1"]).is_err());
        assert!(Cli::try_parse_from(["blockpeer", "-p", "0"]).is_err());
        assert!(Cli::try_parse_from(["blockpeer", "--name", "this name is far too long"]).is_err());
    }

    #[test]
    fn allowed_web_hosts_are_names_and_repeatable() {
        let cli = Cli::parse_from(["blockpeer", "--web-allow-host", "peer.example.org", "--web-allow-host", "box"]);
        assert_eq!(cli.peer.web_allow_host, ["peer.example.org", "box"]);
        for bad in ["http://peer.example.org", "peer.example.org:8001", "", "a..b", "-x.org"] {
            assert!(Cli::try_parse_from(["blockpeer", "--web-allow-host", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn protocol_generations() {
        let cli = Cli::parse_from(["blockpeer", "-k", "h", "1"]);
        assert_eq!((cli.peer.protocol, cli.peer.protocol.generation()), (Protocol::Auto, None));
        let cli = Cli::parse_from(["blockpeer", "--protocol", "gossip", "--demo", "2"]);
        assert_eq!(cli.peer.protocol.generation(), Some(Generation::Gossip));
        assert!(Cli::try_parse_from(["blockpeer", "--protocol", "2023"]).is_err());
    }

    #[test]
    fn demo_and_view() {
        let cli = Cli::parse_from(["blockpeer", "--demo", "4", "--headless", "--view", "peers"]);
        assert_eq!((cli.peer.demo, cli.peer.view), (Some(4), Some(blockpeer_gui::View::Peers)));
        assert!(Cli::try_parse_from(["blockpeer", "--demo", "4", "-i", "8001"]).is_err());
        assert!(Cli::try_parse_from(["blockpeer", "--demo", "0"]).is_err());
        assert!(Cli::try_parse_from(["blockpeer", "--view", "nowhere"]).is_err());
    }
}
