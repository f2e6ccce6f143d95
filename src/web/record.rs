//! The record's answers: `GET /api/forks` (side blocks, the blocks of our chain beside
//! them, reorganisations) and `GET /api/history` (every peer's chain over time, the
//! rounds, the reorganisations), both bounded by the record itself.

use super::api::error;
use blockpeer_core::node::Snapshot;
use blockpeer_core::node::record::{Forks, MAX_SIDE_BLOCKS, Timeline};
use warp::Reply;
use warp::http::StatusCode;
use warp::reply::Response;

/// `GET /api/forks?limit=N`: the newest `N` side blocks (1–1000, default all).
pub fn forks(snapshot: &Snapshot, query: &str) -> Response {
    let limit = match param(query, "limit").map(|v| v.parse::<usize>()) {
        None => MAX_SIDE_BLOCKS,
        Some(Ok(n)) if (1..=MAX_SIDE_BLOCKS).contains(&n) => n,
        Some(_) => return error(StatusCode::BAD_REQUEST, format!("limit must be a whole number 1–{MAX_SIDE_BLOCKS}")),
    };
    warp::reply::json(&Forks::of(snapshot, limit)).into_response()
}

/// `GET /api/history?since=T`: what the record holds from Unix second `T` on (default: all).
pub fn history(snapshot: &Snapshot, query: &str) -> Response {
    let since = match param(query, "since").map(|v| v.parse::<f64>()) {
        None => 0.0,
        Some(Ok(t)) if t.is_finite() && t >= 0.0 => t,
        Some(_) => return error(StatusCode::BAD_REQUEST, "since must be Unix seconds ≥ 0"),
    };
    warp::reply::json(&Timeline::of(snapshot, since)).into_response()
}

/// The value of `key` in a query string (the first one).
fn param<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| v)
}
