//! The log console's source: a bounded ring of formatted tracing events, filled by a
//! `tracing_subscriber` layer that the binary installs next to its terminal output.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// One log event as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// UTC time of day, `HH:MM:SS`.
    pub time: String,
    /// Its level.
    pub level: Level,
    /// The module that logged it.
    pub target: String,
    /// The message and its fields (`message key=value …`).
    pub text: String,
}

struct Ring {
    lines: VecDeque<LogLine>,
    capacity: usize,
    pushed: u64,
}

/// A bounded, shared ring buffer of log lines; clones share the same buffer.
#[derive(Clone)]
pub struct LogBuffer {
    ring: Arc<Mutex<Ring>>,
}

impl LogBuffer {
    /// A buffer that keeps the last `capacity` lines.
    pub fn new(capacity: usize) -> Self {
        let ring = Ring { lines: VecDeque::with_capacity(capacity.min(4096)), capacity: capacity.max(1), pushed: 0 };
        Self { ring: Arc::new(Mutex::new(ring)) }
    }

    /// Adds a line, dropping the oldest when full.
    pub fn push(&self, line: LogLine) {
        let mut ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        if ring.lines.len() == ring.capacity {
            ring.lines.pop_front();
        }
        ring.lines.push_back(line);
        ring.pushed += 1;
    }

    /// How many lines were ever pushed (changes whenever the buffer does).
    pub fn version(&self) -> u64 {
        self.ring.lock().unwrap_or_else(|e| e.into_inner()).pushed
    }

    /// A copy of the lines that pass `keep`, oldest first.
    pub fn lines(&self, keep: impl Fn(&LogLine) -> bool) -> Vec<LogLine> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner()).lines.iter().filter(|l| keep(l)).cloned().collect()
    }
}

impl<S: Subscriber> Layer<S> for LogBuffer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut visitor = TextVisitor::default();
        event.record(&mut visitor);
        let metadata = event.metadata();
        self.push(LogLine {
            time: time_of_day(SystemTime::now()),
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            text: visitor.text,
        });
    }
}

/// Writes the `message` field first, then the others as `key=value`.
#[derive(Default)]
struct TextVisitor {
    text: String,
}

impl Visit for TextVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let rest = std::mem::take(&mut self.text);
            let _ = write!(self.text, "{value:?}{rest}");
        } else {
            let _ = write!(self.text, " {}={value:?}", field.name());
        }
    }
}

fn time_of_day(now: SystemTime) -> String {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format!("{:02}:{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn keeps_the_newest_lines_with_their_fields() {
        let buffer = LogBuffer::new(3);
        let subscriber = tracing_subscriber::registry().with(buffer.clone());
        tracing::subscriber::with_default(subscriber, || {
            for i in 0..5 {
                tracing::info!(peer = "127.0.0.1:9000", "line {i}");
            }
            tracing::warn!(name = "x", "careful");
        });
        let lines = buffer.lines(|_| true);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].text, "line 3 peer=127.0.0.1:9000");
        assert_eq!(lines[2].level, Level::WARN);
        assert_eq!(buffer.version(), 6);
        assert_eq!(time_of_day(UNIX_EPOCH + std::time::Duration::from_secs(3_661)), "01:01:01");
    }
}
