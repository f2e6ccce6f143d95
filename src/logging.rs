//! Logging: tracing output to the terminal, and the same events into the ring buffer
//! the window's log console reads.
//!
//! The terminal is for people: colour only when stderr is a terminal and `NO_COLOR` is
//! unset, and the demo's other peers (whose threads run in a [`QUIET_SPAN`]) say only
//! their warnings. `RUST_LOG` replaces the default filter and turns everything on.

use blockpeer_gui::LogBuffer;
use std::io::IsTerminal;
use tracing::Level;
use tracing_subscriber::filter::{FilterExt, dynamic_filter_fn};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Lines the log console keeps.
const CONSOLE_LINES: usize = 5000;
/// What the console captures (the console filters further by level).
const CONSOLE_FILTER: &str = "warn,blockpeer=debug,blockpeer_core=debug,blockpeer_gui=debug";
/// The span the demo's other peers run in: below warnings, their lines are left out.
pub const QUIET_SPAN: &str = "companion";

/// Logs to stderr (`RUST_LOG` overrides `default`) and returns the console's buffer.
pub fn init(default: &str) -> LogBuffer {
    let from_env = EnvFilter::try_from_default_env().ok();
    let everything = from_env.is_some();
    let terminal = from_env.unwrap_or_else(|| EnvFilter::new(default));
    let buffer = LogBuffer::new(CONSOLE_LINES);
    let registered = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(colour(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR")))
                .with_filter(terminal.and(dynamic_filter_fn(move |meta, cx| everything || !quieted(meta.level(), cx)))),
        )
        .with(
            buffer.clone().with_filter(
                EnvFilter::new(CONSOLE_FILTER).and(dynamic_filter_fn(|meta, cx| !quieted(meta.level(), cx))),
            ),
        )
        .try_init();
    if let Err(error) = registered {
        eprintln!("blockpeer: logging is not available: {error}");
    }
    buffer
}

/// Whether to colour: on a terminal, unless `NO_COLOR` is set to something.
fn colour(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Whether an event at `level` is left out: below warnings, inside a [`QUIET_SPAN`].
fn quieted<S: tracing::Subscriber + for<'a> LookupSpan<'a>>(level: &Level, cx: &Context<'_, S>) -> bool {
    *level > Level::WARN && cx.lookup_current().is_some_and(|span| span.scope().any(|s| s.name() == QUIET_SPAN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("".into())));
        assert!(!colour(true, Some("1".into())));
        assert!(!colour(false, None));
    }
}
