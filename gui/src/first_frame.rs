//! Says once, in the log, that the window's first frame is on screen and what it shows
//! — the moment a person sees Blockpeer open. Scripts wait for this line instead of
//! guessing how long a start takes: scripts/check-package.sh, and `blockpeer bench
//! launch`, which times it.

use eframe::egui;

/// The log line written when the start/join dialog's first frame is on screen.
pub const DIALOG_SHOWN: &str = "window shown: the start/join dialog";
/// The log line written when a running peer's first frame is on screen.
pub const PEER_SHOWN: &str = "window shown: the running peer";

/// Whether the line was written yet.
#[derive(Default)]
pub struct FirstFrame {
    said: bool,
    asked_for_another: bool,
}

impl FirstFrame {
    /// Called as each frame starts. eframe reports a frame's time once it has painted and
    /// presented it (and made the window visible), so the first frame that finds one
    /// says the line; the very first frame asks for a second, so that one comes even
    /// when nothing else changes.
    pub fn on_frame(&mut self, ctx: &egui::Context, frame: &eframe::Frame, dialog: bool) {
        if self.said {
            return;
        }
        if frame.info().cpu_usage.is_some() {
            self.said = true;
            tracing::info!("{}", if dialog { DIALOG_SHOWN } else { PEER_SHOWN });
        } else if !self.asked_for_another {
            self.asked_for_another = true;
            ctx.request_repaint();
        }
    }
}
