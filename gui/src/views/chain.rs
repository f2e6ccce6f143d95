//! The chain: every block, newest first, in a virtualised list (only the visible rows
//! are laid out, so 100 000 blocks scroll smoothly), a search by height, hash prefix,
//! miner or word, and the selected block's detail beside it.

use super::block::BlockDetail;
use crate::fmt;
use crate::theme;
use blockpeer_core::chain::{Block, SharedBlocks};
use blockpeer_core::node::Snapshot;
use eframe::egui::{self, Align2, FontId, Rect, RichText, Sense, TextStyle, Ui, WidgetInfo, pos2, vec2};
use std::sync::Arc;

/// Left edges of the columns (the words column takes what the others leave).
const HEIGHT_X: f32 = 8.0;
const HASH_X: f32 = 84.0;
const MINER_X: f32 = 214.0;
const WORDS_X: f32 = 374.0;
const NONCE_WIDTH: f32 = 120.0;

/// A search: what was typed, ready to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    text: String,
    height: Option<u64>,
}

impl Query {
    /// The query for `typed` (`None` when empty).
    pub fn new(typed: &str) -> Option<Self> {
        let text = typed.trim().to_lowercase();
        (!text.is_empty()).then(|| Self { height: text.parse().ok(), text })
    }

    /// Whether `block` has this height, a hash starting with it, or a miner or word
    /// containing it (ignoring case).
    pub fn matches(&self, block: &Block) -> bool {
        self.height == Some(block.height)
            || block.hash.starts_with(&self.text)
            || block.mined_by.to_lowercase().contains(&self.text)
            || block.messages.iter().any(|w| w.to_lowercase().contains(&self.text))
    }
}

/// The heights matching a query, newest first, for one version of the chain.
struct Matches {
    query: Query,
    blocks: SharedBlocks,
    heights: Vec<u64>,
}

/// The chain view's state.
#[derive(Default)]
pub struct ChainView {
    search: String,
    matches: Option<Matches>,
    selected: Option<u64>,
    detail: BlockDetail,
    /// Scroll the list to this offset next frame (the frame-time benchmark scrolls).
    pub scroll_to: Option<f32>,
}

impl ChainView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, snapshot: &Snapshot) {
        egui::Panel::right("block_detail").default_size(420.0).min_size(300.0).show(ui, |ui| {
            self.detail.ui(ui, snapshot, &mut self.selected);
        });
        ui.horizontal(|ui| {
            ui.heading("Chain");
            ui.label(RichText::new(format!("{} blocks", snapshot.height)).color(theme::palette(ui).muted));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(m) = &self.matches {
                    ui.label(format!("{} found", m.heights.len()));
                }
                ui.add(
                    egui::TextEdit::singleline(&mut self.search)
                        .hint_text("Search: height, hash prefix, miner or word")
                        .desired_width(300.0),
                );
            });
        });
        self.refresh_matches(&snapshot.blocks);
        let blocks = &snapshot.blocks;
        let rows = self.matches.as_ref().map_or(blocks.len(), |m| m.heights.len());
        if rows == 0 {
            ui.add_space(24.0);
            ui.vertical_centered(|ui| {
                let text = if self.matches.is_some() { "No block matches." } else { "No blocks yet." };
                ui.label(RichText::new(text).color(theme::palette(ui).muted));
            });
            return;
        }
        header(ui, snapshot.protocol.timestamped());
        let now = fmt::unix_now();
        let row_height = ui.text_style_height(&TextStyle::Body) + 10.0;
        let mut area = egui::ScrollArea::vertical().auto_shrink(false).id_salt("chain_rows");
        if let Some(offset) = self.scroll_to.take() {
            area = area.vertical_scroll_offset(offset);
        }
        area.show_rows(ui, row_height, rows, |ui, range| {
            for row in range {
                let height = match &self.matches {
                    Some(m) => m.heights[row],
                    None => (blocks.len() - 1 - row) as u64,
                };
                let Some(block) = usize::try_from(height).ok().and_then(|h| blocks.get(h)) else { continue };
                if block_row(ui, block, row, row_height, self.selected == Some(height), now).clicked() {
                    self.selected = Some(height);
                }
            }
        });
    }

    fn refresh_matches(&mut self, blocks: &SharedBlocks) {
        let Some(query) = Query::new(&self.search) else {
            self.matches = None;
            return;
        };
        if self.matches.as_ref().is_some_and(|m| m.query == query && Arc::ptr_eq(&m.blocks, blocks)) {
            return;
        }
        let heights = blocks.iter().rev().filter(|b| query.matches(b)).map(|b| b.height).collect();
        self.matches = Some(Matches { query, blocks: blocks.clone(), heights });
    }
}

/// The column titles; the last column is when a block was mined in the GOSSIP
/// generation (its blocks carry the time), its nonce in the FLOOD one.
fn header(ui: &mut Ui, timestamped: bool) {
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), 20.0), Sense::hover());
    let color = theme::palette(ui).muted;
    let font = TextStyle::Small.resolve(ui.style());
    let nonce_x = (rect.width() - NONCE_WIDTH).max(WORDS_X + 60.0);
    let last = if timestamped { "MINED" } else { "NONCE" };
    for (x, title) in [(HEIGHT_X, "HEIGHT"), (HASH_X, "HASH"), (MINER_X, "MINER"), (WORDS_X, "WORDS"), (nonce_x, last)]
    {
        ui.painter().text(pos2(rect.left() + x, rect.center().y), Align2::LEFT_CENTER, title, font.clone(), color);
    }
}

/// One block as a clickable row of columns, painted directly (no layout per cell);
/// `now` is Unix seconds, for how long ago a timestamped block was mined.
fn block_row(ui: &mut Ui, block: &Block, row: usize, height: f32, selected: bool, now: u64) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click());
    response
        .widget_info(|| WidgetInfo::selected(egui::Role::Button, true, selected, format!("Block {}", block.height)));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.visuals();
    let palette = theme::palette(ui);
    let painter = ui.painter();
    if selected {
        painter.rect_filled(rect, 3.0, visuals.selection.bg_fill);
    } else if response.hovered() {
        painter.rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
    } else if row % 2 == 1 {
        painter.rect_filled(rect, 0.0, palette.stripe);
    }
    let text = visuals.text_color();
    let body = TextStyle::Body.resolve(ui.style());
    let mono = TextStyle::Monospace.resolve(ui.style());
    let nonce_x = (rect.width() - NONCE_WIDTH).max(WORDS_X + 60.0);
    let cells: [(f32, f32, String, &FontId, egui::Color32); 5] = [
        (HEIGHT_X, HASH_X, block.height.to_string(), &body, text),
        (HASH_X, MINER_X, fmt::short(&block.hash, 12).to_owned(), &mono, palette.accent),
        (MINER_X, WORDS_X, block.mined_by.clone(), &body, text),
        (WORDS_X, nonce_x, block.messages.join(" · "), &body, palette.muted),
        match block.timestamp {
            Some(timestamp) => (nonce_x, rect.width(), fmt::mined_ago(timestamp, now), &body, palette.muted),
            None => (nonce_x, rect.width(), block.nonce.clone(), &mono, palette.muted),
        },
    ];
    for (left, right, value, font, color) in cells {
        let cell =
            Rect::from_min_max(pos2(rect.left() + left, rect.top()), pos2(rect.left() + right - 8.0, rect.bottom()));
        painter.with_clip_rect(cell).text(cell.left_center(), Align2::LEFT_CENTER, value, font.clone(), color);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(height: u64, miner: &str, words: &[&str], hash: &str) -> Block {
        Block {
            height,
            mined_by: miner.into(),
            nonce: "1".into(),
            messages: words.iter().map(|w| (*w).to_owned()).collect(),
            hash: hash.into(),
            timestamp: None,
        }
    }

    #[test]
    fn search_finds_heights_hash_prefixes_miners_and_words() {
        let b = block(12, "Alice", &["Banana", "cherry"], "00ab34");
        assert!(Query::new("12").unwrap().matches(&b));
        assert!(Query::new("00AB").unwrap().matches(&b));
        assert!(Query::new("alic").unwrap().matches(&b));
        assert!(Query::new("banana").unwrap().matches(&b));
        assert!(!Query::new("ab34").unwrap().matches(&b), "the hash matches by prefix only");
        assert!(!Query::new("13").unwrap().matches(&b));
        assert!(Query::new("   ").is_none());
    }
}
