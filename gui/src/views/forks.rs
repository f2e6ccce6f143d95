//! Forks: what consensus did, as it happened — our chain with the side branches drawn
//! off it where they forked and each reorganisation marked with its depth (`branches`),
//! every peer's chain height over time with the rounds and reorganisations on the time
//! axis (`timeline`), and beside them the selected block in full, or the list of
//! reorganisations and which of our blocks they cost.

use super::block::BlockDetail;
use super::branches::{BranchView, Selected};
use super::fork_words::{fate_text, reorg_card};
use super::timeline::TimelineChart;
use crate::session::Session;
use crate::{fmt, theme};
use blockpeer_core::chain::{Block, Limits};
use blockpeer_core::node::Snapshot;
use blockpeer_core::node::record::SideBlock;
use eframe::egui::{self, RichText, Ui};

/// The Forks view's state.
#[derive(Default)]
pub struct ForksView {
    branches: BranchView,
    chart: TimelineChart,
    selected: Option<Selected>,
    detail: BlockDetail,
}

impl ForksView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session) {
        let snapshot = session.snapshot();
        let palette = theme::palette(ui);
        egui::Panel::right("fork_detail").default_size(380.0).min_size(300.0).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("fork_detail_scroll").show(ui, |ui| self.detail_ui(ui, snapshot));
        });
        ui.horizontal(|ui| {
            ui.heading("Forks");
            let rule = snapshot.protocol.winning_chain();
            ui.label(RichText::new(format!("{}: {rule} wins", snapshot.protocol.label())).color(palette.muted));
        });
        ui.label(summary(snapshot));
        ui.add_space(4.0);
        self.branches.ui(ui, snapshot, session.version(), &mut self.selected);
        ui.add_space(6.0);
        self.chart.ui(ui, snapshot, fmt::unix_now_f64());
    }

    fn detail_ui(&mut self, ui: &mut Ui, snapshot: &Snapshot) {
        let limits = Limits::of(snapshot.protocol, snapshot.difficulty);
        let record = &snapshot.record;
        let palette = theme::palette(ui);
        match self.selected.clone() {
            Some(Selected::Side(hash)) => match record.side_block(&hash) {
                Some(side) => {
                    let side = side.clone();
                    if ui.button("⏴ Reorganisations").clicked() {
                        self.selected = None;
                    }
                    side_detail(ui, &side);
                    match parent_of(snapshot, &side) {
                        Some(parent) => self.detail.show(ui, &side.block, Some(&parent), limits),
                        None if side.block.height == 0 => self.detail.show(ui, &side.block, None, limits),
                        None => self.detail.show_unchecked(
                            ui,
                            &side.block,
                            "It validated on the block below it when it came; that block is no longer held.",
                        ),
                    }
                }
                None => self.selected = None,
            },
            Some(Selected::Main(height)) => {
                let Some(block) = usize::try_from(height).ok().and_then(|h| snapshot.blocks.get(h)).cloned() else {
                    self.selected = None;
                    return;
                };
                if ui.button("⏴ Reorganisations").clicked() {
                    self.selected = None;
                }
                ui.heading(format!("Block {height}"));
                ui.label(RichText::new("on our chain").color(palette.ok));
                let parent =
                    height.checked_sub(1).and_then(|h| usize::try_from(h).ok()).and_then(|h| snapshot.blocks.get(h));
                self.detail.show(ui, &block, parent.map(|p| p.as_ref()), limits);
            }
            None => reorg_list(ui, snapshot),
        }
    }
}

/// The block a side block was mined on, if we still hold it.
fn parent_of(snapshot: &Snapshot, side: &SideBlock) -> Option<Block> {
    let hash = side.parent.as_deref()?;
    let below = side.block.height.checked_sub(1)?;
    let on_main = usize::try_from(below).ok().and_then(|h| snapshot.blocks.get(h)).filter(|b| b.hash == hash);
    on_main.map(|b| Block::clone(b)).or_else(|| snapshot.record.side_block(hash).map(|s| s.block.clone()))
}

/// One line on what the record holds.
fn summary(snapshot: &Snapshot) -> String {
    let record = &snapshot.record;
    let side = record.side_blocks().len();
    let reorgs = record.reorgs().len();
    let ours: u64 = record.reorgs().iter().map(|r| r.ours_lost).sum();
    if side == 0 && reorgs == 0 {
        return "No forks seen yet. When two miners find a block at the same height, or the network switches \
                chains, the branches appear here."
            .to_owned();
    }
    let mut text = format!("{side} block{} off our chain · {reorgs} reorganisation{}", plural(side), plural(reorgs));
    if ours > 0 {
        text.push_str(&format!(" · {ours} of our blocks lost"));
    }
    if let Some(last) = record.side_blocks().back() {
        text.push_str(&format!(" · last fork {}", fmt::ago(fmt::unix_now_f64() - last.seen_at)));
    }
    text
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn side_detail(ui: &mut Ui, side: &SideBlock) {
    let palette = theme::palette(ui);
    ui.heading(format!("Block {}", side.block.height));
    let color = if side.ours { palette.bad } else { palette.warn };
    ui.label(RichText::new(fate_text(side)).color(color));
    if side.ours {
        ui.label(RichText::new("Your miner found it.").color(palette.bad).strong());
    }
    ui.label(format!("Seen {}", fmt::when(side.seen_at, fmt::unix_now_f64())));
    ui.separator();
}

/// The reorganisations, newest first: when, where, how deep, from whom, what they cost.
fn reorg_list(ui: &mut Ui, snapshot: &Snapshot) {
    let palette = theme::palette(ui);
    ui.heading("Reorganisations");
    let reorgs = snapshot.record.reorgs();
    if reorgs.is_empty() {
        ui.label(RichText::new("None yet: our chain has only grown.").color(palette.muted));
    }
    for reorg in reorgs.iter().rev() {
        egui::Frame::group(ui.style()).inner_margin(8.0).corner_radius(6.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            reorg_card(ui, reorg);
        });
    }
    ui.add_space(8.0);
    ui.label(RichText::new("Click a block in the branches for its details.").color(palette.muted));
}
