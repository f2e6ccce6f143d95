//! The `dns` threads: host names from FLOODs, GOSSIPs and their replies looked up off
//! the engine thread. A name whose server never answers holds up only these threads,
//! and only a bounded queue of names waits for them; what cannot wait is dropped (the
//! node gives up on its waiting messages after a while).

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use std::net::{IpAddr, ToSocketAddrs};

/// Lookups running at once.
const THREADS: usize = 2;
/// Names waiting for a lookup.
const QUEUE: usize = 64;

/// A name and what it resolved to.
pub(super) type Answer = (String, Option<IpAddr>);

/// The lookup threads: names in, answers out. They end when this is dropped (after
/// the lookup they are in, which no one waits for).
pub(super) struct Dns {
    requests: Sender<String>,
    /// The answers, for the engine to select on.
    pub answers: Receiver<Answer>,
}

impl Dns {
    /// Starts the threads (named `dns-N`, in the caller's span).
    pub(super) fn start() -> std::io::Result<Self> {
        let (requests, names) = bounded::<String>(QUEUE);
        let (answer, answers) = bounded::<Answer>(QUEUE);
        for i in 0..THREADS {
            let (names, answer, span) = (names.clone(), answer.clone(), tracing::Span::current());
            std::thread::Builder::new().name(format!("dns-{i}")).spawn(move || {
                let _entered = span.enter();
                for host in names {
                    let ip = lookup(&host);
                    tracing::debug!(%host, ?ip, "looked up");
                    if answer.send((host, ip)).is_err() {
                        break;
                    }
                }
            })?;
        }
        Ok(Self { requests, answers })
    }

    /// Asks for `host` to be looked up; `false` if too many names wait already.
    pub(super) fn ask(&self, host: String) -> bool {
        match self.requests.try_send(host) {
            Ok(()) => true,
            Err(TrySendError::Full(host) | TrySendError::Disconnected(host)) => {
                tracing::debug!(%host, "too many names to look up; dropped");
                false
            }
        }
    }
}

/// The address of `host`, IPv4 first.
fn lookup(host: &str) -> Option<IpAddr> {
    let addrs: Vec<IpAddr> = (host, 0).to_socket_addrs().ok()?.map(|a| a.ip()).collect();
    addrs.iter().find(|ip| ip.is_ipv4()).or(addrs.first()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn names_are_answered_off_the_caller_s_thread() {
        let dns = Dns::start().unwrap();
        assert!(dns.ask("localhost".into()));
        assert!(dns.ask("no-such-host.invalid".into()));
        let mut answers: Vec<Answer> =
            (0..2).map(|_| dns.answers.recv_timeout(Duration::from_secs(60)).unwrap()).collect();
        answers.sort();
        assert_eq!(answers[0].0, "localhost");
        assert!(answers[0].1.is_some_and(|ip| ip.is_loopback()));
        assert_eq!(answers[1], ("no-such-host.invalid".to_owned(), None));
    }
}
