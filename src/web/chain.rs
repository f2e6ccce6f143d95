//! `GET /chain`, as the old page served it: every block, oldest first, as one JSON array
//! (≈ 20 MB at 100 000 blocks). The JSON is kept between requests and extended when
//! blocks were only appended, and it is built on tokio's blocking pool, so neither a
//! long chain nor a client asking for it in a loop holds up the web thread.

use super::api;
use blockpeer_core::chain::{Block, SharedBlocks};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::http::header::{CONTENT_TYPE, HeaderValue};
use warp::hyper::body::Bytes;
use warp::reply::Response;

/// The last `/chain` answer of one server, reused while the chain is the same.
#[derive(Debug, Default)]
pub struct ChainJson(tokio::sync::Mutex<Cached>);

/// The JSON array of the first `len` blocks, the last of which has hash `tip`.
#[derive(Debug, Default)]
struct Cached {
    len: usize,
    tip: Option<String>,
    json: Bytes,
}

impl ChainJson {
    /// The answer for `blocks`: the kept JSON, extended or rebuilt first if the chain
    /// changed. Requests wait for one build in turn, without holding a thread.
    pub async fn reply(&self, blocks: SharedBlocks) -> Response {
        let mut cached = self.0.lock().await;
        if !cached.is_of(&blocks) {
            let old = std::mem::take(&mut *cached);
            match tokio::task::spawn_blocking(move || old.updated(&blocks)).await {
                Ok(Ok(new)) => *cached = new,
                Ok(Err(error)) => return failed(&error),
                Err(error) => return failed(&error),
            }
        }
        let mut response = Response::new(cached.json.clone().into());
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

fn failed(error: &dyn std::error::Error) -> Response {
    tracing::warn!(%error, "cannot encode /chain");
    api::error(StatusCode::INTERNAL_SERVER_ERROR, "the chain could not be encoded")
}

impl Cached {
    /// Whether this is the JSON of exactly `blocks`.
    fn is_of(&self, blocks: &[Arc<Block>]) -> bool {
        blocks.len() == self.len && self.extends(blocks)
    }

    /// Whether `blocks` start with the blocks this JSON holds. A block's hash covers
    /// the previous block's hash, so an equal hash at the same height means an equal
    /// chain below it.
    fn extends(&self, blocks: &[Arc<Block>]) -> bool {
        match self.len.checked_sub(1) {
            None => !self.json.is_empty(),
            Some(last) => blocks.get(last).is_some_and(|b| Some(&b.hash) == self.tip.as_ref()),
        }
    }

    /// The JSON of `blocks`: this one with the new blocks added when only blocks were
    /// appended, else encoded anew.
    fn updated(self, blocks: &[Arc<Block>]) -> serde_json::Result<Cached> {
        let (mut json, kept) = if self.extends(blocks) {
            // Everything but the closing bracket.
            (self.json[..self.json.len() - 1].to_vec(), self.len)
        } else {
            (b"[".to_vec(), 0)
        };
        for (i, block) in blocks.iter().enumerate().skip(kept) {
            if i > 0 {
                json.push(b',');
            }
            serde_json::to_writer(&mut json, block.as_ref())?;
        }
        json.push(b']');
        Ok(Cached { len: blocks.len(), tip: blocks.last().map(|b| b.hash.clone()), json: json.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::Cached;
    use blockpeer_core::chain::Block;
    use blockpeer_core::testing::{chain_of, extend_chain};
    use std::sync::Arc;

    fn expected(blocks: &[Arc<Block>]) -> Vec<u8> {
        serde_json::to_vec(&blocks.iter().map(|b| b.as_ref()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn the_json_follows_the_chain_through_appends_and_reorganisations() {
        let mut chain = chain_of(0, 1, "a");
        let mut cached = Cached::default();
        assert!(!cached.is_of(chain.blocks()), "nothing is built before the first request");
        cached = cached.updated(chain.blocks()).unwrap();
        assert_eq!(&cached.json[..], b"[]");
        assert!(cached.is_of(chain.blocks()));

        for (added, from) in [(1, "a"), (1, "a"), (5, "a")] {
            extend_chain(&mut chain, added, from, "more");
            assert!(!cached.is_of(chain.blocks()) && cached.extends(chain.blocks()), "appended: extended");
            cached = cached.updated(chain.blocks()).unwrap();
            assert_eq!(cached.json, expected(chain.blocks()));
        }

        // Another branch from height 3, as long as ours: rebuilt, not extended.
        let mut other = chain.clone();
        other.replace_from(3, vec![]).unwrap();
        extend_chain(&mut other, 4, "b", "fork");
        assert!(!cached.extends(other.blocks()));
        cached = cached.updated(other.blocks()).unwrap();
        assert_eq!(cached.json, expected(other.blocks()));
        assert!(cached.is_of(other.blocks()) && !cached.is_of(chain.blocks()));
    }
}
