//! The URL map: the page's files, the JSON API (with the record's forks and history),
//! the event stream and the old page's
//! endpoints, each for GET and HEAD, and only for a `Host` that names this machine;
//! every other request gets a JSON error; every response carries the security headers
//! (a strict Content-Security-Policy: no inline script or style).

use super::chain::ChainJson;
use super::host::{AllowedHosts, ForeignHost};
use super::source::Source;
use super::{api, assets, events, record};
use blockpeer_core::node::Snapshot;
use std::convert::Infallible;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::http::header::{self, HeaderMap, HeaderValue};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// The page may load only its own files and talk only to its own server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// Every route of the web server, reading from `source`, for requests whose `Host`
/// header `hosts` accepts. HEAD gets GET's headers without the body (hyper drops it,
/// so an event stream's HEAD ends at once).
pub fn routes(
    source: Arc<dyn Source>,
    hosts: AllowedHosts,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let snapshot = {
        let source = source.clone();
        warp::any().map(move || source.snapshot())
    };
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    let status = warp::path!("api" / "status").and(snapshot.clone()).map(|s: Arc<Snapshot>| api::status_reply(&s));
    let blocks = warp::path!("api" / "blocks")
        .and(snapshot.clone())
        .and(query)
        .map(|s: Arc<Snapshot>, q: String| api::blocks(&s, &q));
    let block = warp::path!("api" / "blocks" / String)
        .and(snapshot.clone())
        .map(|height: String, s: Arc<Snapshot>| api::block(&s, &height));
    let peers = warp::path!("api" / "peers").and(snapshot.clone()).map(|s: Arc<Snapshot>| api::peers(&s));
    let forks = warp::path!("api" / "forks")
        .and(snapshot.clone())
        .and(query)
        .map(|s: Arc<Snapshot>, q: String| record::forks(&s, &q));
    let history = warp::path!("api" / "history")
        .and(snapshot.clone())
        .and(query)
        .map(|s: Arc<Snapshot>, q: String| record::history(&s, &q));
    let clients = Arc::new(events::Clients::default());
    let events = warp::path!("api" / "events").map(move || events::reply(source.clone(), &clients));
    let cache = Arc::new(ChainJson::default());
    let chain = warp::path!("chain").and(snapshot.clone()).then(move |s: Arc<Snapshot>| {
        let cache = cache.clone();
        async move { cache.reply(s.blocks.clone()).await }
    });
    let peer_list = warp::path!("peerList").and(snapshot).map(|s: Arc<Snapshot>| api::peer_list(&s));
    let files = warp::path::tail().and_then(|tail: warp::path::Tail| async move {
        assets::find(tail.as_str()).map(assets::Asset::reply).ok_or_else(warp::reject::not_found)
    });
    let api = status.or(blocks).unify().or(block).unify().or(peers).unify().or(events).unify();
    let api = api.or(forks).unify().or(history).unify();
    let old = chain.or(peer_list).unify();
    hosts
        .filter()
        .and(warp::get().or(warp::head()).unify())
        .and(api.or(old).unify().or(files).unify())
        .recover(|rejection| async move { Ok::<_, Infallible>(rejected(&rejection)) })
        .unify()
        .with(warp::reply::with::headers(security_headers()))
        .map(Reply::into_response)
}

/// The JSON answer to a request no route took.
fn rejected(rejection: &Rejection) -> Response {
    if let Some(ForeignHost(why)) = rejection.find() {
        api::error(StatusCode::FORBIDDEN, why.as_str())
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        api::error(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served")
    } else if rejection.is_not_found() {
        api::error(StatusCode::NOT_FOUND, "not found (the README lists the API)")
    } else {
        api::error(StatusCode::BAD_REQUEST, "bad request")
    }
}

/// Headers that every response carries.
fn security_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    let static_headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in static_headers {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
}
