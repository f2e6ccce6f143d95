//! What the window remembers between runs through eframe's persistence: the theme,
//! the zoom, and the start/join dialog's last choices.

use crate::dialog::DialogFields;
use serde::{Deserialize, Serialize};

/// The storage key.
const KEY: &str = "blockpeer";

/// The remembered settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Dark theme (else light).
    pub dark: bool,
    /// Zoom factor of the whole window.
    pub zoom: f32,
    /// The dialog's fields as last used.
    pub dialog: DialogFields,
}

impl Default for Prefs {
    fn default() -> Self {
        Self { dark: true, zoom: 1.0, dialog: DialogFields::default() }
    }
}

impl Prefs {
    /// The settings in `storage`, or the defaults.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        storage.and_then(|s| eframe::get_value(s, KEY)).unwrap_or_default()
    }

    /// Writes the settings to `storage`.
    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, KEY, self);
    }
}
