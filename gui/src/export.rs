//! File ▸ Export: the chain as JSON, the peers as CSV, and the forks and history (side
//! blocks, reorganisations, rounds, every peer's chain over time) as JSON, saved where
//! the person picks in the desktop's native save dialog (rfd over the xdg desktop
//! portal, which falls back to zenity when no portal answers). The dialog and the
//! writing run on a helper thread, so the window never waits; where neither can be
//! reached the window says so instead of hanging.

use crate::fmt;
use crate::toasts::{Toasts, Tone};
use blockpeer_core::node::record::{Forks, MAX_SIDE_BLOCKS, Timeline};
use blockpeer_core::node::{PeerView, Snapshot};
use crossbeam_channel::{Receiver, Sender, unbounded};
use eframe::egui;
use std::path::Path;
use std::sync::Arc;

/// The chain as a JSON array of blocks, with the wire's field names (what a peer's
/// `/chain` serves and `blockpeer verify-chain` reads).
pub fn chain_json(snapshot: &Snapshot) -> Result<String, String> {
    serde_json::to_string_pretty(&*snapshot.blocks).map_err(|e| e.to_string())
}

/// The record as JSON: `forks` (as `/api/forks` serves it: side blocks, the blocks of our
/// chain beside them, where each is drawn, reorganisations) and `history` (as
/// `/api/history`: every peer's chain over time, ours, the rounds).
pub fn forks_json(snapshot: &Snapshot) -> Result<String, String> {
    let document = serde_json::json!({
        "forks": Forks::of(snapshot, MAX_SIDE_BLOCKS),
        "history": Timeline::of(snapshot, 0.0),
    });
    serde_json::to_string_pretty(&document).map_err(|e| e.to_string())
}

/// The peer table as CSV, one peer a row.
pub fn peers_csv(peers: &[PeerView]) -> String {
    let mut csv = String::from(
        "address,name,learned_from,last_seen_secs,rtt_ms,height,agrees,msgs_in,msgs_out,bytes_in,bytes_out\n",
    );
    for peer in peers {
        let traffic = fmt::traffic(peer);
        let cells = [
            peer.address.clone(),
            peer.name.clone(),
            fmt::learned(&peer.learned),
            format!("{:.1}", peer.last_seen_secs),
            peer.rtt_ms.map_or(String::new(), |ms| format!("{ms:.2}")),
            peer.height.map_or(String::new(), |h| h.to_string()),
            peer.agrees.to_string(),
            traffic.msgs_in.to_string(),
            traffic.msgs_out.to_string(),
            traffic.bytes_in.to_string(),
            traffic.bytes_out.to_string(),
        ];
        let quoted: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        csv.push_str(&quoted.join(","));
        csv.push('\n');
    }
    csv
}

fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_owned() }
}

/// What is being exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// The chain, JSON.
    Chain,
    /// The peers, CSV.
    Peers,
    /// The forks and the history, JSON.
    Forks,
}

/// How an export ended, as a notification.
type Outcome = (Tone, String);

/// Exports in flight: their outcomes come back as notifications.
pub struct Exports {
    done: (Sender<Outcome>, Receiver<Outcome>),
}

impl Default for Exports {
    fn default() -> Self {
        Self { done: unbounded() }
    }
}

impl Exports {
    /// Asks where to save `what` of `snapshot` and saves it there, off the UI thread;
    /// the window repaints when it is done.
    pub fn start(&self, what: Export, snapshot: Arc<Snapshot>, ctx: &egui::Context) {
        let done = self.done.0.clone();
        let ctx = ctx.clone();
        if let Err(reason) = save_dialog_reachable() {
            let _ = done.send((Tone::Warn, format!("Cannot open a save dialog: {reason}")));
            return;
        }
        let spawned = std::thread::Builder::new().name("export".into()).spawn(move || {
            let (title, file, filter, extension) = match what {
                Export::Chain => ("Export the chain", "chain.json", "JSON", "json"),
                Export::Peers => ("Export the peers", "peers.csv", "CSV", "csv"),
                Export::Forks => ("Export the forks and history", "forks.json", "JSON", "json"),
            };
            let picked = rfd::FileDialog::new()
                .set_title(title)
                .set_file_name(file)
                .add_filter(filter, &[extension])
                .save_file();
            // No path: the person cancelled.
            if let Some(path) = picked {
                let _ = done.send(write(&path, what, &snapshot));
                ctx.request_repaint();
            }
        });
        if let Err(error) = spawned {
            let _ = self.done.0.send((Tone::Warn, format!("Cannot export: {error}")));
        }
    }

    /// Shows the outcomes of finished exports.
    pub fn poll(&self, toasts: &mut Toasts) {
        while let Ok((tone, text)) = self.done.1.try_recv() {
            toasts.push(tone, text);
        }
    }
}

fn write(path: &Path, what: Export, snapshot: &Snapshot) -> Outcome {
    let contents = match what {
        Export::Chain => chain_json(snapshot),
        Export::Peers => Ok(peers_csv(&snapshot.peers)),
        Export::Forks => forks_json(snapshot),
    };
    match contents.and_then(|text| std::fs::write(path, text).map_err(|e| e.to_string())) {
        Ok(()) => (Tone::Good, format!("Saved {}", path.display())),
        Err(error) => (Tone::Warn, format!("Cannot save {}: {error}", path.display())),
    }
}

/// Whether a save dialog can be shown: the desktop portal's needs a session bus; without
/// one, rfd falls back to zenity, if it is installed.
fn save_dialog_reachable() -> Result<(), String> {
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| Path::new(&dir).join("bus").exists());
    let zenity = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("zenity").is_file()));
    if bus || zenity {
        Ok(())
    } else {
        Err("no desktop session bus (D-Bus) for the file portal, and no zenity, here".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blockpeer_core::node::{Learned, Standing, Traffic};

    #[test]
    fn peers_become_csv_rows() {
        let peer = PeerView {
            address: "127.0.0.1:9000".into(),
            name: "a, \"b\"".into(),
            learned: Learned::ForwardedBy("127.0.0.1:9001".parse().unwrap()),
            first_seen_secs: 10.0,
            last_seen_secs: 2.0,
            verified: true,
            rtt_ms: Some(0.5),
            height: Some(4),
            hash: None,
            agrees: true,
            standing: Standing::Agrees,
            traffic: [("FLOOD", Traffic { msgs_in: 2, bytes_in: 200, msgs_out: 1, bytes_out: 90 })].into(),
        };
        let csv = peers_csv(&[peer]);
        let row = csv.lines().nth(1).unwrap();
        assert_eq!(row, "127.0.0.1:9000,\"a, \"\"b\"\"\",via 127.0.0.1:9001,2.0,0.50,4,true,2,1,200,90");
    }
}
