//! Consensus: the last round (when, why, the chains reported grouped by height and
//! tip with their peers, the choice and what we did), the countdown to the next
//! periodic round, and the progress of a sync with its expected end.

use crate::fmt;
use crate::session::Session;
use crate::theme;
use blockpeer_core::node::{Command, Decision, RoundSummary, Snapshot, SyncView};
use eframe::egui::{self, RichText, Ui};
use std::collections::BTreeMap;
use std::time::Duration;

/// Seconds left of a sync that fetched `fetched` of `needed` blocks in `elapsed`
/// seconds, at the rate so far (`None` before the first block).
pub fn eta(fetched: u64, needed: u64, elapsed: f64) -> Option<f64> {
    (fetched > 0 && elapsed > 0.0).then(|| needed.saturating_sub(fetched) as f64 / (fetched as f64 / elapsed))
}

/// Draws the view.
pub fn ui(ui: &mut Ui, session: &Session) {
    let snapshot = session.snapshot();
    let running = session.running();
    let palette = theme::palette(ui);
    ui.horizontal(|ui| {
        ui.heading("Consensus");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Run consensus now").clicked() {
                session.engine().command(Command::ConsensusNow);
            }
        });
    });
    ui.add_space(4.0);
    card(ui, "Next round", |ui| {
        let interval = running.consensus_interval.as_secs_f64().max(1.0);
        if snapshot.peers.len() < running.min_peers {
            ui.label(format!(
                "Periodic rounds start once {} peers are known ({} now); a joining peer runs one at once.",
                running.min_peers,
                snapshot.peers.len()
            ));
        } else {
            let left = interval - (snapshot.uptime_secs + session.age()) % interval;
            ui.label(format!("in {} (every {})", fmt::duration(left), fmt::duration(interval)));
            ui.ctx().request_repaint_after(Duration::from_secs(1));
        }
        if snapshot.consensus.running {
            ui.label(RichText::new("A round is running: waiting for the peers' STATS replies…").color(palette.warn));
        }
    });
    if let Some(sync) = &snapshot.sync {
        card(ui, "Syncing", |ui| sync_progress(ui, sync));
    }
    card(ui, "Last round", |ui| match (&snapshot.consensus.last, snapshot.consensus.last_secs) {
        (Some(round), Some(secs)) => last_round(ui, round, secs + session.age(), snapshot),
        _ => {
            ui.label(RichText::new("No round has run yet.").color(palette.muted));
        }
    });
}

/// A titled box that spans the view.
fn card(ui: &mut Ui, title: &str, add: impl FnOnce(&mut Ui)) {
    egui::Frame::group(ui.style()).inner_margin(12.0).corner_radius(6.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(title).strong().size(15.0));
        ui.add_space(2.0);
        add(ui);
    });
    ui.add_space(8.0);
}

fn sync_progress(ui: &mut Ui, sync: &SyncView) {
    let fraction = if sync.needed == 0 { 1.0 } else { sync.fetched as f32 / sync.needed as f32 };
    ui.add(egui::ProgressBar::new(fraction).show_percentage().desired_width(ui.available_width().min(600.0)));
    let eta = eta(sync.fetched, sync.needed, sync.elapsed_secs).map_or("unknown".to_owned(), fmt::duration);
    ui.label(format!(
        "{} of {} blocks of the chain at height {} ({}…) from {} peers, {} so far, about {eta} left",
        sync.fetched,
        sync.needed,
        sync.target_height,
        fmt::short(&sync.target_hash, 10),
        sync.sources,
        fmt::duration(sync.elapsed_secs),
    ));
}

fn last_round(ui: &mut Ui, round: &RoundSummary, secs: f64, snapshot: &Snapshot) {
    let palette = theme::palette(ui);
    let names: BTreeMap<&str, &str> = snapshot.peers.iter().map(|p| (p.address.as_str(), p.name.as_str())).collect();
    ui.label(format!(
        "{} ({}): {} of {} peers answered.",
        fmt::ago(secs),
        round.trigger.label(),
        round.replied,
        round.asked
    ));
    // FLOOD: the majority's chain; GOSSIP: the longest.
    let rule = snapshot.protocol.winning_chain();
    let (action, color) = match &round.decision {
        Decision::NoReplies => ("No peer answered: nothing to do.".to_owned(), palette.muted),
        Decision::InSync => (format!("{} is ours: nothing to do.", capitalised(rule)), palette.ok),
        Decision::Ahead => (format!("{} is a prefix of ours: we keep ours.", capitalised(rule)), palette.ok),
        Decision::Sync { height, hash } => {
            let chain = format!("{rule} (height {height}, tip {}…)", fmt::short(hash, 10));
            // A failure no older than the round is this round's sync failing.
            let failed = snapshot.consensus.failed_sync.as_ref().filter(|f| f.secs <= secs);
            match (failed, &snapshot.sync) {
                (_, Some(_)) => (format!("Fetching {chain}."), palette.warn),
                (Some(failed), None) => (format!("Could not fetch {chain}: {}.", failed.reason), palette.bad),
                (None, None) => (format!("Fetched {chain}."), palette.ok),
            }
        }
    };
    ui.label(RichText::new(action).color(color));
    ui.add_space(6.0);
    if round.groups.is_empty() {
        return;
    }
    egui::ScrollArea::vertical().id_salt("round_groups").show(ui, |ui| {
        egui::Grid::new("round_groups_grid").num_columns(4).striped(true).spacing([16.0, 6.0]).show(ui, |ui| {
            for title in ["", "Height", "Tip", "Peers"] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for (rank, group) in round.groups.iter().enumerate() {
                if rank == 0 {
                    ui.label(RichText::new("chosen").color(palette.accent).strong());
                } else {
                    ui.label("");
                }
                ui.label(group.height.to_string());
                ui.label(RichText::new(fmt::short(&group.hash, 16)).monospace());
                let addresses: Vec<String> = group.peers.iter().map(|p| p.to_string()).collect();
                let names: Vec<&str> =
                    addresses.iter().map(|a| names.get(a.as_str()).copied().unwrap_or(a.as_str())).collect();
                ui.add(egui::Label::new(format!("{}: {}", names.len(), names.join(", "))).wrap())
                    .on_hover_text(addresses.join("\n"));
                ui.end_row();
            }
        });
    });
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_follows_the_rate_so_far() {
        assert_eq!(eta(0, 100, 3.0), None);
        assert_eq!(eta(50, 100, 5.0), Some(5.0));
        assert_eq!(eta(100, 100, 5.0), Some(0.0));
    }
}
