//! The window's views, one module each, and the [`View`] that picks among them.

pub mod actions;
pub mod block;
pub mod branches;
pub mod chain;
pub mod consensus;
pub mod fork_words;
pub mod forks;
pub mod graph;
pub mod log;
pub mod mining;
pub mod peers;
pub mod status;
pub mod timeline;

use std::str::FromStr;

/// A main view of the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// The blocks, newest first, and the selected block's detail.
    #[default]
    Chain,
    /// The peer table and the peer graph.
    Peers,
    /// Mining controls, the job and the hashrate chart.
    Mining,
    /// The last consensus round and the sync in progress.
    Consensus,
    /// Side branches, reorganisations and every peer's chain over time.
    Forks,
    /// The log console.
    Log,
}

impl View {
    /// Every view, in the navigation's order.
    pub const ALL: [View; 6] = [View::Chain, View::Peers, View::Mining, View::Consensus, View::Forks, View::Log];

    /// Its name in the navigation.
    pub fn title(self) -> &'static str {
        match self {
            View::Chain => "Chain",
            View::Peers => "Peers",
            View::Mining => "Mining",
            View::Consensus => "Consensus",
            View::Forks => "Forks",
            View::Log => "Log",
        }
    }
}

impl FromStr for View {
    type Err = String;

    /// `chain`, `peers`, `mining`, `consensus`, `forks` or `log`.
    fn from_str(name: &str) -> Result<Self, String> {
        View::ALL
            .into_iter()
            .find(|v| v.title().eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("{name:?} is not a view (chain, peers, mining, consensus, forks, log)"))
    }
}
