//! The start/join dialog: *Start a new network*, *Join a network*, or *Try a local
//! demo network*. Every field is checked as it is typed and the reason shown beside
//! it; the start button only works when all are fine.

use crate::fields::{self, HostCheck, HostState};
use crate::launch::{Choice, JoinChoice, StartChoice};
use crate::theme;
use blockpeer_core::chain::Generation;
use eframe::egui::{self, Align, Layout, RichText, TextEdit, Ui};
use serde::{Deserialize, Serialize};

/// Width of the card that holds the form: the same for both tabs, so switching between
/// them moves nothing.
const CARD_WIDTH: f32 = 680.0;
/// Width of the column that says what is wrong with a field (longer reasons wrap).
const HINT_WIDTH: f32 = 230.0;

/// Which half of the dialog is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// *Start a new network*.
    #[default]
    Start,
    /// *Join a network*.
    Join,
}

/// The dialog's fields as typed (remembered between runs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DialogFields {
    /// Start or join.
    pub mode: Mode,
    /// Our name.
    pub name: String,
    /// Mine from the start.
    pub mine: bool,
    /// Mine on the GPU.
    pub cuda: bool,
    /// A new network's UDP port.
    pub start_udp: String,
    /// A new network's web port.
    pub start_web: String,
    /// A new network's difficulty.
    pub difficulty: String,
    /// A new network's protocol generation.
    pub start_protocol: Generation,
    /// The well-known peer's host.
    pub join_host: String,
    /// The well-known peer's port.
    pub join_port: String,
    /// Our UDP port when joining.
    pub join_udp: String,
    /// Our web port when joining (empty: none).
    pub join_web: String,
    /// The difficulty of the network we join.
    pub join_difficulty: String,
    /// The protocol generation of the network we join; `None`: ask the well-known peer.
    pub join_protocol: Option<Generation>,
}

impl Default for DialogFields {
    fn default() -> Self {
        Self {
            mode: Mode::Start,
            name: "blockpeer".into(),
            mine: true,
            cuda: false,
            start_udp: "8999".into(),
            start_web: "8001".into(),
            difficulty: "6".into(),
            start_protocol: Generation::Flood,
            join_host: "localhost".into(),
            join_port: "8999".into(),
            join_udp: "8002".into(),
            join_web: String::new(),
            join_difficulty: "8".into(),
            join_protocol: None,
        }
    }
}

/// The dialog's state between frames.
pub struct Dialog {
    fields: DialogFields,
    host: HostCheck,
    error: Option<String>,
}

impl Dialog {
    /// A dialog showing `fields`.
    pub fn new(fields: DialogFields) -> Self {
        Self { fields, host: HostCheck::default(), error: None }
    }

    /// The fields as typed.
    pub fn fields(&self) -> &DialogFields {
        &self.fields
    }

    /// Shows why the last choice could not start.
    pub fn set_error(&mut self, error: String) {
        self.error = Some(error);
    }

    /// Draws the dialog; returns the choice when the person starts one. `busy` says
    /// what is being started meanwhile (the dialog waits, greyed, with a spinner).
    pub fn ui(&mut self, ui: &mut Ui, logo: Option<&egui::TextureHandle>, busy: Option<&str>) -> Option<Choice> {
        let mut choice = None;
        ui.add_enabled_ui(busy.is_none(), |ui| {
            ui.vertical_centered(|ui| {
                ui.set_max_width(CARD_WIDTH + 20.0);
                ui.add_space((ui.available_height() * 0.08).min(48.0));
                if let Some(logo) = logo {
                    ui.add(egui::Image::new(logo).fit_to_exact_size(egui::vec2(72.0, 72.0)));
                }
                ui.heading(RichText::new("Blockpeer").size(26.0).strong());
                ui.label("A peer of the classroom blockchain network: start a network, or join one.");
                ui.add_space(12.0);
                egui::Frame::group(ui.style()).inner_margin(16.0).corner_radius(8.0).show(ui, |ui| {
                    ui.set_width(CARD_WIDTH.min(ui.available_width()));
                    ui.horizontal(|ui| {
                        ui.selectable_value(
                            &mut self.fields.mode,
                            Mode::Start,
                            RichText::new("Start a new network").strong(),
                        );
                        ui.selectable_value(
                            &mut self.fields.mode,
                            Mode::Join,
                            RichText::new("Join a network").strong(),
                        );
                    });
                    ui.separator();
                    choice = match self.fields.mode {
                        Mode::Start => self.start_form(ui).map(Choice::Start),
                        Mode::Join => self.join_form(ui).map(Choice::Join),
                    };
                    if let Some(error) = &self.error {
                        ui.colored_label(theme::palette(ui).bad, error);
                    }
                });
                ui.add_space(16.0);
                ui.label(RichText::new("New here?").strong());
                if ui.button("Try a local demo network").clicked() {
                    choice = Some(Choice::Demo);
                }
                ui.label(
                    RichText::new(
                        "Starts a few peers on this computer that mine at a low difficulty, so blocks arrive at once.",
                    )
                    .small()
                    .color(theme::palette(ui).muted),
                );
            })
        });
        if let Some(what) = busy {
            ui.vertical_centered(|ui| {
                ui.add_space(12.0);
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(what);
                });
            });
        }
        if choice.is_some() {
            self.error = None;
        }
        choice
    }

    fn start_form(&mut self, ui: &mut Ui) -> Option<StartChoice> {
        let f = &mut self.fields;
        let checked = form(ui, "start", |ui| {
            let udp = field(ui, "UDP port", &mut f.start_udp, "peers reach us here", fields::free_udp_port);
            let web = field(ui, "Web port", &mut f.start_web, "the web page", fields::free_tcp_port);
            let name = field(ui, "Name", &mut f.name, "written into mined blocks", fields::name);
            let difficulty = field(
                ui,
                "Difficulty",
                &mut f.difficulty,
                "trailing zeros; the real network uses 8",
                fields::difficulty,
            );
            protocol_row(ui, "start_protocol", &mut f.start_protocol, &Generation::ALL);
            Some((udp?, web?, name?, difficulty?))
        });
        mining_options(ui, &mut f.mine, &mut f.cuda);
        let ready = checked.is_some();
        let clicked = submit(ui, "Start network", ready);
        let (udp_port, web_port, name, difficulty) = checked?;
        let (mine, cuda, protocol) = (f.mine, f.mine && f.cuda, f.start_protocol);
        clicked.then_some(StartChoice { udp_port, web_port, name, difficulty, protocol, mine, cuda })
    }

    fn join_form(&mut self, ui: &mut Ui) -> Option<JoinChoice> {
        let f = &mut self.fields;
        let host_check = &mut self.host;
        let checked = form(ui, "join", |ui| {
            let ctx = ui.ctx().clone();
            let host = field(ui, "Well-known host", &mut f.join_host, "a peer of the network", |text| match host_check
                .check(text, move || ctx.request_repaint())
            {
                HostState::Resolved(_) => Ok(text.trim().to_owned()),
                HostState::Resolving => Err("looking it up…".to_owned()),
                HostState::Empty => Err("a host name or address".to_owned()),
                HostState::Failed(reason) => Err(reason),
            });
            let port = field(ui, "Well-known port", &mut f.join_port, "its UDP port", fields::port);
            let udp = field(ui, "Your UDP port", &mut f.join_udp, "peers reach us here", fields::free_udp_port);
            let web = field(ui, "Web port (optional)", &mut f.join_web, "empty: no web page", |text| {
                if text.trim().is_empty() { Ok(None) } else { fields::free_tcp_port(text).map(Some) }
            });
            let name = field(ui, "Name", &mut f.name, "written into mined blocks", fields::name);
            let difficulty = field(
                ui,
                "Difficulty",
                &mut f.join_difficulty,
                "the network's: 8 on the course network, 9 in the competition",
                fields::difficulty,
            );
            protocol_row(
                ui,
                "join_protocol",
                &mut f.join_protocol,
                &[None, Some(Generation::Flood), Some(Generation::Gossip)],
            );
            Some((host?, port?, udp?, web?, name?, difficulty?))
        });
        mining_options(ui, &mut f.mine, &mut f.cuda);
        let clicked = submit(ui, "Join network", checked.is_some());
        let (host, port, udp_port, web_port, name, difficulty) = checked?;
        let cuda = f.mine && f.cuda;
        let (mine, protocol) = (f.mine, f.join_protocol);
        clicked.then_some(JoinChoice { host, port, udp_port, web_port, name, difficulty, protocol, mine, cuda })
    }
}

/// A three-column grid: label, field, what is wrong with it.
fn form<R>(ui: &mut Ui, id: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    egui::Grid::new(id).num_columns(3).spacing([12.0, 8.0]).striped(false).show(ui, add).inner
}

/// One labelled text field, checked by `check`; the reason it fails (or a ✔) beside it.
fn field<T>(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    check: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let label = ui.label(label);
    ui.add(TextEdit::singleline(text).min_size(egui::vec2(200.0, 0.0)).hint_text(hint)).labelled_by(label.id);
    let palette = theme::palette(ui);
    let result = check(text);
    hint_cell(ui, |ui| match &result {
        Ok(_) => {
            ui.colored_label(palette.ok, "✔");
            ui.colored_label(palette.muted, hint);
        }
        Err(reason) => {
            ui.colored_label(palette.bad, reason);
        }
    });
    ui.end_row();
    result.ok()
}

/// The protocol generation row: one button per choice (`None`: detect it), and what
/// the choice means beside them.
fn protocol_row<T: Copy + PartialEq + Into<Option<Generation>>>(ui: &mut Ui, id: &str, value: &mut T, choices: &[T]) {
    ui.label("Protocol");
    ui.push_id(id, |ui| {
        ui.horizontal(|ui| {
            for choice in choices {
                let text = (*choice).into().map_or("Auto", Generation::label);
                ui.selectable_value(value, *choice, text);
            }
        });
    });
    let hint = match (*value).into() {
        None => "asks the well-known peer which one it speaks",
        Some(Generation::Flood) => "FLOOD to every peer, blocks without time",
        Some(Generation::Gossip) => "today's course network: GOSSIP to 3, timestamped blocks",
    };
    hint_cell(ui, |ui| {
        ui.colored_label(theme::palette(ui).muted, hint);
    });
    ui.end_row();
}

/// The third column of a form's row: at most [`HINT_WIDTH`] wide, wrapping.
fn hint_cell(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    ui.scope(|ui| {
        ui.set_max_width(HINT_WIDTH);
        ui.horizontal_wrapped(add);
    });
}

fn mining_options(ui: &mut Ui, mine: &mut bool, cuda: &mut bool) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.checkbox(mine, "Mine blocks");
        ui.add_enabled(*mine, egui::Checkbox::new(cuda, "on the GPU (CUDA)"))
            .on_hover_text("Without an NVIDIA driver or GPU, mining says why and stays on the CPU");
    });
}

fn submit(ui: &mut Ui, label: &str, ready: bool) -> bool {
    ui.add_space(6.0);
    let row = egui::vec2(ui.available_width(), 32.0);
    ui.allocate_ui_with_layout(row, Layout::right_to_left(Align::Center), |ui| {
        ui.add_enabled(ready, egui::Button::new(RichText::new(label).strong()).min_size(egui::vec2(140.0, 30.0)))
            .clicked()
    })
    .inner
}
