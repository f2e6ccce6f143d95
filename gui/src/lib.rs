//! Blockpeer's desktop window: an egui app over the core engine, in-process. It shows
//! the start/join dialog, then the chain, the peers and their graph, mining, consensus
//! and the log of one running peer. It depends on the core only — the binary hands it
//! a [`Starter`] for the dialog's choices and the web page's URL.

mod app;
mod dialog;
mod export;
mod fields;
mod first_frame;
mod fmt;
mod frame_bench;
mod graph_layout;
mod hashrate;
mod launch;
mod log_buffer;
mod prefs;
mod recovery;
mod session;
mod starting;
mod theme;
mod toasts;
mod views;

pub use app::BlockpeerApp;
pub use first_frame::{DIALOG_SHOWN, PEER_SHOWN};
pub use frame_bench::{BenchPlan, FrameTimes};
pub use graph_layout::{GraphLayout, NodeSpec};
pub use launch::{Choice, JoinChoice, Launch, LaunchOptions, Restarter, Running, StartChoice, Starter};
pub use log_buffer::{LogBuffer, LogLine};
pub use views::View;

/// The title of Blockpeer's window.
pub const WINDOW_TITLE: &str = "Blockpeer";

/// The application's id: the name of its desktop entry and AppStream metainfo
/// (packaging/), and the window's Wayland app id and X11 class, by which a desktop
/// shows the window with the entry's name and icon.
pub const APP_ID: &str = "io.github.blockpeer.Blockpeer";

/// The folder of Blockpeer's data in `$XDG_DATA_HOME` (the chains' data directories too).
const DATA_FOLDER: &str = "blockpeer";

/// The window's icon, a 256×256 PNG.
pub(crate) const ICON_PNG: &[u8] = include_bytes!("../../icons/blockpeer-256.png");

/// Opens the window and runs it until it is closed (the engine is shut down, its
/// chain flushed, before this returns).
pub fn run(launch: Launch) -> eframe::Result<()> {
    let mut viewport = eframe::egui::ViewportBuilder::default()
        .with_title(WINDOW_TITLE)
        .with_app_id(APP_ID)
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([760.0, 480.0]);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(error) => tracing::warn!(%error, "the window icon could not be decoded"),
    }
    let options = eframe::NativeOptions {
        viewport,
        persistence_path: settings_file(),
        renderer: eframe::Renderer::Glow,
        // A benchmark measures frames, not the display's refresh rate.
        glow_options: eframe::egui_glow::GlowConfiguration {
            vsync: launch.options().bench.is_none(),
            ..Default::default()
        },
        ..Default::default()
    };
    eframe::run_native(WINDOW_TITLE, options, Box::new(|cc| Ok(Box::new(BlockpeerApp::new(cc, launch)))))
}

/// Where the window keeps what it remembers (prefs.rs): `$XDG_DATA_HOME/blockpeer/app.ron`
/// (`~/.local/share/blockpeer/app.ron`), beside the chains — named here, as eframe would
/// otherwise name the folder after [`APP_ID`].
fn settings_file() -> Option<std::path::PathBuf> {
    eframe::storage_dir(DATA_FOLDER).map(|dir| dir.join("app.ron"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desktop entry the package installs, read from packaging/.
    fn desktop_entry() -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../packaging/{APP_ID}.desktop"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn the_desktop_entry_is_named_for_the_window_it_starts() {
        let entry = desktop_entry();
        assert!(entry.lines().any(|l| l == format!("StartupWMClass={APP_ID}")), "{entry}");
        assert!(entry.lines().any(|l| l == format!("Name={WINDOW_TITLE}")), "{entry}");
    }

    #[test]
    fn settings_stay_in_the_data_folder_beside_the_chains() {
        let file = settings_file().unwrap();
        assert!(file.ends_with("blockpeer/app.ron"), "{}", file.display());
    }
}
