//! Blockpeer's desktop window. The egui app arrives with the desktop-app issue; until
//! then this crate only names the window's title so the workspace has its final shape.

/// The title of Blockpeer's window.
pub const WINDOW_TITLE: &str = "Blockpeer";
