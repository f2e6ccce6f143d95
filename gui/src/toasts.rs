//! Notifications: short messages in the window's corner for what a person wants to
//! know at once — a block we mined, a chain replaced, peers joining and leaving, an
//! export finished — each fading after a few seconds.

use crate::fmt;
use crate::theme;
use blockpeer_core::node::Event;
use eframe::egui::{self, Align2};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long a notification stays.
const LIFETIME: Duration = Duration::from_secs(6);
/// Most notifications shown at once.
const MAX_SHOWN: usize = 5;

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Good news (a block we mined, an export saved).
    Good,
    /// Worth knowing (peers coming and going).
    Info,
    /// Needs a look (a chain replaced, a failure).
    Warn,
}

struct Toast {
    tone: Tone,
    text: String,
    born: Instant,
}

/// The notifications on screen.
#[derive(Default)]
pub struct Toasts {
    shown: VecDeque<Toast>,
}

impl Toasts {
    /// Shows `text`.
    pub fn push(&mut self, tone: Tone, text: impl Into<String>) {
        self.shown.push_back(Toast { tone, text: text.into(), born: Instant::now() });
        while self.shown.len() > MAX_SHOWN {
            self.shown.pop_front();
        }
    }

    /// Shows what `event` means to a person, if anything.
    pub fn push_event(&mut self, event: &Event) {
        if let Some((tone, text)) = describe(event) {
            self.push(tone, text);
        }
    }

    /// Draws the notifications in the bottom-right corner and drops expired ones.
    pub fn show(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        self.shown.retain(|t| now.duration_since(t.born) < LIFETIME);
        let Some(oldest) = self.shown.front() else { return };
        ctx.request_repaint_after(LIFETIME.saturating_sub(now.duration_since(oldest.born)));
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(Align2::RIGHT_BOTTOM, [-12.0, -40.0])
            .interactable(false)
            .show(ctx, |ui| {
                let palette = theme::palette(ui);
                for toast in self.shown.iter().rev() {
                    let color = match toast.tone {
                        Tone::Good => palette.ok,
                        Tone::Info => palette.accent,
                        Tone::Warn => palette.warn,
                    };
                    egui::Frame::popup(ui.style()).stroke(egui::Stroke::new(1.0, color)).show(ui, |ui| {
                        ui.set_max_width(360.0);
                        ui.horizontal(|ui| {
                            let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                            ui.painter().circle_filled(dot.center(), 4.0, color);
                            ui.label(&toast.text);
                        });
                    });
                    ui.add_space(4.0);
                }
            });
    }
}

/// The notification for `event`, if it deserves one.
pub fn describe(event: &Event) -> Option<(Tone, String)> {
    Some(match event {
        Event::BlockAdded { height, hash, ours: true, .. } => {
            (Tone::Good, format!("You mined block {height} ({})", fmt::short(hash, 12)))
        }
        Event::ChainSynced { fork, removed, added } if *removed > 0 => (
            Tone::Warn,
            format!("Reorganisation: {removed} blocks replaced from height {fork}, {added} added (see Forks)"),
        ),
        Event::SideBlock { height, ours: true, .. } => {
            (Tone::Warn, format!("Your block {height} lost: the network already had another at that height"))
        }
        Event::SideBlock { height, mined_by, .. } => {
            (Tone::Info, format!("Fork at height {height}: {mined_by}'s block lost to the one we hold"))
        }
        Event::PeerJoined { addr, name } => (Tone::Info, format!("Peer joined: {name} ({addr})")),
        Event::PeerLeft { addr } => (Tone::Info, format!("Peer left: {addr}")),
        Event::SyncFailed { reason } => (Tone::Warn, format!("Sync failed: {reason}")),
        Event::DifficultyMismatch { required, network } => (
            Tone::Warn,
            format!(
                "This network's blocks meet difficulty {network}, but this peer requires {required}: \
                 rejoin at {network} from the status bar to join it"
            ),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use blockpeer_core::node::Arrival;

    #[test]
    fn the_events_a_person_cares_about_become_notifications() {
        let mined = Event::BlockAdded {
            height: 7,
            hash: "ab".repeat(32),
            mined_by: "me".into(),
            ours: true,
            via: Arrival::Mined,
        };
        assert_eq!(describe(&mined).unwrap().1, "You mined block 7 (abababababab)");
        let theirs = Event::BlockAdded {
            height: 7,
            hash: "ab".into(),
            mined_by: "x".into(),
            ours: false,
            via: Arrival::Announced { from: ([127, 0, 0, 1], 9001).into() },
        };
        assert!(describe(&theirs).is_none(), "other miners' blocks show in the chain, not as notifications");
        let replaced = Event::ChainSynced { fork: 3, removed: 2, added: 4 };
        assert_eq!(describe(&replaced).unwrap().0, Tone::Warn);
        assert!(describe(&Event::ChainSynced { fork: 0, removed: 0, added: 9 }).is_none());
        let left = Event::PeerLeft { addr: "127.0.0.1:9000".parse().unwrap() };
        assert_eq!(describe(&left).unwrap().1, "Peer left: 127.0.0.1:9000");
    }
}
