//! The web page: a warp server on its own thread ("web") with a current-thread tokio
//! runtime, serving the page, a JSON API and live events from the engine's latest
//! snapshot. Peers write every block field, so the page renders all of it as text.

mod api;
mod assets;
mod chain;
mod events;
mod host;
mod record;
mod routes;
mod source;
#[cfg(test)]
mod tests;

pub use host::AllowedHosts;
pub use source::Source;

use anyhow::Context;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// A running web server; stopping it (or dropping it) closes every connection.
pub struct WebServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// A web port that is bound but not served yet: binding first lets a peer report a
/// port in use before it opens its chain.
pub struct Bound {
    listener: TcpListener,
    hosts: AllowedHosts,
}

/// Binds `addr` and serves `source` from a new "web" thread.
pub fn start(addr: SocketAddr, source: Arc<dyn Source>) -> anyhow::Result<WebServer> {
    bind(addr)?.serve(source)
}

/// Binds `addr`; a port in use is a one-line error.
pub fn bind(addr: SocketAddr) -> anyhow::Result<Bound> {
    let listener = TcpListener::bind(addr).map_err(|error| match error.kind() {
        std::io::ErrorKind::AddrInUse => {
            anyhow::anyhow!("web port {} is in use (another peer?): choose another with -i / --web-port", addr.port())
        }
        _ => anyhow::Error::new(error).context(format!("cannot serve the web page on {addr}")),
    })?;
    Ok(Bound { listener, hosts: AllowedHosts::default() })
}

impl Bound {
    /// Also serves requests whose `Host` is one of `names` (`--web-allow-host`), besides
    /// `localhost` and IP addresses.
    pub fn allow_hosts(self, names: &[String]) -> Self {
        Self { hosts: AllowedHosts::new(names), ..self }
    }

    /// Serves `source` from a new "web" thread with its own current-thread runtime.
    pub fn serve(self, source: Arc<dyn Source>) -> anyhow::Result<WebServer> {
        let Bound { listener, hosts } = self;
        let addr = listener.local_addr().context("the web server's address")?;
        listener.set_nonblocking(true).context("a non-blocking web listener")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .context("cannot start the web server's runtime")?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener).context("cannot register the web listener")?
        };
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("web".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let server = warp::serve(routes::routes(source, hosts)).incoming(listener).run();
                    tokio::select! {
                        () = server => {}
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime here ends the open connections (event streams too).
            })
            .context("cannot start the web thread")?;
        Ok(WebServer { addr, stop: Some(stop), thread: Some(thread) })
    }
}

impl WebServer {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's URL; on an unspecified bind address (0.0.0.0), the loopback one.
    pub fn url(&self) -> String {
        let mut addr = self.local_addr();
        if addr.ip().is_unspecified() {
            addr.set_ip(if addr.is_ipv4() { [127, 0, 0, 1].into() } else { std::net::Ipv6Addr::LOCALHOST.into() });
        }
        format!("http://{addr}/")
    }

    /// Stops serving and waits for the web thread to end.
    pub fn stop(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::warn!("the web thread panicked");
        }
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        self.stop_thread();
    }
}
