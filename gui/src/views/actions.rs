//! The actions a person can take on the network: add a peer, FLOOD (or GOSSIP) everyone
//! now, run a consensus round now, and queue words for the next block.

use crate::theme;
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Command;
use eframe::egui::{self, RichText, Ui};
use std::net::{SocketAddr, ToSocketAddrs};

/// The actions' fields.
#[derive(Default)]
pub struct Actions {
    peer: String,
    words: String,
    note: Option<Result<String, String>>,
}

/// `host:port` as typed, resolved.
pub fn peer_address(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    let mut addrs = text.to_socket_addrs().map_err(|_| format!("{text:?} is not HOST:PORT"))?;
    addrs.find(SocketAddr::is_ipv4).ok_or_else(|| format!("cannot resolve {text:?}"))
}

/// The words typed, split at spaces and commas.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

impl Actions {
    /// Draws the actions.
    pub fn ui(&mut self, ui: &mut Ui, engine: &EngineHandle) {
        ui.label(RichText::new("Actions").strong());
        ui.horizontal(|ui| {
            let field = ui.add(egui::TextEdit::singleline(&mut self.peer).hint_text("host:port").desired_width(120.0));
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add peer").clicked() || enter) && !self.peer.trim().is_empty() {
                self.note = Some(peer_address(&self.peer).map(|addr| {
                    engine.command(Command::AddPeer(addr));
                    self.peer.clear();
                    format!("FLOODed {addr}")
                }));
            }
        });
        ui.horizontal(|ui| {
            let field = ui.add(egui::TextEdit::singleline(&mut self.words).hint_text("words").desired_width(120.0));
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add words").clicked() || enter) && !words(&self.words).is_empty() {
                let words = words(&self.words);
                self.note = Some(Ok(format!("{} words queued for the next block", words.len())));
                engine.command(Command::AddWords(words));
                self.words.clear();
            }
        });
        ui.horizontal(|ui| {
            if ui.button("Flood now").on_hover_text("FLOOD every peer now").clicked() {
                engine.command(Command::FloodNow);
                self.note = Some(Ok("FLOODed every peer".into()));
            }
            if ui.button("Consensus now").on_hover_text("run a consensus round now").clicked() {
                engine.command(Command::ConsensusNow);
                self.note = Some(Ok("consensus round started".into()));
            }
        });
        let palette = theme::palette(ui);
        if let Some(note) = &self.note {
            let (text, color) = match note {
                Ok(text) => (text, palette.muted),
                Err(text) => (text, palette.bad),
            };
            ui.label(RichText::new(text).small().color(color));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_peers_and_words() {
        assert_eq!(peer_address(" 127.0.0.1:9000 "), Ok("127.0.0.1:9000".parse().unwrap()));
        assert_eq!(peer_address("localhost:9000"), Ok("127.0.0.1:9000".parse().unwrap()));
        assert!(peer_address("9000").is_err());
        assert_eq!(words("apple, banana  cherry"), ["apple", "banana", "cherry"]);
    }
}
