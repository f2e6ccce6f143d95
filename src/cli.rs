//! The command line, compatible with the program we descend from
//! (`-i WEB_PORT -p PORT -m`, `-k HOST PORT -p PORT`, `-c`), plus long options.

use blockpeer_core::chain::Generation;
use clap::{Args, Parser, Subcommand, ValueHint};
use std::path::PathBuf;

/// A desktop peer for the classroom blockchain network (its FLOOD and GOSSIP generations).
///
/// Without options, blockpeer opens its window on the start/join dialog. With -i it starts
/// a new network, with -k it joins one through a well-known peer, with --demo it runs a
/// local demo network; --headless runs any of them without a window. The peer finds and
/// expires peers, agrees on the network's chain (the one most peers report in the FLOOD
/// generation, the longest in the GOSSIP generation), validates every block it receives,
/// mines with -m, keeps its chain on disk and, with a web port, serves a live web page.
#[derive(Debug, Parser)]
#[command(
    name = "blockpeer",
    version,
    disable_version_flag = true,
    after_help = crate::help::after_help(),
    after_long_help = crate::help::after_long_help()
)]
pub struct Cli {
    /// What to run instead of a peer.
    #[command(subcommand)]
    pub command: Option<Tool>,
    /// The peer's settings.
    #[command(flatten)]
    pub peer: PeerArgs,
    /// Print the version, the commit it was built from and the CPU kernel it mines with.
    #[arg(short = 'V', long)]
    pub version: bool,
}

/// Tools besides running a peer.
#[derive(Debug, Subcommand)]
pub enum Tool {
    /// Measure mining, syncing, serving, start-up, the web page and the window (the
    /// figures of docs/PERFORMANCE.md).
    #[command(subcommand)]
    Bench(crate::bench::Bench),
    /// Validate a chain file (JSON lines, or a JSON array as a peer's /chain serves)
    /// and print the first invalid block and why.
    ///
    /// The generation comes from the blocks: timestamps make them GOSSIP blocks. The exit
    /// status is 0 for a valid chain, 1 for an invalid one or a file that cannot be read.
    VerifyChain {
        /// The chain file.
        #[arg(value_hint = ValueHint::FilePath)]
        file: PathBuf,
        /// Required trailing zeros of each hash.
        #[arg(long, default_value_t = 8)]
        difficulty: u32,
    },
    /// Print the shell completion script for SHELL.
    ///
    /// The Debian package installs them for bash, zsh and fish already. From a source
    /// build, e.g.: blockpeer completions bash > ~/.local/share/bash-completion/completions/blockpeer
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Internal: write the man pages (blockpeer.1 and one per subcommand) into DIR.
    #[command(hide = true)]
    ManPages {
        /// The folder to write them into (created if missing).
        #[arg(value_hint = ValueHint::DirPath)]
        dir: PathBuf,
    },
}

/// How the peer runs.
#[derive(Clone, Debug, Args)]
pub struct PeerArgs {
    /// Start a new network and serve its web page on WEB_PORT (as blockchain.py's -i did);
    /// --protocol says which generation it speaks.
    #[arg(short = 'i', long = "init", value_name = "WEB_PORT", conflicts_with = "known", value_parser = port)]
    pub init: Option<u16>,
    /// Join the network through the well-known peer at HOST PORT (with --protocol auto,
    /// first asking it which generation it speaks).
    #[arg(short = 'k', long = "known", num_args = 2, value_names = ["HOST", "PORT"])]
    pub known: Option<Vec<String>>,
    /// The UDP port this peer listens on.
    #[arg(short = 'p', long = "port", default_value_t = 8999, value_parser = port)]
    pub port: u16,
    /// Mine blocks from the words that arrive (NEW_WORD) and the peer's own words
    /// (--word-interval).
    #[arg(short = 'm', long = "mine")]
    pub mine: bool,
    /// Mine on an NVIDIA GPU with CUDA (with -m, or once mining is switched on in the
    /// window); where CUDA is missing, it says why and mines on the CPU.
    #[arg(short = 'c', long = "cuda")]
    pub cuda: bool,
    /// Run without a window (servers, CI); the web page still works.
    #[arg(long)]
    pub headless: bool,
    /// Name sent to peers in our FLOODs or GOSSIPs and written into mined blocks (at most
    /// 20 characters; default blockpeer-PORT).
    #[arg(long, value_parser = name)]
    pub name: Option<String>,
    /// Required trailing zeros of a block hash, in either generation: 8 on the course's
    /// networks, 9 on its competition network.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub difficulty: u32,
    /// The protocol generation: flood (2022), gossip (2023 on), or auto — a joining peer
    /// asks the well-known peer; a new network keeps its data directory's generation, else
    /// it is FLOOD.
    #[arg(long, value_enum, default_value_t = Protocol::Auto)]
    pub protocol: Protocol,
    /// Where the chain is kept (default: $XDG_DATA_HOME/blockpeer/PORT, that is
    /// ~/.local/share/blockpeer/PORT).
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
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
    /// The IPv4 address peers should reach us at, sent in our FLOODs or GOSSIPs (default:
    /// the local address that routes to the well-known peer; 127.0.0.1 for a new network).
    #[arg(long, value_name = "IPV4")]
    pub host: Option<std::net::Ipv4Addr>,
    /// Seconds between keep-alives: a FLOOD (a GOSSIP in the GOSSIP generation) with a
    /// fresh id to every peer we can reach and to the well-known peer.
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = seconds)]
    pub flood_interval: f64,
    /// Seconds after which a peer we have not heard from is dropped (either generation).
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = seconds)]
    pub peer_timeout: f64,
    /// Seconds between periodic consensus rounds, which run while at least --min-peers
    /// peers are known: the chain most peers report wins in the FLOOD generation, the
    /// longest in the GOSSIP generation.
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = seconds)]
    pub consensus_interval: f64,
    /// Peers that must be known before the periodic consensus rounds run (a joining
    /// peer's first round, a CONSENSUS request and an announced block start one with
    /// fewer).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_peers: usize,
    /// Seconds between the peer's own 5 random words (blockchain.py's hourly words),
    /// queued for the blocks it mines.
    #[arg(long, value_name = "SECS", default_value_t = 3600.0, value_parser = seconds)]
    pub word_interval: f64,
    /// Try a local demo network: this peer and N more on 127.0.0.1, two of them mining
    /// at a low difficulty, so blocks arrive within seconds; now and then this peer races
    /// one of them for a block — a fork that consensus resolves (temporary data).
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
    /// Ask the well-known peer (a new network: its data directory's generation, else FLOOD).
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
    fn interval_help_speaks_of_both_generations() {
        let command = Cli::command();
        for id in ["flood_interval", "consensus_interval", "name", "host"] {
            let arg = command.get_arguments().find(|a| a.get_id() == id).unwrap();
            let help = arg.get_help().unwrap().to_string();
            assert!(help.contains("FLOOD") && help.contains("GOSSIP"), "--{id}: {help}");
        }
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
