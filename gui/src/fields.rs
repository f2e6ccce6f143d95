//! The dialog's fields, checked as they are typed: ports (range, already in use),
//! names, the difficulty, and whether the well-known host resolves — looked up on a
//! helper thread so the window never waits for DNS.

use crossbeam_channel::{Receiver, bounded};
use std::net::{Ipv4Addr, TcpListener, ToSocketAddrs, UdpSocket};

/// A port number typed by a person.
pub fn port(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{:?} is not a port (1–65535)", text.trim())),
        Ok(port) => Ok(port),
    }
}

/// A UDP port we can listen on.
pub fn free_udp_port(text: &str) -> Result<u16, String> {
    let port = port(text)?;
    UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)).map(|_| port).map_err(|e| in_use("UDP", port, &e))
}

/// A TCP port the web page can be served on.
pub fn free_tcp_port(text: &str) -> Result<u16, String> {
    let port = port(text)?;
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map(|_| port).map_err(|e| in_use("TCP", port, &e))
}

fn in_use(protocol: &str, port: u16, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => format!("{protocol} port {port} is in use"),
        _ => format!("cannot use {protocol} port {port}: {error}"),
    }
}

/// A peer name: 1–20 characters.
pub fn name(text: &str) -> Result<String, String> {
    match text.chars().count() {
        1..=20 => Ok(text.to_owned()),
        n => Err(format!("a name has 1–20 characters, not {n}")),
    }
}

/// Required trailing zeros: 1–32.
pub fn difficulty(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(d @ 1..=32) => Ok(d),
        _ => Err(format!("{:?} is not a difficulty (1–32)", text.trim())),
    }
}

/// What is known of a host name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostState {
    /// Nothing typed yet.
    Empty,
    /// The lookup is running.
    Resolving,
    /// It resolves to this address.
    Resolved(String),
    /// It does not resolve.
    Failed(String),
}

/// Resolves the host typed in the dialog in the background, once per distinct text.
#[derive(Default)]
pub struct HostCheck {
    host: String,
    state: Option<HostState>,
    pending: Option<Receiver<HostState>>,
}

impl HostCheck {
    /// The state of `host`, starting a lookup when it changed; `wake` is called when a
    /// lookup finishes (the window repaints).
    pub fn check(&mut self, host: &str, wake: impl Fn() + Send + 'static) -> HostState {
        let host = host.trim();
        if host.is_empty() {
            return HostState::Empty;
        }
        if host != self.host || self.state.is_none() {
            self.host = host.to_owned();
            let (tx, rx) = bounded(1);
            let name = host.to_owned();
            let spawned = std::thread::Builder::new().name("resolve".into()).spawn(move || {
                let _ = tx.send(resolve(&name));
                wake();
            });
            self.state = Some(match spawned {
                Ok(_) => HostState::Resolving,
                Err(error) => HostState::Failed(format!("cannot look it up: {error}")),
            });
            self.pending = Some(rx);
        }
        if let Some(state) = self.pending.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.state = Some(state);
            self.pending = None;
        }
        self.state.clone().unwrap_or(HostState::Resolving)
    }
}

fn resolve(host: &str) -> HostState {
    match (host, 0).to_socket_addrs() {
        Ok(mut addrs) => match addrs.find(|a| a.is_ipv4()) {
            Some(addr) => HostState::Resolved(addr.ip().to_string()),
            None => HostState::Failed(format!("{host} has no IPv4 address")),
        },
        Err(_) => HostState::Failed(format!("cannot resolve {host}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn ports_are_checked_for_range_and_use() {
        assert_eq!(port("70000"), Err("\"70000\" is not a port (1–65535)".to_owned()));
        assert!(port("0").is_err());
        assert_eq!(port(" 8999 "), Ok(8999));
        let taken = UdpSocket::bind("0.0.0.0:0").unwrap();
        let number = taken.local_addr().unwrap().port();
        assert_eq!(free_udp_port(&number.to_string()), Err(format!("UDP port {number} is in use")));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let number = listener.local_addr().unwrap().port();
        assert_eq!(free_tcp_port(&number.to_string()), Err(format!("TCP port {number} is in use")));
    }

    #[test]
    fn names_and_difficulties_have_limits() {
        assert!(name("").is_err());
        assert!(name("a name far too long for a block").is_err());
        assert_eq!(difficulty("6"), Ok(6));
        assert!(difficulty("33").is_err());
    }

    fn settle(check: &mut HostCheck, host: &str) -> HostState {
        let start = Instant::now();
        loop {
            let state = check.check(host, || {});
            if state != HostState::Resolving || start.elapsed() > Duration::from_secs(20) {
                return state;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn hosts_are_resolved_in_the_background() {
        let mut check = HostCheck::default();
        assert_eq!(check.check("  ", || {}), HostState::Empty);
        assert_eq!(settle(&mut check, "localhost"), HostState::Resolved("127.0.0.1".into()));
        assert!(matches!(settle(&mut check, "no-such-host.invalid"), HostState::Failed(_)));
    }
}
