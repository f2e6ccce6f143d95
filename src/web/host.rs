//! The DNS-rebinding guard: a request is served only when its `Host` header names this
//! machine — `localhost`, an IP literal, with or without a port — or a name the user
//! allowed with `--web-allow-host`. A web site that points its own name at 127.0.0.1
//! could otherwise read the API from a visitor's browser.

use std::net::IpAddr;
use std::sync::Arc;
use warp::{Filter, Rejection};

/// The host names served besides `localhost` and IP literals (lowercase, no port).
#[derive(Clone, Debug, Default)]
pub struct AllowedHosts(Arc<[String]>);

/// A request refused because of its `Host` header; the message says why.
#[derive(Debug)]
pub struct ForeignHost(pub String);

impl warp::reject::Reject for ForeignHost {}

impl AllowedHosts {
    /// `localhost`, IP literals and each of `names` (compared without case).
    pub fn new(names: &[String]) -> Self {
        Self(names.iter().map(|n| n.trim_end_matches('.').to_ascii_lowercase()).collect())
    }

    /// Whether a request with this `Host` header is served, or why not. Without one
    /// (HTTP/1.0) it is: every browser sends the header.
    pub fn check(&self, host: Option<&str>) -> Result<(), String> {
        let Some(header) = host else { return Ok(()) };
        let name = without_port(header.trim()).trim_end_matches('.').to_ascii_lowercase();
        let literal = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(&name);
        if name == "localhost" || literal.parse::<IpAddr>().is_ok() || self.0.contains(&name) {
            return Ok(());
        }
        Err(format!(
            "this page is served to localhost and IP addresses, not to the name {name:?} \
             (a page elsewhere may be reading it through its own DNS name); \
             to view it through that name, start the peer with --web-allow-host {name}"
        ))
    }

    /// A filter that passes requests `check` accepts and rejects the rest with
    /// [`ForeignHost`].
    pub fn filter(self) -> impl Filter<Extract = (), Error = Rejection> + Clone {
        warp::header::optional::<String>("host")
            .and_then(move |host: Option<String>| {
                let verdict = self.check(host.as_deref()).map_err(|why| warp::reject::custom(ForeignHost(why)));
                async move { verdict }
            })
            .untuple_one()
    }
}

/// `header` without its `:port`; an IPv6 literal keeps its brackets, a bare one its colons.
fn without_port(header: &str) -> &str {
    if header.starts_with('[') {
        return match header.split_once(']') {
            Some((_, rest)) if rest.is_empty() || rest.starts_with(':') => &header[..header.len() - rest.len()],
            _ => header,
        };
    }
    match header.split_once(':') {
        Some((host, port)) if !port.contains(':') => host,
        _ => header,
    }
}

#[cfg(test)]
mod tests {
    use super::AllowedHosts;

    #[test]
    fn local_names_and_ip_literals_are_served_with_or_without_a_port() {
        let allowed = AllowedHosts::new(&[]);
        for host in [
            "localhost",
            "LOCALHOST:8001",
            "localhost.",
            "127.0.0.1",
            "127.0.0.1:8001",
            "192.168.1.20:80",
            "[::1]",
            "[::1]:8001",
            "[fe80::1]:8001",
            "::1",
        ] {
            assert_eq!(allowed.check(Some(host)), Ok(()), "{host}");
        }
        assert_eq!(allowed.check(None), Ok(()), "HTTP/1.0 without a Host");
    }

    #[test]
    fn other_names_are_refused_unless_allowed() {
        let allowed = AllowedHosts::new(&[]);
        for host in ["evil.example", "evil.example:8001", "localhost.evil.example", "127.0.0.1.nip.io", "[::1]x", ""] {
            let why = allowed.check(Some(host)).unwrap_err();
            assert!(why.contains("--web-allow-host"), "{host}: {why}");
        }
        let allowed = AllowedHosts::new(&["Peer.Example.org".to_owned()]);
        assert_eq!(allowed.check(Some("peer.example.org:8001")), Ok(()));
        assert_eq!(allowed.check(Some("PEER.example.org.")), Ok(()));
        assert!(allowed.check(Some("other.example.org")).is_err());
    }
}
