//! How the window starts: straight onto a running peer, or on the start/join dialog
//! with a [`Starter`] that turns the dialog's [`Choice`] into a running peer.

use crate::frame_bench::BenchPlan;
use crate::log_buffer::LogBuffer;
use crate::views::View;
use blockpeer_core::chain::Generation;
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Config;
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

/// *Start a new network* as chosen in the dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartChoice {
    /// Our UDP port.
    pub udp_port: u16,
    /// The web page's port.
    pub web_port: u16,
    /// Our name.
    pub name: String,
    /// Required trailing zeros.
    pub difficulty: u32,
    /// The protocol generation the network speaks.
    pub protocol: Generation,
    /// Mine from the start.
    pub mine: bool,
    /// Mine with CUDA.
    pub cuda: bool,
}

/// *Join a network* as chosen in the dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinChoice {
    /// The well-known peer's host.
    pub host: String,
    /// The well-known peer's UDP port.
    pub port: u16,
    /// Our UDP port.
    pub udp_port: u16,
    /// The web page's port, if any.
    pub web_port: Option<u16>,
    /// Our name.
    pub name: String,
    /// Required trailing zeros (the network's difficulty).
    pub difficulty: u32,
    /// The network's protocol generation; `None`: ask the well-known peer.
    pub protocol: Option<Generation>,
    /// Mine from the start.
    pub mine: bool,
    /// Mine with CUDA.
    pub cuda: bool,
}

/// What the dialog asks the [`Starter`] to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// A new network.
    Start(StartChoice),
    /// Join through a well-known peer.
    Join(JoinChoice),
    /// A local demo network of a few peers that mine.
    Demo,
}

/// Starts a peer for a dialog choice (on a thread of its own: the window keeps
/// drawing); the error is shown in the dialog.
pub type Starter = Box<dyn FnMut(&Choice) -> Result<Running, String> + Send>;

/// Starts the same peer again, requiring the given difficulty, once the window has
/// stopped the old one (to rejoin a network of another difficulty, or after a failure).
pub type Restarter = Box<dyn FnMut(u32) -> Result<Running, String> + Send>;

/// A running peer handed to the window.
pub struct Running {
    /// The engine (shared with the web page's thread, when there is one).
    pub engine: Arc<EngineHandle>,
    /// The web page's URL, when one is served.
    pub web_url: Option<String>,
    /// Seconds between periodic consensus rounds.
    pub consensus_interval: Duration,
    /// Peers needed before periodic rounds run.
    pub min_peers: usize,
    /// Whatever must live as long as the window (a demo's other peers); dropped last.
    pub companions: Option<Box<dyn Any + Send>>,
    /// How to start this peer again (none for a demo network).
    pub restart: Option<Restarter>,
}

impl Running {
    /// `engine`, started with the node settings `node`.
    pub fn new(engine: Arc<EngineHandle>, node: &Config) -> Self {
        Self {
            engine,
            web_url: None,
            consensus_interval: node.consensus_interval,
            min_peers: node.min_peers,
            companions: None,
            restart: None,
        }
    }

    /// The same, with the web page at `url`.
    #[must_use]
    pub fn with_web_url(mut self, url: Option<String>) -> Self {
        self.web_url = url;
        self
    }

    /// The same, keeping `companions` alive until the window closes.
    #[must_use]
    pub fn with_companions(mut self, companions: Box<dyn Any + Send>) -> Self {
        self.companions = Some(companions);
        self
    }

    /// The same, with a way to start it again at another difficulty.
    #[must_use]
    pub fn with_restart(mut self, restart: Restarter) -> Self {
        self.restart = Some(restart);
        self
    }
}

/// Where the window starts.
pub enum Launch {
    /// On the dialog; `starter` starts what it chooses.
    Dialog {
        /// Starts the chosen peer.
        starter: Starter,
        /// Window options.
        options: LaunchOptions,
    },
    /// On a peer that is already running.
    Running {
        /// The peer.
        running: Running,
        /// Window options.
        options: LaunchOptions,
    },
}

/// What both kinds of start share.
#[derive(Default)]
pub struct LaunchOptions {
    /// The log lines the log view shows (the binary's tracing layer fills it).
    pub log: Option<LogBuffer>,
    /// The view shown first (screenshots use it).
    pub view: Option<View>,
    /// Measure frame times instead of waiting for a person.
    pub bench: Option<BenchPlan>,
}

impl Launch {
    pub(crate) fn options(&self) -> &LaunchOptions {
        match self {
            Launch::Dialog { options, .. } | Launch::Running { options, .. } => options,
        }
    }
}
