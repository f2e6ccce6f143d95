//! Logging: tracing output to the terminal, and the same events into the ring buffer
//! the window's log console reads.

use blockpeer_gui::LogBuffer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Lines the log console keeps.
const CONSOLE_LINES: usize = 5000;
/// What the console captures (the console filters further by level).
const CONSOLE_FILTER: &str = "warn,blockpeer=debug,blockpeer_core=debug,blockpeer_gui=debug";

/// Logs to stderr (`RUST_LOG` overrides `default`) and returns the console's buffer.
pub fn init(default: &str) -> LogBuffer {
    let terminal = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let buffer = LogBuffer::new(CONSOLE_LINES);
    let registered = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(terminal))
        .with(buffer.clone().with_filter(EnvFilter::new(CONSOLE_FILTER)))
        .try_init();
    if let Err(error) = registered {
        eprintln!("blockpeer: logging is not available: {error}");
    }
    buffer
}
