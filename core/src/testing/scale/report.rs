//! The figures of a scale run, as `blockpeer bench scale` prints them: traffic per peer
//! per minute over the measured window (by message type too), how fast blocks spread and
//! how they reached the peers, how fast a joining peer learns the network and fetches
//! the chain.

use super::measure::Paths;
use super::{ScaleRun, SimNet};
use crate::node::Traffic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Datagrams and bytes per peer per minute, each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Datagrams received.
    pub datagrams_in: f64,
    /// Datagrams sent.
    pub datagrams_out: f64,
    /// Bytes received.
    pub bytes_in: f64,
    /// Bytes sent.
    pub bytes_out: f64,
}

impl Rates {
    /// The traffic from `before` to `after`, divided by `per` (peers × minutes).
    fn between(before: &Traffic, after: &Traffic, per: f64) -> Self {
        let rate = |a: u64, b: u64| a.saturating_sub(b) as f64 / per;
        Self {
            datagrams_in: rate(after.msgs_in, before.msgs_in),
            datagrams_out: rate(after.msgs_out, before.msgs_out),
            bytes_in: rate(after.bytes_in, before.bytes_in),
            bytes_out: rate(after.bytes_out, before.bytes_out),
        }
    }
}

/// One block of the measured window and how it spread.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockSpread {
    /// Its height.
    pub height: u64,
    /// Virtual seconds into the run when the miner added it.
    pub mined_s: f64,
    /// Seconds it took to reach 99 % of the peers (if it did).
    pub reach_s: Option<f64>,
    /// How each peer that holds it got it.
    pub paths: Paths,
    /// Whether it is in the miner's chain at the end (not lost to a fork).
    pub in_chain: bool,
}

/// What a scale run measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScaleReport {
    /// Peers in the network (the joining peer not counted).
    pub peers: usize,
    /// Whether the run reached its end (a caller may stop it early).
    pub finished: bool,
    /// Virtual seconds simulated.
    pub simulated_secs: f64,
    /// Virtual minutes of the measured window that ran.
    pub measured_minutes: f64,
    /// Traffic per peer per minute over the measured window (once it has run).
    pub per_peer: Option<Rates>,
    /// The same by message type.
    pub by_kind: BTreeMap<String, Rates>,
    /// Datagrams per minute, in and out together, of the busiest peer.
    pub busiest_peer: Option<f64>,
    /// Blocks mined in the window.
    pub blocks_mined: usize,
    /// Of them, blocks no longer in the miner's chain at the end (lost to a fork).
    pub blocks_lost: usize,
    /// Of the others, blocks that reached 99 % of the peers.
    pub blocks_spread: usize,
    /// Blocks in the chain mined a minute or more before the end that never reached 99 %.
    pub blocks_unspread: usize,
    /// Median time for a new block of the chain to reach 99 % of the peers.
    pub spread_median_s: Option<f64>,
    /// 90th percentile of it.
    pub spread_p90_s: Option<f64>,
    /// 99th percentile of it.
    pub spread_p99_s: Option<f64>,
    /// The slowest.
    pub spread_max_s: Option<f64>,
    /// How each peer's copy of the window's blocks (those in the chain) reached it.
    pub paths: Paths,
    /// Every block of the window, in order.
    pub blocks: Vec<BlockSpread>,
    /// Time for the joining peer to know 90 % of the network.
    pub learn_s: Option<f64>,
    /// Time for the joining peer to hold the network's chain.
    pub sync_s: Option<f64>,
    /// Blocks it fetched.
    pub sync_blocks: u64,
    /// Peers known by the peer that knows the fewest, at the end.
    pub fewest_known: usize,
    /// Datagrams the nodes sent, whole run.
    pub datagrams_sent: u64,
    /// Datagrams delivered, whole run.
    pub datagrams_delivered: u64,
}

impl ScaleRun {
    /// The figures so far (all of them once `step` returned `false`).
    pub fn report(&self) -> ScaleReport {
        let now = self.sim.elapsed();
        let peers = usize::from(self.params.peers);
        let secs = |d: Duration| d.as_secs_f64();
        let miner = self.sim.node(SimNet::addr(0)).chain();
        let blocks: Vec<BlockSpread> = self
            .measure
            .blocks()
            .map(|b| BlockSpread {
                height: b.height,
                mined_s: secs(b.mined),
                reach_s: b.reached.map(secs),
                paths: b.paths,
                in_chain: miner.get(b.height).is_some_and(|ours| ours.hash == b.hash),
            })
            .collect();
        let kept = || blocks.iter().filter(|b| b.in_chain);
        let mut times: Vec<f64> = kept().filter_map(|b| b.reach_s).collect();
        times.sort_by(f64::total_cmp);
        let quantile = |q: f64| times.get(((times.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied();
        let cutoff = secs(now.saturating_sub(Duration::from_secs(60)));
        let mut report = ScaleReport {
            peers,
            finished: now >= self.end(),
            simulated_secs: secs(now),
            blocks_mined: blocks.len(),
            blocks_lost: blocks.len() - kept().count(),
            blocks_spread: times.len(),
            blocks_unspread: kept().filter(|b| b.mined_s < cutoff && b.reach_s.is_none()).count(),
            spread_median_s: quantile(0.5),
            spread_p90_s: quantile(0.9),
            spread_p99_s: quantile(0.99),
            spread_max_s: times.last().copied(),
            paths: kept().fold(Paths::default(), |sum, b| sum + b.paths),
            learn_s: self.measure.learned.map(secs),
            sync_s: self.measure.synced.map(|(d, _)| secs(d)),
            sync_blocks: self.measure.synced.map_or(0, |(_, blocks)| blocks),
            fewest_known: self.peers().map(|a| self.sim.node(a).known_peers().len()).min().unwrap_or(0),
            datagrams_sent: self.sim.stats().sent,
            datagrams_delivered: self.sim.stats().delivered,
            blocks,
            ..ScaleReport::default()
        };
        let Some(window) = self.window.as_ref().filter(|w| now > w.start) else {
            return report;
        };
        let minutes = secs(now - window.start) / 60.0;
        let per = peers as f64 * minutes;
        let network = self.network_traffic();
        let before = |kind| window.network.get(kind).copied().unwrap_or_default();
        report.measured_minutes = minutes;
        report.per_peer = Some(Rates::between(&window.network.values().sum(), &network.values().sum(), per));
        report.by_kind = network.iter().map(|(k, t)| (k.to_string(), Rates::between(&before(k), t, per))).collect();
        report.busiest_peer = self
            .peers()
            .zip(&window.per_peer)
            .map(|(addr, then)| {
                let rates = Rates::between(then, &self.sim.traffic(addr).values().sum(), minutes);
                rates.datagrams_in + rates.datagrams_out
            })
            .max_by(f64::total_cmp);
        report
    }
}
