//! When the peer cannot go on as it is: the engine stopped on its own (a bug), or the
//! network runs at another difficulty. The window says so in words and offers the one
//! click that helps — start the peer again, or rejoin at the network's difficulty.

use crate::session::Session;
use crate::theme;
use eframe::egui::{self, RichText, Ui};

/// What the person asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// Start the peer again, requiring this difficulty.
    Restart(u32),
    /// Close the window.
    Quit,
}

/// The dialog over the window when the engine has stopped: why, and what can be done.
pub fn stopped_modal(ctx: &egui::Context, session: &Session, reason: &str) -> Option<Recovery> {
    let difficulty = session.snapshot().difficulty;
    egui::Modal::new(egui::Id::unique("engine-stopped"))
        .show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("The peer stopped");
            ui.label(format!("Blockpeer stopped unexpectedly: {reason}."));
            ui.label("Its chain is safe on disk. This is a bug: please report it with the log.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let restart = ui.add_enabled(session.restartable(), egui::Button::new("Start it again"));
                if restart.clicked() {
                    return Some(Recovery::Restart(difficulty));
                }
                ui.button("Quit").clicked().then_some(Recovery::Quit)
            })
            .inner
        })
        .inner
}

/// The page shown when the peer could not be started again.
pub fn failed_page(ui: &mut Ui, error: &str) -> Option<Recovery> {
    egui::CentralPanel::default()
        .show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(48.0);
                ui.heading("The peer could not be started again");
                ui.colored_label(theme::palette(ui).bad, error);
                ui.add_space(8.0);
                ui.button("Quit").clicked().then_some(Recovery::Quit)
            })
            .inner
        })
        .inner
}

/// The status bar's word on a difficulty mismatch, with the button that fixes it.
pub fn mismatch_notice(ui: &mut Ui, session: &Session) -> Option<Recovery> {
    let mismatch = session.snapshot().difficulty_mismatch?;
    let palette = theme::palette(ui);
    ui.label(
        RichText::new(format!(
            "difficulty mismatch: the network's blocks meet {}, this peer requires {}",
            mismatch.network, mismatch.required
        ))
        .color(palette.bad),
    )
    .on_hover_text("Its chain was fetched but not adopted: it is too weak for this peer's difficulty.");
    let rejoin = ui
        .add_enabled(session.restartable(), egui::Button::new(format!("Rejoin at difficulty {}", mismatch.network)))
        .on_hover_text("Stops this peer and joins again, requiring what the network's blocks meet");
    rejoin.clicked().then_some(Recovery::Restart(mismatch.network))
}
