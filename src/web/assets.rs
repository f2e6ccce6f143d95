//! The page's files, embedded in the binary (no CDN, works offline): HTML, script,
//! style sheet and icons, each served with its content type.

use warp::Reply;
use warp::http::header::CONTENT_TYPE;
use warp::reply::Response;

/// One embedded file.
pub struct Asset {
    /// The URL path, without the leading `/` (`""` for the page itself).
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

/// A JavaScript file of the page.
const fn script(path: &'static str, source: &'static str) -> Asset {
    Asset { path, content_type: "text/javascript; charset=utf-8", body: source.as_bytes() }
}

/// Every file the page needs.
pub const ASSETS: &[Asset] = &[
    Asset { path: "", content_type: "text/html; charset=utf-8", body: include_str!("page/index.html").as_bytes() },
    script("app.js", include_str!("page/app.js")),
    script("history.js", include_str!("page/history.js")),
    script("forks.js", include_str!("page/forks.js")),
    script("events.js", include_str!("page/events.js")),
    Asset {
        path: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("page/style.css").as_bytes(),
    },
    Asset {
        path: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_str!("../../icons/blockpeer.svg").as_bytes(),
    },
    Asset { path: "favicon.png", content_type: "image/png", body: include_bytes!("../../icons/blockpeer-32.png") },
    Asset { path: "favicon.ico", content_type: "image/png", body: include_bytes!("../../icons/blockpeer-32.png") },
    Asset { path: "icon-256.png", content_type: "image/png", body: include_bytes!("../../icons/blockpeer-256.png") },
];

/// The file at `path` (the URL path without its leading `/`), if there is one.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

impl Asset {
    /// The response carrying this file.
    pub fn reply(&self) -> Response {
        warp::reply::with_header(self.body, CONTENT_TYPE, self.content_type).into_response()
    }
}
