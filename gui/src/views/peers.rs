//! The peers: a sortable table of everyone we know (address, name, how we learned
//! of them, when we last heard from them, round trip, reported height, whether they
//! agree with us, traffic) above the peer graph.

use super::graph::PeerGraph;
use crate::fmt;
use crate::theme::{self, Palette};
use blockpeer_core::node::{Learned, PeerView, Snapshot, Standing};
use eframe::egui::{self, Color32, RichText, Ui};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A peer silent this long is drawn as stale (peers FLOOD every 30 s).
const STALE_SECS: f64 = 45.0;

/// How a peer stands with us, from the chain it last reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeerState {
    /// Its tip is ours.
    Agrees,
    /// Its tip is an earlier block of our chain.
    Behind,
    /// It reports a longer chain.
    Ahead,
    /// Its tip is not in our chain.
    Forked,
    /// Silent for a while, or it never told us its chain.
    Stale,
}

impl PeerState {
    /// Every state, in the legend's order.
    pub const ALL: [PeerState; 5] =
        [PeerState::Agrees, PeerState::Behind, PeerState::Ahead, PeerState::Forked, PeerState::Stale];

    /// How `peer` stands with our chain, as the node judged it.
    pub fn of(peer: &PeerView) -> Self {
        if peer.last_seen_secs > STALE_SECS {
            return PeerState::Stale;
        }
        PeerState::of_standing(peer.standing)
    }

    /// How a peer that reported a chain standing so with ours stands (never stale).
    pub fn of_standing(standing: Standing) -> Self {
        match standing {
            Standing::Agrees => PeerState::Agrees,
            Standing::Behind { .. } => PeerState::Behind,
            Standing::Ahead { .. } => PeerState::Ahead,
            Standing::OtherChain => PeerState::Forked,
            Standing::Unknown => PeerState::Stale,
        }
    }

    /// In words, for the legend.
    pub fn text(self) -> &'static str {
        match self {
            PeerState::Agrees => "agrees",
            PeerState::Behind => "behind",
            PeerState::Ahead => "ahead",
            PeerState::Forked => "other chain",
            PeerState::Stale => "stale",
        }
    }

    /// Its colour.
    pub fn color(self, palette: &Palette) -> Color32 {
        match self {
            PeerState::Agrees => palette.ok,
            PeerState::Behind => palette.warn,
            PeerState::Ahead => palette.accent,
            PeerState::Forked => palette.bad,
            PeerState::Stale => palette.muted,
        }
    }
}

/// What the table says of `peer`: its state, with how far behind or ahead.
pub fn agreement(peer: &PeerView) -> String {
    match (PeerState::of(peer), peer.standing) {
        (PeerState::Behind, Standing::Behind { by }) => format!("behind by {by}"),
        (PeerState::Ahead, Standing::Ahead { by }) => format!("ahead by {by}"),
        (state, _) => state.text().to_owned(),
    }
}

/// A column of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// `host:port`.
    Address,
    /// Its name.
    Name,
    /// How we learned of it.
    Learned,
    /// Seconds since we heard from it.
    LastSeen,
    /// Round-trip time.
    Rtt,
    /// Reported height.
    Height,
    /// Agrees with us.
    State,
    /// Messages received / sent.
    Messages,
    /// Bytes received / sent.
    Bytes,
}

const COLUMNS: [(Column, &str); 9] = [
    (Column::Address, "Address"),
    (Column::Name, "Name"),
    (Column::Learned, "Learned from"),
    (Column::LastSeen, "Last seen"),
    (Column::Rtt, "Round trip"),
    (Column::Height, "Height"),
    (Column::State, "Standing"),
    (Column::Messages, "Msgs in / out"),
    (Column::Bytes, "Bytes in / out"),
];

/// `peers` ordered by `column` (ties by address, so the order is stable).
pub fn sorted(peers: &[PeerView], column: Column, descending: bool) -> Vec<&PeerView> {
    let mut rows: Vec<&PeerView> = peers.iter().collect();
    let key = |a: &PeerView, b: &PeerView| -> Ordering {
        let (ta, tb) = (fmt::traffic(a), fmt::traffic(b));
        match column {
            Column::Address => Ordering::Equal,
            Column::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            Column::Learned => fmt::learned(&a.learned).cmp(&fmt::learned(&b.learned)),
            Column::LastSeen => a.last_seen_secs.total_cmp(&b.last_seen_secs),
            Column::Rtt => a.rtt_ms.unwrap_or(f64::INFINITY).total_cmp(&b.rtt_ms.unwrap_or(f64::INFINITY)),
            Column::Height => a.height.cmp(&b.height),
            Column::State => PeerState::of(a).cmp(&PeerState::of(b)),
            Column::Messages => (ta.msgs_in + ta.msgs_out).cmp(&(tb.msgs_in + tb.msgs_out)),
            Column::Bytes => (ta.bytes_in + ta.bytes_out).cmp(&(tb.bytes_in + tb.bytes_out)),
        }
    };
    rows.sort_by(|a, b| {
        let order = key(a, b).then_with(|| a.address.cmp(&b.address));
        if descending { order.reverse() } else { order }
    });
    rows
}

/// The peers view's state.
pub struct PeersView {
    column: Column,
    descending: bool,
    /// The graph below the table.
    pub graph: PeerGraph,
}

impl Default for PeersView {
    fn default() -> Self {
        Self { column: Column::Address, descending: false, graph: PeerGraph::default() }
    }
}

impl PeersView {
    /// Draws the view; `version` identifies the snapshot (the graph re-reads it on change).
    pub fn ui(&mut self, ui: &mut Ui, snapshot: &Snapshot, version: u64) {
        // The table takes what its rows need, up to half the view; the graph the rest.
        let rows_height =
            (snapshot.peers.len().max(1) + 1) as f32 * (ui.text_style_height(&egui::TextStyle::Body) + 6.0);
        let height = (rows_height + 56.0).clamp(110.0, ui.available_height() * 0.5);
        egui::Panel::top("peer_table").exact_size(height).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Peers");
                ui.label(RichText::new(format!("{} known", snapshot.peers.len())).color(theme::palette(ui).muted));
            });
            if snapshot.peers.is_empty() {
                ui.label(
                    RichText::new("No peers yet. Add one, or wait for their FLOODs.").color(theme::palette(ui).muted),
                );
                return;
            }
            egui::ScrollArea::both().id_salt("peer_rows").auto_shrink([false, false]).show(ui, |ui| {
                self.table(ui, snapshot);
            });
        });
        self.graph.ui(ui, snapshot, version);
    }

    fn table(&mut self, ui: &mut Ui, snapshot: &Snapshot) {
        let palette = theme::palette(ui);
        let grid = egui::Grid::new("peer_table_grid").num_columns(COLUMNS.len()).striped(true).spacing([16.0, 4.0]);
        grid.show(ui, |ui| {
            for (column, title) in COLUMNS {
                let arrow = match (self.column == column, self.descending) {
                    (true, false) => " ⏶",
                    (true, true) => " ⏷",
                    (false, _) => "",
                };
                let header = ui.add(egui::Button::new(RichText::new(format!("{title}{arrow}")).strong()).frame(false));
                if header.on_hover_text("sort by this column").clicked() {
                    self.descending = self.column == column && !self.descending;
                    self.column = column;
                }
            }
            ui.end_row();
            let names: BTreeMap<String, &str> =
                snapshot.peers.iter().map(|p| (p.address.clone(), p.name.as_str())).collect();
            for peer in sorted(&snapshot.peers, self.column, self.descending) {
                let traffic = fmt::traffic(peer);
                let state = PeerState::of(peer);
                ui.label(RichText::new(&peer.address).monospace());
                ui.label(&peer.name);
                ui.label(match &peer.learned {
                    Learned::ForwardedBy(via) => {
                        names.get(&via.to_string()).map_or_else(|| fmt::learned(&peer.learned), |n| format!("via {n}"))
                    }
                    learned => fmt::learned(learned),
                });
                ui.label(fmt::ago(peer.last_seen_secs));
                ui.label(peer.rtt_ms.map_or("—".to_owned(), |ms| format!("{ms:.1} ms")));
                ui.label(peer.height.map_or("—".to_owned(), |h| h.to_string()));
                ui.label(RichText::new(agreement(peer)).color(state.color(&palette)));
                ui.label(format!("{} / {}", traffic.msgs_in, traffic.msgs_out));
                ui.label(format!("{} / {}", fmt::bytes(traffic.bytes_in), fmt::bytes(traffic.bytes_out)));
                ui.end_row();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(port: u16, name: &str, height: Option<u64>, standing: Standing) -> PeerView {
        PeerView {
            address: format!("127.0.0.1:{port}"),
            name: name.into(),
            learned: Learned::Flood,
            first_seen_secs: 100.0,
            last_seen_secs: 1.0,
            verified: true,
            rtt_ms: None,
            height,
            hash: height.map(|_| "ab".repeat(32)),
            agrees: standing == Standing::Agrees,
            standing,
            traffic: Default::default(),
        }
    }

    #[test]
    fn sorting_by_a_column_and_back() {
        let peers = [
            peer(3, "carol", Some(5), Standing::Agrees),
            peer(1, "Bob", Some(9), Standing::Ahead { by: 4 }),
            peer(2, "al", None, Standing::Unknown),
        ];
        let names = |rows: Vec<&PeerView>| rows.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(sorted(&peers, Column::Address, false)), ["Bob", "al", "carol"]);
        assert_eq!(names(sorted(&peers, Column::Name, false)), ["al", "Bob", "carol"]);
        assert_eq!(names(sorted(&peers, Column::Height, true)), ["Bob", "carol", "al"]);
        assert_eq!(names(sorted(&peers, Column::State, false)), ["carol", "Bob", "al"]);
    }

    #[test]
    fn states_follow_the_node_s_standing() {
        assert_eq!(PeerState::of(&peer(1, "a", Some(5), Standing::Agrees)), PeerState::Agrees);
        let behind = peer(1, "a", Some(3), Standing::Behind { by: 2 });
        assert_eq!(PeerState::of(&behind), PeerState::Behind);
        assert_eq!(agreement(&behind), "behind by 2");
        assert_eq!(PeerState::of(&peer(1, "a", Some(3), Standing::OtherChain)), PeerState::Forked);
        assert_eq!(agreement(&peer(1, "a", Some(7), Standing::Ahead { by: 2 })), "ahead by 2");
        let mut silent = peer(1, "a", Some(5), Standing::Agrees);
        silent.last_seen_secs = 90.0;
        assert_eq!(PeerState::of(&silent), PeerState::Stale);
        assert_eq!(PeerState::of(&peer(1, "a", None, Standing::Unknown)), PeerState::Stale);
    }
}
