//! Proves every web endpoint answers as the README says, through `warp::test` against
//! a snapshot taken from a real `Node`: status, pages of blocks (and their 400s), one
//! block (400/404), peers, `/chain` and `/peerList`, JSON 404/405, HEAD, the page's
//! files with their security headers, and the Host-header guard; `live` does the same
//! on a real socket for what needs one.

mod live;
mod record;

use super::host::AllowedHosts;
use super::routes::{CONTENT_SECURITY_POLICY, routes};
use super::source::Source;
use blockpeer_core::chain::Block;
use blockpeer_core::node::{Config, Event, Input, Node, Snapshot};
use blockpeer_core::testing::chain_of;
use crossbeam_channel::{Receiver, Sender, unbounded};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use warp::http::Response;
use warp::hyper::body::Bytes;

/// A source that serves one snapshot and hands out events pushed by the test.
struct Fixed {
    snapshot: Arc<Snapshot>,
    version: AtomicU64,
    subscribers: Mutex<Vec<Sender<Event>>>,
}

impl Source for Fixed {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.clone()
    }

    fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    fn subscribe(&self) -> Receiver<Event> {
        let (tx, rx) = unbounded();
        self.subscribers.lock().unwrap().push(tx);
        rx
    }
}

const PEER: &str = "127.0.0.1:9200";

/// A node called "viewer" with `len` blocks at difficulty 1 that one peer has FLOODed.
fn fixed(len: usize) -> Arc<Fixed> {
    let now = Instant::now();
    let mut config = Config::new("viewer", "127.0.0.1", 9100);
    config.difficulty = 1;
    let mut node = Node::new(config, chain_of(len, 1, "tester"), now);
    let flood = br#"{"type":"FLOOD","host":"127.0.0.1","port":9200,"id":"f1","name":"<b>far</b>"}"#;
    node.handle_input(now, Input::Datagram { from: PEER.parse().unwrap(), bytes: flood.to_vec() });
    Arc::new(Fixed {
        snapshot: Arc::new(node.snapshot(now)),
        version: AtomicU64::new(1),
        subscribers: Mutex::default(),
    })
}

/// The routes of a server that allows no host name besides the local ones.
async fn request(source: &Arc<Fixed>, request: warp::test::RequestBuilder) -> Response<Bytes> {
    request.reply(&routes(source.clone(), AllowedHosts::default())).await
}

async fn get(source: &Arc<Fixed>, path: &str) -> Response<Bytes> {
    request(source, warp::test::request().path(path)).await
}

async fn get_json(source: &Arc<Fixed>, path: &str, status: u16) -> Value {
    let response = get(source, path).await;
    assert_eq!(response.status(), status, "{path}: {:?}", response.body());
    assert_eq!(response.headers()["content-type"], "application/json", "{path}");
    serde_json::from_slice(response.body()).unwrap()
}

fn heights(page: &Value) -> Vec<u64> {
    page["blocks"].as_array().unwrap().iter().map(|b| b["height"].as_u64().unwrap()).collect()
}

#[tokio::test]
async fn status_describes_the_node() {
    let source = fixed(5);
    let status = get_json(&source, "/api/status", 200).await;
    let tip = source.snapshot.tip.clone().unwrap();
    assert_eq!(status["address"], "127.0.0.1:9100");
    assert_eq!(status["name"], "viewer");
    assert_eq!((status["height"].as_u64(), status["tip"].as_str()), (Some(5), Some(tip.as_str())));
    assert_eq!((status["difficulty"].as_u64(), status["peers"].as_u64()), (Some(1), Some(1)));
    assert_eq!((status["mining"].as_bool(), status["hashrate"].as_f64()), (Some(false), Some(0.0)));
    assert!(status["kernel"].is_string(), "{status}");
    assert_eq!((status["protocol"].as_str(), status["protocol_label"].as_str()), (Some("flood"), Some("FLOOD (2022)")));
    assert_eq!(status["consensus"], json!({"running": false, "last_secs": null, "last": null, "failed_sync": null}));
    assert_eq!((&status["sync"], &status["store_error"]), (&Value::Null, &Value::Null));
    assert_eq!(status["difficulty_mismatch"], Value::Null);
}

#[tokio::test]
async fn status_says_when_the_chain_cannot_be_saved() {
    let why = "the chain is not saved: cannot append to /data/chain.jsonl: No space left on device (os error 28)";
    let mut snapshot = (*fixed(1).snapshot).clone();
    snapshot.store_error = Some(why.to_owned());
    let source =
        Arc::new(Fixed { snapshot: Arc::new(snapshot), version: AtomicU64::new(1), subscribers: Mutex::default() });
    assert_eq!(get_json(&source, "/api/status", 200).await["store_error"], why);
}

#[tokio::test]
async fn blocks_come_newest_first_a_page_at_a_time() {
    let source = fixed(120);
    let page = get_json(&source, "/api/blocks", 200).await;
    assert_eq!((page["height"].as_u64(), page["order"].as_str()), (Some(120), Some("desc")));
    assert_eq!(heights(&page), (70..120).rev().collect::<Vec<_>>(), "50 newest by default");
    assert_eq!(heights(&get_json(&source, "/api/blocks?from=10&limit=5", 200).await), [10, 9, 8, 7, 6]);
    assert_eq!(heights(&get_json(&source, "/api/blocks?from=2&limit=5", 200).await), [2, 1, 0]);
    assert_eq!(heights(&get_json(&source, "/api/blocks?from=999&limit=2", 200).await), [119, 118]);
    assert_eq!(heights(&get_json(&source, "/api/blocks?order=asc&limit=3", 200).await), [0, 1, 2]);
    assert_eq!(heights(&get_json(&source, "/api/blocks?order=asc&from=118", 200).await), [118, 119]);
    assert_eq!(heights(&get_json(&source, "/api/blocks?order=asc&from=500", 200).await), [] as [u64; 0]);
    assert_eq!(heights(&get_json(&source, "/api/blocks?limit=500&cache=1", 200).await).len(), 120);
    let block = &get_json(&source, "/api/blocks?limit=1", 200).await["blocks"][0];
    let wire = serde_json::to_value(source.snapshot.blocks[119].as_ref()).unwrap();
    assert_eq!(*block, wire, "blocks carry the wire's field names");
    assert!(block.get("minedBy").is_some());
}

#[tokio::test]
async fn bad_block_queries_get_a_400_that_says_why() {
    let source = fixed(3);
    for (query, why) in [
        ("limit=0", "limit must be 1–500, not 0"),
        ("limit=501", "limit must be 1–500, not 501"),
        ("limit=", "limit must be a whole number"),
        ("from=-1", "from must be a whole number"),
        ("from=abc", "from must be a whole number"),
        ("from=99999999999999999999", "from must be a whole number"),
        ("order=up", "order must be desc or asc"),
    ] {
        let error = get_json(&source, &format!("/api/blocks?{query}"), 400).await;
        assert!(error["error"].as_str().unwrap().starts_with(why), "{query}: {error}");
        assert_eq!(error["status"], 400);
    }
}

#[tokio::test]
async fn one_block_by_height() {
    let source = fixed(4);
    let block: Block = serde_json::from_value(get_json(&source, "/api/blocks/2", 200).await).unwrap();
    assert_eq!(block, *source.snapshot.blocks[2]);
    let missing = get_json(&source, "/api/blocks/4", 404).await;
    assert_eq!(missing["error"], "no block 4: the chain has 4 blocks");
    for bad in ["x", "-1", "1.5"] {
        let error = get_json(&source, &format!("/api/blocks/{bad}"), 400).await;
        assert!(error["error"].as_str().unwrap().starts_with("the height must be a whole number"), "{error}");
    }
}

#[tokio::test]
async fn peers_and_the_old_pages_endpoints() {
    let source = fixed(3);
    let peers = get_json(&source, "/api/peers", 200).await;
    let peer = &peers[0];
    assert_eq!((peer["address"].as_str(), peer["name"].as_str()), (Some(PEER), Some("<b>far</b>")));
    for field in
        ["learned", "first_seen_secs", "last_seen_secs", "rtt_ms", "height", "hash", "agrees", "standing", "traffic"]
    {
        assert!(peer.get(field).is_some(), "/api/peers lacks {field}: {peer}");
    }
    assert_eq!(get_json(&source, "/peerList", 200).await, json!([["127.0.0.1", 9200]]));
    let chain = get_json(&source, "/chain", 200).await;
    let blocks: Vec<&Block> = source.snapshot.blocks.iter().map(|b| b.as_ref()).collect();
    assert_eq!(chain, serde_json::to_value(blocks).unwrap());
}

#[tokio::test]
async fn other_requests_get_json_errors() {
    let source = fixed(1);
    for path in ["/nope", "/api", "/api/nope", "/api/status/extra", "/api/blocks/1/2", "/chain.json"] {
        let error = get_json(&source, path, 404).await;
        assert_eq!(error["status"], 404, "{path}");
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let response = request(&source, warp::test::request().method(method).path("/api/status")).await;
        assert_eq!(response.status(), 405, "{method}");
        let error: Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(error["error"], "only GET and HEAD are served", "{method}");
    }
}

#[tokio::test]
async fn the_page_and_its_files_are_served_with_a_strict_policy() {
    let source = fixed(1);
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/events.js", "text/javascript; charset=utf-8"),
        ("/history.js", "text/javascript; charset=utf-8"),
        ("/forks.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/favicon.png", "image/png"),
        ("/icon-256.png", "image/png"),
        ("/api/status", "application/json"),
        ("/nope", "application/json"),
    ] {
        let response = get(&source, path).await;
        assert_eq!(response.status(), if path == "/nope" { 404 } else { 200 }, "{path}");
        let headers = response.headers();
        assert_eq!(headers["content-type"], content_type, "{path}");
        assert_eq!(headers["content-security-policy"], CONTENT_SECURITY_POLICY, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'self';") && !CONTENT_SECURITY_POLICY.contains("unsafe"));
    let html = String::from_utf8(get(&source, "/").await.body().to_vec()).unwrap();
    assert!(html.contains(r#"href="/style.css""#));
    for script in ["/app.js", "/history.js", "/forks.js"] {
        assert!(html.contains(&format!(r#"<script src="{script}" defer></script>"#)), "{script}");
    }
    assert!(!html.contains("<script>") && !html.contains("<style") && !html.contains("style="), "nothing inline");
    // The page's scripts and the live feed's worker (events.js).
    for script in ["/app.js", "/events.js", "/history.js", "/forks.js"] {
        let js = String::from_utf8(get(&source, script).await.body().to_vec()).unwrap();
        for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("] {
            assert!(!js.contains(sink), "{script} uses {sink}");
        }
    }
}

#[tokio::test]
async fn head_answers_every_get_route_as_get_does() {
    let source = fixed(3);
    let paths = ["/", "/app.js", "/favicon.png", "/api/status", "/api/blocks?limit=2", "/api/blocks/1", "/api/peers"];
    for path in paths.into_iter().chain(["/chain", "/peerList", "/api/blocks/9", "/nope"]) {
        let got = get(&source, path).await;
        let head = request(&source, warp::test::request().method("HEAD").path(path)).await;
        assert_eq!(head.status(), got.status(), "HEAD {path}");
        for name in ["content-type", "content-security-policy", "x-content-type-options"] {
            assert_eq!(head.headers().get(name), got.headers().get(name), "HEAD {path}: {name}");
        }
    }
}

#[tokio::test]
async fn a_foreign_host_name_is_refused_with_the_reason_and_the_option_that_allows_it() {
    let source = fixed(2);
    let with_host = |host: &str, path: &str| warp::test::request().path(path).header("host", host);
    for host in ["localhost:8001", "127.0.0.1:8001", "[::1]:8001", "10.1.2.3"] {
        for path in ["/", "/api/status", "/chain"] {
            assert_eq!(request(&source, with_host(host, path)).await.status(), 200, "{host}{path}");
        }
    }
    for path in ["/", "/api/status", "/chain", "/nope"] {
        let refused = request(&source, with_host("rebound.example:8001", path)).await;
        assert_eq!(refused.status(), 403, "{path}");
        let error: Value = serde_json::from_slice(refused.body()).unwrap();
        let why = error["error"].as_str().unwrap();
        assert!(why.contains(r#""rebound.example""#) && why.contains("--web-allow-host rebound.example"), "{why}");
    }
    let allowed = routes(source.clone(), AllowedHosts::new(&["rebound.example".to_owned()]));
    assert_eq!(with_host("Rebound.Example:8001", "/api/status").reply(&allowed).await.status(), 200);
}
