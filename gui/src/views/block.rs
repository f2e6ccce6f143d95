//! One block in full: every field, the full hash with copy buttons, previous and
//! next, and whether it is valid — re-checked with the chain's own rule.

use crate::{fmt, theme};
use blockpeer_core::chain::{Block, Limits, validate_block};
use blockpeer_core::node::Snapshot;
use eframe::egui::{self, RichText, Ui};

/// The detail panel's state: the last validity check, so it runs once per block.
#[derive(Default)]
pub struct BlockDetail {
    checked: Option<(u64, String, Result<(), String>)>,
}

impl BlockDetail {
    /// Draws the block at `selected` (the newest when none is selected); the
    /// previous/next buttons move the selection.
    pub fn ui(&mut self, ui: &mut Ui, snapshot: &Snapshot, selected: &mut Option<u64>) {
        let blocks = &snapshot.blocks;
        let Some(newest) = blocks.len().checked_sub(1) else {
            ui.add_space(12.0);
            ui.label(
                RichText::new("The chain is empty: blocks appear here as they are mined.")
                    .color(theme::palette(ui).muted),
            );
            return;
        };
        let index = selected.and_then(|h| usize::try_from(h).ok()).filter(|&h| h <= newest).unwrap_or(newest);
        let block = &blocks[index];
        let parent = index.checked_sub(1).map(|p| blocks[p].as_ref());
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.heading(format!("Block {}", block.height));
            if index == newest {
                ui.label(RichText::new("newest").small().color(theme::palette(ui).accent));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.add_enabled(index < newest, egui::Button::new("Next ⏵")).clicked() {
                    *selected = Some(block.height + 1);
                }
                if ui.add_enabled(index > 0, egui::Button::new("⏴ Previous")).clicked() {
                    *selected = Some(block.height - 1);
                }
            });
        });
        ui.separator();
        self.show(ui, block, parent, Limits::of(snapshot.protocol, snapshot.difficulty));
    }

    /// Draws `block`'s fields on `parent` (`None`: a genesis block, or a parent we do not
    /// hold) and whether it validates there under `limits`.
    pub fn show(&mut self, ui: &mut Ui, block: &Block, parent: Option<&Block>, limits: Limits) {
        let validity = self.validity(block, parent, limits);
        egui::ScrollArea::vertical().id_salt("block_fields").show(ui, |ui| fields(ui, block, parent, Some(validity)));
    }

    /// Draws `block`'s fields without checking it: the block it was mined on is no
    /// longer held (`note` says so).
    pub fn show_unchecked(&mut self, ui: &mut Ui, block: &Block, note: &str) {
        ui.label(RichText::new(note).color(theme::palette(ui).muted));
        egui::ScrollArea::vertical().id_salt("block_fields").show(ui, |ui| fields(ui, block, None, None));
    }

    fn validity(&mut self, block: &Block, parent: Option<&Block>, limits: Limits) -> Result<(), String> {
        match &self.checked {
            Some((height, hash, result)) if *height == block.height && *hash == block.hash => result.clone(),
            _ => {
                let result = validate_block(block, parent, &limits).map_err(|e| e.to_string());
                self.checked = Some((block.height, block.hash.clone(), result.clone()));
                result
            }
        }
    }
}

fn fields(ui: &mut Ui, block: &Block, parent: Option<&Block>, validity: Option<Result<(), String>>) {
    let palette = theme::palette(ui);
    match validity {
        Some(Ok(())) => {
            ui.label(
                RichText::new("✔ valid: hash, proof of work and link to the previous block check out")
                    .color(palette.ok),
            );
        }
        Some(Err(reason)) => {
            ui.label(RichText::new(format!("✖ invalid: {reason}")).color(palette.bad));
        }
        None => {}
    }
    ui.add_space(6.0);
    egui::Grid::new("block_fields").num_columns(2).spacing([12.0, 8.0]).striped(true).show(ui, |ui| {
        ui.label("Height");
        ui.label(block.height.to_string());
        ui.end_row();
        ui.label("Hash");
        hash_cell(ui, &block.hash, "Copy the hash");
        ui.end_row();
        ui.label("Previous");
        match parent {
            Some(parent) => hash_cell(ui, &parent.hash, "Copy the previous hash"),
            None if block.height == 0 => {
                ui.label(RichText::new("none: this is the genesis block").color(palette.muted));
            }
            None => {
                ui.label(RichText::new("not held").color(palette.muted));
            }
        }
        ui.end_row();
        ui.label("Mined by");
        ui.label(&block.mined_by);
        ui.end_row();
        if let Some(timestamp) = block.timestamp {
            ui.label("Mined at");
            ui.label(fmt::mined_at(timestamp, fmt::unix_now())).on_hover_text(format!("Unix time {timestamp}"));
            ui.end_row();
        }
        ui.label("Nonce");
        ui.label(RichText::new(&block.nonce).monospace());
        ui.end_row();
        ui.label("Proof of work");
        let zeros = block.hash.bytes().rev().take_while(|b| *b == b'0').count();
        ui.label(format!("{zeros} trailing zeros"));
        ui.end_row();
        ui.label(format!("Words ({})", block.messages.len()));
        ui.vertical(|ui| {
            for word in &block.messages {
                ui.label(word);
            }
        });
        ui.end_row();
    });
}

/// A full hash, wrapped, with a copy button.
fn hash_cell(ui: &mut Ui, hash: &str, copy_label: &str) {
    ui.vertical(|ui| {
        ui.add(egui::Label::new(RichText::new(hash).monospace()).wrap());
        if ui.small_button("Copy").on_hover_text(copy_label).clicked() {
            ui.ctx().copy_text(hash.to_owned());
        }
    });
}
