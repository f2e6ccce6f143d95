//! The window's views, one module each, and the [`View`] that picks among them.

pub mod actions;
pub mod block;
pub mod chain;
pub mod consensus;
pub mod graph;
pub mod log;
pub mod mining;
pub mod peers;
pub mod status;

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
    /// The log console.
    Log,
}

impl View {
    /// Every view, in the navigation's order.
    pub const ALL: [View; 5] = [View::Chain, View::Peers, View::Mining, View::Consensus, View::Log];

    /// Its name in the navigation.
    pub fn title(self) -> &'static str {
        match self {
            View::Chain => "Chain",
            View::Peers => "Peers",
            View::Mining => "Mining",
            View::Consensus => "Consensus",
            View::Log => "Log",
        }
    }
}

impl FromStr for View {
    type Err = String;

    /// `chain`, `peers`, `mining`, `consensus` or `log`.
    fn from_str(name: &str) -> Result<Self, String> {
        View::ALL
            .into_iter()
            .find(|v| v.title().eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("{name:?} is not a view (chain, peers, mining, consensus, log)"))
    }
}
