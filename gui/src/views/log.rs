//! The log console: the peer's tracing output as it happens, filtered by level and
//! text, following the newest line or held still, and copied as text.

use crate::log_buffer::{LogBuffer, LogLine};
use crate::theme;
use eframe::egui::{self, RichText, TextStyle, Ui};
use std::time::Duration;
use tracing::Level;

/// How often an open log view looks for new lines.
const REFRESH: Duration = Duration::from_millis(500);

/// The log view's state.
pub struct LogView {
    level: Level,
    filter: String,
    follow: bool,
    shown: Option<(u64, Level, String, Vec<LogLine>)>,
}

impl Default for LogView {
    fn default() -> Self {
        Self { level: Level::INFO, filter: String::new(), follow: true, shown: None }
    }
}

impl LogView {
    /// Draws the view over `buffer` (absent when the binary captures no log).
    pub fn ui(&mut self, ui: &mut Ui, buffer: Option<&LogBuffer>) {
        ui.horizontal(|ui| {
            ui.heading("Log");
            egui::ComboBox::from_id_salt("log_level").selected_text(format!("{} and worse", self.level)).show_ui(
                ui,
                |ui| {
                    for level in [Level::ERROR, Level::WARN, Level::INFO, Level::DEBUG, Level::TRACE] {
                        ui.selectable_value(&mut self.level, level, level.as_str());
                    }
                },
            );
            ui.add(egui::TextEdit::singleline(&mut self.filter).hint_text("filter text").desired_width(220.0));
            ui.checkbox(&mut self.follow, "Follow");
            if ui.button("Copy").on_hover_text("copy the lines shown").clicked() {
                let text: Vec<String> = self.lines().iter().map(line_text).collect();
                ui.ctx().copy_text(text.join("\n"));
            }
        });
        let Some(buffer) = buffer else {
            ui.label(RichText::new("The log is not captured in this run.").color(theme::palette(ui).muted));
            return;
        };
        ui.ctx().request_repaint_after(REFRESH);
        self.refresh(buffer);
        let lines = self.lines();
        let palette = theme::palette(ui);
        let row_height = ui.text_style_height(&TextStyle::Monospace) + 4.0;
        egui::ScrollArea::both().id_salt("log_rows").auto_shrink(false).stick_to_bottom(self.follow).show_rows(
            ui,
            row_height,
            lines.len(),
            |ui, range| {
                for line in &lines[range] {
                    let color = match line.level {
                        Level::ERROR => palette.bad,
                        Level::WARN => palette.warn,
                        Level::INFO => palette.ok,
                        _ => palette.muted,
                    };
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(&line.time).monospace().color(palette.muted));
                        ui.label(RichText::new(format!("{:5}", line.level.as_str())).monospace().color(color));
                        ui.label(RichText::new(&line.target).monospace().color(palette.muted));
                        ui.add(egui::Label::new(RichText::new(&line.text).monospace()).extend());
                    });
                }
            },
        );
    }

    /// Re-reads the buffer when it or the filters changed.
    fn refresh(&mut self, buffer: &LogBuffer) {
        let version = buffer.version();
        let filter = self.filter.to_lowercase();
        if self.shown.as_ref().is_some_and(|(v, l, f, _)| *v == version && *l == self.level && *f == filter) {
            return;
        }
        let level = self.level;
        let lines = buffer.lines(|line| {
            line.level <= level && (filter.is_empty() || line_text(line).to_lowercase().contains(&filter))
        });
        self.shown = Some((version, level, filter, lines));
    }

    fn lines(&self) -> &[LogLine] {
        self.shown.as_ref().map_or(&[], |(_, _, _, lines)| lines)
    }
}

fn line_text(line: &LogLine) -> String {
    format!("{} {:5} {} {}", line.time, line.level.as_str(), line.target, line.text)
}
