//! The status bar: who we are, the chain's height and tip, peers, whether we agree
//! with the network, mining, and the web page's address.

use crate::fmt;
use crate::recovery::{self, Recovery};
use crate::session::Session;
use crate::theme;
use blockpeer_core::node::Snapshot;
use eframe::egui::{self, RichText, Ui};

/// Where we stand with the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// No peers yet.
    WaitingForPeers,
    /// Fetching a chain: `fetched` of `needed` blocks.
    Syncing {
        /// Blocks fetched.
        fetched: u64,
        /// Blocks to fetch.
        needed: u64,
    },
    /// A peer reports a longer chain.
    Behind(u64),
    /// No peer reports a longer chain.
    InSync,
}

impl Agreement {
    /// Where `snapshot` stands.
    pub fn of(snapshot: &Snapshot) -> Self {
        if let Some(sync) = &snapshot.sync {
            return Agreement::Syncing { fetched: sync.fetched, needed: sync.needed };
        }
        if snapshot.peers.is_empty() {
            return Agreement::WaitingForPeers;
        }
        match snapshot.peers.iter().filter_map(|p| p.height).max() {
            Some(best) if best > snapshot.height => Agreement::Behind(best - snapshot.height),
            _ => Agreement::InSync,
        }
    }

    /// How the status bar says it.
    pub fn text(self) -> String {
        match self {
            Agreement::WaitingForPeers => "waiting for peers".into(),
            Agreement::Syncing { fetched, needed } => format!("syncing {fetched} of {needed}"),
            Agreement::Behind(n) => format!("behind by {n}"),
            Agreement::InSync => "in sync".into(),
        }
    }
}

/// Draws the status bar; returns what the person asked for (rejoining at the network's
/// difficulty, when it differs from ours).
pub fn ui(ui: &mut Ui, session: &Session) -> Option<Recovery> {
    let snapshot = session.snapshot();
    let palette = theme::palette(ui);
    let mut asked = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(&snapshot.address).monospace().strong()).on_hover_text("our UDP address");
        ui.label(RichText::new(&snapshot.name).color(palette.muted));
        ui.label(RichText::new(snapshot.protocol.label()).color(palette.muted))
            .on_hover_text("the protocol generation this peer speaks");
        ui.separator();
        let tip = snapshot.tip.as_deref().map_or("no blocks".to_owned(), |t| fmt::short(t, 10).to_owned());
        ui.label(format!("height {}", snapshot.height));
        ui.label(RichText::new(tip).monospace().color(palette.muted)).on_hover_text("the tip's hash");
        ui.separator();
        ui.label(match snapshot.peers.len() {
            1 => "1 peer".to_owned(),
            n => format!("{n} peers"),
        });
        ui.separator();
        if snapshot.difficulty_mismatch.is_some() {
            asked = recovery::mismatch_notice(ui, session);
        } else {
            let agreement = Agreement::of(snapshot);
            let color = match agreement {
                Agreement::InSync => palette.ok,
                Agreement::Syncing { .. } | Agreement::Behind(_) => palette.warn,
                Agreement::WaitingForPeers => palette.muted,
            };
            ui.label(RichText::new(agreement.text()).color(color));
        }
        if let Some(error) = &snapshot.store_error {
            ui.separator();
            ui.label(RichText::new("⚠ the chain is not saved").color(palette.bad).strong()).on_hover_text(error);
        }
        ui.separator();
        let color = if snapshot.mining { palette.ok } else { palette.muted };
        ui.label(RichText::new(fmt::mining(snapshot)).color(color));
        if let Some(url) = &session.running().web_url {
            ui.separator();
            if ui.link(url).on_hover_text("open the web page in the browser").clicked() {
                ui.ctx().open_url(egui::OpenUrl::new_tab(url));
            }
        }
    });
    asked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_reads_as_a_person_would_say_it() {
        assert_eq!(Agreement::WaitingForPeers.text(), "waiting for peers");
        assert_eq!(Agreement::Syncing { fetched: 3, needed: 10 }.text(), "syncing 3 of 10");
        assert_eq!(Agreement::Behind(4).text(), "behind by 4");
        assert_eq!(Agreement::InSync.text(), "in sync");
    }
}
