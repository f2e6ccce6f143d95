//! The peer graph, drawn with egui's painter: us in the centre, each peer a node
//! coloured by whether it agrees with us, sized by its chain's height, edges for
//! what we know of who is linked to whom; hover for details, drag to pan, scroll to
//! zoom, double-click to fit. Positions come from [`GraphLayout`].

use super::peers::{PeerState, agreement};
use crate::fmt;
use crate::graph_layout::{GraphLayout, NodeSpec};
use crate::theme::{self, Palette};
use blockpeer_core::node::{PeerView, Snapshot};
use eframe::egui::{self, Align2, Pos2, Rect, RichText, Sense, Stroke, TextStyle, Ui, Vec2};

/// Layout steps per frame while the graph settles.
const STEPS_PER_FRAME: usize = 4;
/// Circle radius of a peer with an empty chain, and the most a long chain adds.
const MIN_RADIUS: f32 = 9.0;
const EXTRA_RADIUS: f32 = 13.0;
/// Our own node's radius.
const OUR_RADIUS: f32 = 22.0;

/// The graph's state: the layout and the view onto it.
#[derive(Default)]
pub struct PeerGraph {
    layout: GraphLayout,
    version: Option<u64>,
    /// Pan (screen points) and zoom chosen by the person; `None` fits the graph.
    view: Option<(Vec2, f32)>,
}

impl PeerGraph {
    /// Draws the graph of `snapshot` (re-read when `version` changes) in the space left.
    pub fn ui(&mut self, ui: &mut Ui, snapshot: &Snapshot, version: u64) {
        if self.version != Some(version) {
            self.version = Some(version);
            let (nodes, edges) = graph_of(snapshot);
            self.layout.update(&nodes, &edges);
        }
        for _ in 0..STEPS_PER_FRAME {
            self.layout.step();
        }
        if !self.layout.settled() {
            ui.ctx().request_repaint();
        }
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Peer graph"));
        self.navigate(ui, &response, rect);
        let (pan, zoom) = self.view.unwrap_or_else(|| fit(self.layout.bounds(), rect));
        let to_screen = |p: Vec2| rect.center() + pan + p * zoom;
        let palette = theme::palette(ui);
        let painter = ui.painter_at(rect);
        let position = |key: &str| self.layout.position(key).map(to_screen);
        let us = position(&snapshot.address);
        for peer in &snapshot.peers {
            if let (Some(a), Some(b)) = (us, position(&peer.address)) {
                painter.line_segment([a, b], Stroke::new(1.0, palette.edge));
            }
        }
        for (from, to) in &snapshot.links {
            if let (Some(a), Some(b)) = (position(from), position(to)) {
                painter.line_segment([a, b], Stroke::new(1.5, palette.link));
            }
        }
        let pointer = response.hover_pos();
        let max_height = max_height(snapshot);
        let mut hovered = None;
        let font = TextStyle::Small.resolve(ui.style());
        for peer in &snapshot.peers {
            let Some(center) = position(&peer.address) else { continue };
            let radius = peer_radius(peer, max_height) * zoom.min(1.0);
            let state = PeerState::of(peer);
            let hover = pointer.is_some_and(|p| p.distance(center) <= radius.max(6.0));
            painter.circle(center, radius, state.color(&palette), node_stroke(hover, &palette, ui));
            painter.text(
                center + Vec2::Y * (radius + 2.0),
                Align2::CENTER_TOP,
                &peer.name,
                font.clone(),
                palette.muted,
            );
            if hover {
                hovered = Some(peer);
            }
        }
        if let Some(center) = us {
            let radius = OUR_RADIUS * zoom.min(1.0);
            painter.circle(center, radius, palette.accent, Stroke::new(2.0, ui.visuals().strong_text_color()));
            painter.text(center, Align2::CENTER_CENTER, "you", font.clone(), palette.node_text);
        }
        legend(&painter, rect, &palette, ui);
        if let Some(peer) = hovered {
            response.on_hover_ui_at_pointer(|ui| peer_card(ui, peer));
        }
    }

    /// Drag pans, scrolling zooms about the pointer, a double-click fits the graph again.
    fn navigate(&mut self, ui: &Ui, response: &egui::Response, rect: Rect) {
        if response.double_clicked() {
            self.view = None;
            return;
        }
        let (mut pan, mut zoom) = self.view.unwrap_or_else(|| fit(self.layout.bounds(), rect));
        let mut moved = false;
        if response.dragged() {
            pan += response.drag_delta();
            moved = true;
        }
        if response.hovered() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            let factor = pinch * (scroll * 0.002).exp();
            if (factor - 1.0).abs() > 1e-4 {
                let anchor = response.hover_pos().unwrap_or(rect.center()) - rect.center();
                let new_zoom = (zoom * factor).clamp(0.1, 8.0);
                pan = anchor - (anchor - pan) * (new_zoom / zoom);
                zoom = new_zoom;
                moved = true;
            }
        }
        if moved {
            self.view = Some((pan, zoom));
        }
    }
}

/// The nodes and edges of the snapshot's graph.
fn graph_of(snapshot: &Snapshot) -> (Vec<NodeSpec>, Vec<(String, String)>) {
    let max_height = max_height(snapshot);
    let mut nodes = vec![NodeSpec { key: snapshot.address.clone(), radius: OUR_RADIUS, pinned: true }];
    let mut edges = Vec::with_capacity(snapshot.peers.len() + snapshot.links.len());
    for peer in &snapshot.peers {
        nodes.push(NodeSpec { key: peer.address.clone(), radius: peer_radius(peer, max_height), pinned: false });
        edges.push((snapshot.address.clone(), peer.address.clone()));
    }
    edges.extend(snapshot.links.iter().cloned());
    (nodes, edges)
}

fn max_height(snapshot: &Snapshot) -> u64 {
    snapshot.peers.iter().filter_map(|p| p.height).max().unwrap_or(0).max(snapshot.height).max(1)
}

fn peer_radius(peer: &PeerView, max_height: u64) -> f32 {
    MIN_RADIUS + EXTRA_RADIUS * (peer.height.unwrap_or(0) as f32 / max_height as f32)
}

/// The pan and zoom that show `bounds` whole in `rect`. Nodes keep their size when
/// zoomed in (they only spread out), so they never overlap on screen.
fn fit(bounds: Rect, rect: Rect) -> (Vec2, f32) {
    if !bounds.is_positive() {
        return (Vec2::ZERO, 1.0);
    }
    let margin = 48.0;
    let zoom = ((rect.width() - 2.0 * margin) / bounds.width())
        .min((rect.height() - 2.0 * margin) / bounds.height())
        .clamp(0.1, 2.5);
    (-bounds.center().to_vec2() * zoom, zoom)
}

fn node_stroke(hovered: bool, palette: &Palette, ui: &Ui) -> Stroke {
    if hovered { Stroke::new(2.5, palette.accent) } else { Stroke::new(1.0, ui.visuals().extreme_bg_color) }
}

fn legend(painter: &egui::Painter, rect: Rect, palette: &Palette, ui: &Ui) {
    let font = TextStyle::Small.resolve(ui.style());
    let mut at = rect.left_top() + Vec2::new(14.0, 16.0);
    for state in PeerState::ALL {
        painter.circle_filled(at, 5.0, state.color(palette));
        painter.text(at + Vec2::X * 10.0, Align2::LEFT_CENTER, state.text(), font.clone(), palette.muted);
        at.y += 16.0;
    }
    let hint = "size: chain height · drag to pan · scroll to zoom · double-click to fit";
    painter.text(Pos2::new(rect.left() + 8.0, rect.bottom() - 8.0), Align2::LEFT_BOTTOM, hint, font, palette.muted);
}

/// What the tooltip of a hovered node says.
fn peer_card(ui: &mut Ui, peer: &PeerView) {
    let state = PeerState::of(peer);
    ui.label(RichText::new(&peer.name).strong());
    ui.label(RichText::new(&peer.address).monospace());
    ui.label(RichText::new(agreement(peer)).color(state.color(&theme::palette(ui))));
    ui.label(format!("height {}", peer.height.map_or("unknown".to_owned(), |h| h.to_string())));
    ui.label(format!("last seen {}", fmt::ago(peer.last_seen_secs)));
    if let Some(rtt) = peer.rtt_ms {
        ui.label(format!("round trip {rtt:.1} ms"));
    }
    ui.label(format!("learned from {}", fmt::learned(&peer.learned)));
}
