//! The branches of the Forks view: our chain as a main line along the bottom and every
//! side block in a lane above it, joined to the block it was mined on, with the heights
//! where nothing forked folded into gaps (the layout is the core's `Branches`, which the
//! web page draws too); reorganisations are marked above their fork point. Click a
//! block to select it; hover for who mined it, when, and where it came from.

use super::fork_words::{main_card, reorg_card, side_card};
use crate::{fmt, theme};
use blockpeer_core::chain::Block;
use blockpeer_core::node::Snapshot;
use blockpeer_core::node::record::{Attach, Branches, Column, Fate, Reorg, SideBlock};
use eframe::egui::{self, Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Ui, Vec2, vec2};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Width of a column of blocks, and of a folded gap.
const COLUMN: f32 = 80.0;
const GAP: f32 = 46.0;
/// Height of a lane.
const LANE: f32 = 46.0;
/// A block's box.
const BOX: Vec2 = vec2(68.0, 34.0);
/// The rows above the lanes: reorganisation marks, then heights.
const MARKS: f32 = 22.0;
const HEIGHTS: f32 = 18.0;

/// What is selected in the Forks view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selected {
    /// Our chain's block at this height.
    Main(u64),
    /// The side block with this hash.
    Side(String),
}

/// The picture of one snapshot's forks, laid out again only when the snapshot changes.
#[derive(Default)]
pub struct BranchView {
    version: Option<u64>,
    side: Vec<Arc<SideBlock>>,
    picture: Branches,
}

/// Where a column's blocks sit, left to right.
struct Geometry {
    /// Each column's centre x (from the left edge) and its height, if it shows blocks.
    columns: Vec<(f32, Option<u64>)>,
    width: f32,
    lanes: usize,
}

impl Geometry {
    fn of(picture: &Branches) -> Self {
        let mut x = 0.0;
        let columns = picture
            .columns
            .iter()
            .map(|column| {
                let width = if matches!(column, Column::Gap(_)) { GAP } else { COLUMN };
                let centre = x + width / 2.0;
                x += width;
                (centre, if let Column::Height(h) = column { Some(*h) } else { None })
            })
            .collect();
        Geometry { columns, width: x, lanes: picture.lanes }
    }

    fn height(&self) -> f32 {
        MARKS + HEIGHTS + (self.lanes as f32 + 1.0) * LANE
    }

    /// The y of `lane`'s centre on a canvas whose top is `top`.
    fn lane_y(&self, top: f32, lane: usize) -> f32 {
        top + MARKS + HEIGHTS + (self.lanes - lane) as f32 * LANE + LANE / 2.0
    }

    /// The centre of the box in `column`, `lane`, on a canvas whose top-left is `origin`.
    fn centre(&self, origin: Pos2, column: usize, lane: usize) -> Pos2 {
        Pos2::new(origin.x + self.columns[column].0, self.lane_y(origin.y, lane))
    }
}

impl BranchView {
    /// Draws the branches of `snapshot` (laid out again when `version` changes) and lets
    /// a click change `selected`.
    pub fn ui(&mut self, ui: &mut Ui, snapshot: &Snapshot, version: u64, selected: &mut Option<Selected>) {
        if self.version != Some(version) {
            self.version = Some(version);
            self.side = snapshot.record.side_blocks().iter().cloned().collect();
            let refs: Vec<&SideBlock> = self.side.iter().map(Arc::as_ref).collect();
            self.picture = Branches::of(&snapshot.blocks, &refs);
        }
        let geometry = Geometry::of(&self.picture);
        // The newest heights and our chain (bottom right) in view; many lanes scroll.
        let max_height = (ui.available_height() * 0.45).max(MARKS + HEIGHTS + 3.0 * LANE);
        egui::ScrollArea::both()
            .id_salt("branches")
            .max_height(max_height)
            .stick_to_right(true)
            .stick_to_bottom(true)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                let size = vec2(geometry.width.max(ui.available_width()), geometry.height());
                let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
                response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Forks"));
                self.paint(ui, rect.min, &geometry, snapshot, selected);
            });
    }

    fn paint(
        &self,
        ui: &mut Ui,
        origin: Pos2,
        geometry: &Geometry,
        snapshot: &Snapshot,
        selected: &mut Option<Selected>,
    ) {
        let palette = theme::palette(ui);
        let painter = ui.painter().clone();
        let visible = ui.clip_rect().expand(COLUMN);
        let small = FontId::proportional(11.0);
        let main_y = geometry.lane_y(origin.y, 0);
        let len = snapshot.blocks.len() as u64;
        // The main line, dashed across the folds; heights above each column.
        // Only what is in view is drawn: a record at its bounds spans thousands of columns.
        let shown = |x: f32| visible.x_range().contains(x);
        let mut last: Option<Pos2> = None;
        for (i, (x, height)) in geometry.columns.iter().enumerate() {
            let at = origin + vec2(*x, MARKS + HEIGHTS / 2.0);
            match (height, &self.picture.columns[i]) {
                _ if !shown(at.x) => {}
                (Some(h), _) => {
                    painter.text(at, Align2::CENTER_CENTER, h.to_string(), small.clone(), palette.muted);
                }
                (None, Column::Gap(n)) => {
                    painter.text(at, Align2::CENTER_CENTER, format!("… {n}"), small.clone(), palette.muted);
                }
                (None, Column::Height(_)) => {}
            }
            let point = Pos2::new(origin.x + x, main_y);
            if height.is_some_and(|h| h < len) {
                if let Some(previous) = last.filter(|p| shown(p.x) || shown(point.x)) {
                    let stroke = Stroke::new(2.0, palette.muted);
                    if i > 0 && matches!(self.picture.columns[i - 1], Column::Gap(_)) {
                        painter.extend(egui::Shape::dashed_line(&[previous, point], stroke, 4.0, 4.0));
                    } else {
                        painter.line_segment([previous, point], stroke);
                    }
                }
                last = Some(point);
            }
        }
        // Edges from each side block to the block it was mined on.
        let centres: Vec<Pos2> =
            self.picture.placed.iter().map(|p| geometry.centre(origin, p.column, p.lane)).collect();
        for (placed, centre) in self.picture.placed.iter().zip(&centres) {
            if !shown(centre.x) {
                continue;
            }
            let color = fate_color(self.side[placed.side].fate, &palette);
            let start = match placed.parent {
                Attach::Main(column) => geometry.centre(origin, column, 0) + vec2(BOX.x / 2.0, 0.0),
                Attach::Side(j) => centres[j] + vec2(BOX.x / 2.0, 0.0),
                // A stub: it was mined on a block no longer held.
                Attach::Unknown => *centre - vec2(BOX.x * 0.75, 0.0),
                Attach::Genesis => continue,
            };
            let end = *centre - vec2(BOX.x / 2.0, 0.0);
            painter.line_segment([start, end], Stroke::new(1.5, color));
        }
        // Our blocks.
        for (i, (_, height)) in geometry.columns.iter().enumerate() {
            let Some(block) = height.and_then(|h| usize::try_from(h).ok()).and_then(|h| snapshot.blocks.get(h)) else {
                continue;
            };
            let centre = geometry.centre(origin, i, 0);
            if !visible.contains(centre) {
                continue;
            }
            let chosen = *selected == Some(Selected::Main(block.height));
            let ours = snapshot.record.is_ours(block);
            let response =
                block_box(ui, centre, block, palette.ok, ours, chosen, format!("Main block {}", block.height));
            let response = response.on_hover_ui(|ui| main_card(ui, block, ours));
            if response.clicked() {
                *selected = Some(Selected::Main(block.height));
            }
        }
        // Side blocks.
        for (placed, centre) in self.picture.placed.iter().zip(&centres) {
            if !visible.contains(*centre) {
                continue;
            }
            let side = &self.side[placed.side];
            let chosen = *selected == Some(Selected::Side(side.block.hash.clone()));
            let label = format!("Side block {} by {}", side.block.height, side.block.mined_by);
            let color = fate_color(side.fate, &palette);
            let response = block_box(ui, *centre, &side.block, color, side.ours, chosen, label);
            let response = response.on_hover_ui(|ui| side_card(ui, side));
            if response.clicked() {
                *selected = Some(Selected::Side(side.block.hash.clone()));
            }
        }
        reorg_marks(ui, origin, geometry, snapshot);
    }
}

/// The colour of a side block's edge and outline.
fn fate_color(fate: Fate, palette: &theme::Palette) -> Color32 {
    match fate {
        Fate::Lost => palette.warn,
        Fate::Reorganised => palette.bad,
    }
}

/// One block's box: its short hash and miner; ours tinted, the selected one outlined.
fn block_box(
    ui: &mut Ui,
    centre: Pos2,
    block: &Block,
    color: Color32,
    ours: bool,
    chosen: bool,
    label: String,
) -> egui::Response {
    let palette = theme::palette(ui);
    let rect = Rect::from_center_size(centre, BOX);
    let response = ui.interact(rect, ui.make_persistent_id(("forks-block", &block.hash)), Sense::click());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    let fill = if ours { palette.accent.gamma_multiply(0.35) } else { ui.visuals().extreme_bg_color };
    let stroke = match (chosen, response.hovered()) {
        (true, _) => Stroke::new(2.5, palette.accent),
        (false, true) => Stroke::new(2.0, ui.visuals().strong_text_color()),
        (false, false) => Stroke::new(1.5, color),
    };
    let painter = ui.painter();
    painter.rect(rect, 5.0, fill, stroke, egui::StrokeKind::Inside);
    let text = ui.visuals().text_color();
    let font = FontId::monospace(10.5);
    painter.text(centre - vec2(0.0, 7.0), Align2::CENTER_CENTER, fmt::short(&block.hash, 7), font, text);
    let miner: String = block.mined_by.chars().take(10).collect();
    painter.text(centre + vec2(0.0, 8.0), Align2::CENTER_CENTER, miner, FontId::proportional(10.5), palette.muted);
    response
}

/// The reorganisations' marks above their fork points: `⟲ depth`, hover for the details.
fn reorg_marks(ui: &mut Ui, origin: Pos2, geometry: &Geometry, snapshot: &Snapshot) {
    let palette = theme::palette(ui);
    let mut at_fork: BTreeMap<u64, Vec<&Reorg>> = BTreeMap::new();
    for reorg in snapshot.record.reorgs() {
        at_fork.entry(reorg.fork).or_default().push(reorg);
    }
    for (x, height) in &geometry.columns {
        let Some(reorgs) = height.and_then(|h| at_fork.get(&h)) else { continue };
        let deepest = reorgs.iter().map(|r| r.depth).max().unwrap_or(0);
        let text =
            if reorgs.len() > 1 { format!("⟲ {deepest} ×{}", reorgs.len()) } else { format!("⟲ {deepest}") };
        let centre = origin + vec2(*x, MARKS / 2.0);
        let rect = Rect::from_center_size(centre, vec2(COLUMN - 10.0, MARKS - 4.0));
        let fork = height.unwrap_or_default();
        let response = ui.interact(rect, ui.make_persistent_id(("forks-reorg", fork)), Sense::hover());
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Image, true, format!("Reorganisation at height {fork}"))
        });
        let painter = ui.painter();
        painter.rect_filled(rect, 8.0, palette.bad.gamma_multiply(0.25));
        painter.text(centre, Align2::CENTER_CENTER, text, FontId::proportional(11.5), palette.bad);
        response.on_hover_ui(|ui| {
            for reorg in reorgs.iter().rev() {
                reorg_card(ui, reorg);
                ui.separator();
            }
        });
    }
}
