//! How forks are told in words, in one place: the tooltips of our blocks and side
//! blocks, why a side block is off our chain, a reorganisation's card (when, where, how
//! deep, from whom, which blocks it cost — ours in bold) and a round's (the chains it was
//! offered and what it decided).

use crate::{fmt, theme};
use blockpeer_core::chain::Block;
use blockpeer_core::node::Snapshot;
use blockpeer_core::node::record::{Fate, Reorg, RoundMark, SideBlock};
use eframe::egui::{self, Color32, RichText, Ui};

/// The tooltip of a block of our chain.
pub fn main_card(ui: &mut Ui, block: &Block, ours: bool) {
    ui.strong(format!("Block {} on our chain", block.height));
    ui.label(format!("mined by {}{}", block.mined_by, if ours { " (you)" } else { "" }));
    ui.monospace(fmt::short(&block.hash, 16));
}

/// The tooltip of a side block.
pub fn side_card(ui: &mut Ui, side: &SideBlock) {
    ui.strong(format!("Block {} off our chain", side.block.height));
    ui.label(format!("mined by {}{}", side.block.mined_by, if side.ours { " (you)" } else { "" }));
    ui.monospace(fmt::short(&side.block.hash, 16));
    ui.label(fate_text(side));
    ui.label(format!("seen {}", fmt::when(side.seen_at, fmt::unix_now_f64())));
}

/// Why a side block is off our chain, in words.
pub fn fate_text(side: &SideBlock) -> String {
    match (side.fate, side.from) {
        (Fate::Lost, Some(from)) => format!("lost at its height: announced by {from} when we held another"),
        (Fate::Lost, None) => "lost at its height: our miner found it after the tip had moved".to_owned(),
        (Fate::Reorganised, _) => "replaced by a reorganisation: it was on our chain".to_owned(),
    }
}

/// One reorganisation in words: when, where, how deep, from whom, what it cost.
pub fn reorg_card(ui: &mut Ui, reorg: &Reorg) {
    let palette = theme::palette(ui);
    ui.strong(format!(
        "Reorganisation at height {}: {} block{} replaced, {} added",
        reorg.fork,
        reorg.depth,
        if reorg.depth == 1 { "" } else { "s" },
        reorg.added
    ));
    ui.label(fmt::when(reorg.at, fmt::unix_now_f64()));
    let sources: Vec<String> = reorg.sources.iter().map(ToString::to_string).collect();
    let more = reorg.source_count.saturating_sub(reorg.sources.len());
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    ui.label(format!("fetched from {}{more}", sources.join(", ")));
    for lost in &reorg.lost {
        let text = format!("lost block {} by {} ({})", lost.height, lost.mined_by, fmt::short(&lost.hash, 10));
        if lost.ours {
            ui.label(egui::RichText::new(format!("{text} — yours")).color(palette.bad).strong());
        } else {
            ui.label(text);
        }
    }
    let unlisted = reorg.depth.saturating_sub(reorg.lost.len() as u64);
    if unlisted > 0 {
        ui.label(egui::RichText::new(format!("… and {unlisted} more")).color(palette.muted));
    }
}

/// A round in words: when, why, the chains offered with their peers, what was decided.
pub fn round_card(ui: &mut Ui, round: &RoundMark, snapshot: &Snapshot) {
    let palette = theme::palette(ui);
    let name = |addr: &std::net::SocketAddr| {
        let text = addr.to_string();
        snapshot.peers.iter().find(|p| p.address == text && !p.name.is_empty()).map_or(text, |p| p.name.clone())
    };
    ui.strong(format!("Consensus round ({})", round.trigger.label()));
    ui.label(format!(
        "{}: {} of {} peers answered",
        fmt::when(round.at, fmt::unix_now_f64()),
        round.replied,
        round.asked
    ));
    ui.label(RichText::new(format!("chains offered: {}", round.group_count)).color(palette.muted));
    for (rank, group) in round.groups.iter().enumerate() {
        let peers: Vec<String> = group.peers.iter().map(name).collect();
        let more = group.count.saturating_sub(peers.len());
        let more = if more > 0 { format!(" +{more}") } else { String::new() };
        let text = format!(
            "height {} · {}… · {} peer{}: {}{more}",
            group.height,
            fmt::short(&group.hash, 10),
            group.count,
            if group.count == 1 { "" } else { "s" },
            peers.join(", ")
        );
        let color: Color32 = if rank == 0 { palette.accent } else { ui.visuals().text_color() };
        ui.label(RichText::new(text).color(color));
    }
    ui.label(format!("decision: {}", decision(round)));
}

fn decision(round: &RoundMark) -> String {
    use blockpeer_core::node::Decision;
    match &round.decision {
        Decision::NoReplies => "no replies".to_owned(),
        Decision::InSync => "in sync".to_owned(),
        Decision::Ahead => "we are ahead".to_owned(),
        Decision::Sync { height, hash } => format!("fetch the chain at height {height} ({}…)", fmt::short(hash, 10)),
    }
}
