//! Blockpeer's desktop window: an egui app over the core engine, in-process. It shows
//! the start/join dialog, then the chain, the peers and their graph, mining, consensus
//! and the log of one running peer. It depends on the core only — the binary hands it
//! a [`Starter`] for the dialog's choices and the web page's URL.

mod app;
mod dialog;
mod export;
mod fields;
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
pub use frame_bench::{BenchPlan, FrameTimes};
pub use graph_layout::{GraphLayout, NodeSpec};
pub use launch::{Choice, JoinChoice, Launch, LaunchOptions, Restarter, Running, StartChoice, Starter};
pub use log_buffer::{LogBuffer, LogLine};
pub use views::View;

/// The title of Blockpeer's window.
pub const WINDOW_TITLE: &str = "Blockpeer";

/// The window's icon, a 256×256 PNG.
pub(crate) const ICON_PNG: &[u8] = include_bytes!("../../icons/blockpeer-256.png");

/// Opens the window and runs it until it is closed (the engine is shut down, its
/// chain flushed, before this returns).
pub fn run(launch: Launch) -> eframe::Result<()> {
    let mut viewport = eframe::egui::ViewportBuilder::default()
        .with_title(WINDOW_TITLE)
        .with_app_id("blockpeer")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([760.0, 480.0]);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(error) => tracing::warn!(%error, "the window icon could not be decoded"),
    }
    let options = eframe::NativeOptions {
        viewport,
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
