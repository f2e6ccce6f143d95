//! The JSON the page and scripts read: status, pages of blocks, one block, the peers,
//! and the old page's `/peerList`. Each answer comes from one snapshot.

use blockpeer_core::chain::{Block, Generation};
use blockpeer_core::node::{ConsensusView, Mismatch, Snapshot, SyncView};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use warp::Reply;
use warp::http::StatusCode;
use warp::reply::Response;

/// The most blocks one `/api/blocks` request returns.
pub const MAX_LIMIT: u64 = 500;
/// Blocks per `/api/blocks` answer when `limit` is not given.
const DEFAULT_LIMIT: u64 = 50;

/// `GET /api/status`: the header of the page, and each `status` event.
#[derive(Serialize)]
pub struct Status<'a> {
    /// The `host:port` this peer advertises.
    address: &'a str,
    /// Its name.
    name: &'a str,
    /// Blocks in the chain.
    height: u64,
    /// Hash of the newest block.
    tip: Option<&'a str>,
    /// Required trailing zeros.
    difficulty: u32,
    /// The protocol generation: `"flood"` or `"gossip"`.
    protocol: Generation,
    /// The same for people: `"FLOOD (2022)"`, `"GOSSIP (2023+)"`.
    protocol_label: &'static str,
    /// Known peers.
    peers: usize,
    /// Peers whose reported tip is ours.
    peers_agreeing: usize,
    /// Whether mining is on.
    mining: bool,
    /// Hashes per second of the miners.
    hashrate: f64,
    /// Miner threads.
    threads: usize,
    /// The CPU miners' kernel, e.g. `"sha-ni/avx512vl"` (empty until the miners start).
    kernel: &'a str,
    /// Blocks this peer mined.
    blocks_mined: u64,
    /// Words waiting for the next block.
    pending_words: usize,
    /// The last consensus round, and whether one is running.
    consensus: &'a ConsensusView,
    /// The chain being fetched, if any.
    sync: Option<&'a SyncView>,
    /// The network's chain meets fewer trailing zeros than we require: `{required, network}`.
    difficulty_mismatch: Option<Mismatch>,
    /// Seconds since the peer started.
    uptime_secs: f64,
    /// Why the chain could not be saved to disk, while it cannot.
    store_error: Option<&'a str>,
}

/// The status part of `snapshot`.
pub fn status(snapshot: &Snapshot) -> Status<'_> {
    Status {
        address: &snapshot.address,
        name: &snapshot.name,
        height: snapshot.height,
        tip: snapshot.tip.as_deref(),
        difficulty: snapshot.difficulty,
        protocol: snapshot.protocol,
        protocol_label: snapshot.protocol.label(),
        peers: snapshot.peers.len(),
        peers_agreeing: snapshot.peers.iter().filter(|p| p.agrees).count(),
        mining: snapshot.mining,
        hashrate: snapshot.miner.hashrate,
        threads: snapshot.miner.threads,
        kernel: &snapshot.miner.backend,
        blocks_mined: snapshot.blocks_mined,
        pending_words: snapshot.pending_count,
        consensus: &snapshot.consensus,
        sync: snapshot.sync.as_ref(),
        difficulty_mismatch: snapshot.difficulty_mismatch,
        uptime_secs: snapshot.uptime_secs,
        store_error: snapshot.store_error.as_deref(),
    }
}

/// `GET /api/status`.
pub fn status_reply(snapshot: &Snapshot) -> Response {
    warp::reply::json(&status(snapshot)).into_response()
}

/// Which way a page of blocks runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Newest first: `from` and the blocks below it.
    Desc,
    /// Oldest first: `from` and the blocks above it.
    Asc,
}

/// The query of `GET /api/blocks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageQuery {
    /// The first height listed (default: the tip for `desc`, genesis for `asc`).
    pub from: Option<u64>,
    /// At most this many blocks (1–500).
    pub limit: u64,
    /// Newest first (default) or oldest first.
    pub order: Order,
}

impl PageQuery {
    /// Parses `from=H&limit=N&order=desc|asc`; other keys are ignored.
    pub fn parse(query: &str) -> Result<Self, String> {
        let mut page = PageQuery { from: None, limit: DEFAULT_LIMIT, order: Order::Desc };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "from" => page.from = Some(whole_number(key, value)?),
                "limit" => {
                    page.limit = whole_number(key, value)?;
                    if !(1..=MAX_LIMIT).contains(&page.limit) {
                        return Err(format!("limit must be 1–{MAX_LIMIT}, not {}", page.limit));
                    }
                }
                "order" => {
                    page.order = match value {
                        "desc" => Order::Desc,
                        "asc" => Order::Asc,
                        _ => return Err(format!("order must be desc or asc, not {value:?}")),
                    }
                }
                _ => {}
            }
        }
        Ok(page)
    }

    /// The blocks of this page.
    fn select<'a>(&self, blocks: &'a [Arc<Block>]) -> Vec<&'a Block> {
        let len = blocks.len() as u64;
        let (start, end) = match self.order {
            Order::Desc => {
                let end = self.from.map_or(len, |from| from.saturating_add(1).min(len));
                (end.saturating_sub(self.limit), end)
            }
            Order::Asc => {
                let start = self.from.unwrap_or(0).min(len);
                (start, start.saturating_add(self.limit).min(len))
            }
        };
        // Both bounds are at most `len`, which came from a usize.
        let page = blocks[start as usize..end as usize].iter().map(|b| b.as_ref());
        match self.order {
            Order::Desc => page.rev().collect(),
            Order::Asc => page.collect(),
        }
    }
}

/// A decimal `u64`, or why not.
fn whole_number(key: &str, value: &str) -> Result<u64, String> {
    value.parse().map_err(|_| format!("{key} must be a whole number ≥ 0, not {value:?}"))
}

/// `GET /api/blocks` answer: the chain's length and tip with the page, from one snapshot.
#[derive(Serialize)]
struct BlockPage<'a> {
    height: u64,
    tip: Option<&'a str>,
    order: Order,
    blocks: Vec<&'a Block>,
}

/// `GET /api/blocks?from=H&limit=N&order=desc|asc`.
pub fn blocks(snapshot: &Snapshot, query: &str) -> Response {
    match PageQuery::parse(query) {
        Ok(page) => warp::reply::json(&BlockPage {
            height: snapshot.height,
            tip: snapshot.tip.as_deref(),
            order: page.order,
            blocks: page.select(&snapshot.blocks),
        })
        .into_response(),
        Err(message) => error(StatusCode::BAD_REQUEST, message),
    }
}

/// `GET /api/blocks/{height}`.
pub fn block(snapshot: &Snapshot, height: &str) -> Response {
    let Ok(height) = height.parse::<u64>() else {
        return error(StatusCode::BAD_REQUEST, format!("the height must be a whole number ≥ 0, not {height:?}"));
    };
    match usize::try_from(height).ok().and_then(|h| snapshot.blocks.get(h)) {
        Some(block) => warp::reply::json(block.as_ref()).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no block {height}: the chain has {} blocks", snapshot.height)),
    }
}

/// `GET /api/peers`: every field the snapshot has of each peer.
pub fn peers(snapshot: &Snapshot) -> Response {
    warp::reply::json(&snapshot.peers).into_response()
}

/// `GET /peerList`, as the old page served it: `[[host, port], …]`.
pub fn peer_list(snapshot: &Snapshot) -> Response {
    let list: Vec<(String, u16)> = snapshot
        .peers
        .iter()
        .filter_map(|p| p.address.parse::<SocketAddr>().ok())
        .map(|addr| (addr.ip().to_string(), addr.port()))
        .collect();
    warp::reply::json(&list).into_response()
}

/// A JSON error: `{"error": message, "status": code}`.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into(), "status": status.as_u16() });
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}
