//! The app: the start/join dialog until a peer runs, then the main window — menu bar,
//! navigation and actions on the left, the chosen view, the status bar and the
//! notifications. It never waits on the engine: it reads the latest snapshot and
//! drains events within a budget, and repaints only when something changed.

use crate::dialog::Dialog;
use crate::export::{Export, Exports};
use crate::first_frame::FirstFrame;
use crate::frame_bench::{BenchFrame, FrameBench};
use crate::launch::{Launch, LaunchOptions, Running, Starter};
use crate::log_buffer::LogBuffer;
use crate::prefs::Prefs;
use crate::recovery::{self, Recovery};
use crate::session::Session;
use crate::starting::{self, Pending, Start};
use crate::theme;
use crate::toasts::{Toasts, Tone};
use crate::views::actions::Actions;
use crate::views::chain::ChainView;
use crate::views::forks::ForksView;
use crate::views::log::LogView;
use crate::views::mining::MiningView;
use crate::views::peers::PeersView;
use crate::views::{View, consensus, status};
use blockpeer_core::engine::EngineHandle;
use blockpeer_core::node::Command;
use eframe::egui::{self, RichText, Ui};

/// What the window shows.
enum Stage {
    /// The start/join dialog; while a start runs, `starter` is lent to it.
    Dialog { dialog: Box<Dialog>, starter: Option<Starter>, starting: Option<Start> },
    /// The peer is being started again at a difficulty.
    Restarting { pending: Pending<Result<Running, String>>, difficulty: u32 },
    /// A running peer.
    Running(Box<Session>),
    /// The peer could not be started again: why.
    Failed(String),
    /// The window is closing; the engine has been shut down.
    Closed,
}

/// Blockpeer's window.
pub struct BlockpeerApp {
    prefs: Prefs,
    stage: Stage,
    view: View,
    chain: ChainView,
    peers: PeersView,
    mining: MiningView,
    forks: ForksView,
    log: LogView,
    actions: Actions,
    toasts: Toasts,
    exports: Exports,
    log_buffer: Option<LogBuffer>,
    bench: Option<FrameBench>,
    first_frame: FirstFrame,
    logo: Option<egui::TextureHandle>,
    /// What the person asked for when the peer cannot go on as it is.
    recovery: Option<Recovery>,
}

impl BlockpeerApp {
    /// The app for `launch`, with the settings remembered in `cc`'s storage.
    pub fn new(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        let ctx = &cc.egui_ctx;
        let prefs = Prefs::load(cc.storage);
        theme::install(ctx, prefs.dark);
        ctx.set_zoom_factor(prefs.zoom);
        let (stage, options) = match launch {
            Launch::Dialog { starter, options } => {
                let dialog = Box::new(Dialog::new(prefs.dialog.clone()));
                (Stage::Dialog { dialog, starter: Some(starter), starting: None }, options)
            }
            Launch::Running { running, options } => (Stage::Running(Box::new(Session::new(running, ctx))), options),
        };
        let LaunchOptions { log, view, bench } = options;
        Self {
            prefs,
            stage,
            view: view.unwrap_or_default(),
            chain: ChainView::default(),
            peers: PeersView::default(),
            mining: MiningView::default(),
            forks: ForksView::default(),
            log: LogView::default(),
            actions: Actions::default(),
            toasts: Toasts::default(),
            exports: Exports::default(),
            log_buffer: log,
            bench: bench.map(FrameBench::new),
            first_frame: FirstFrame::default(),
            logo: load_logo(ctx),
            recovery: None,
        }
    }

    /// The running peer's engine (`None` while the dialog is shown).
    pub fn engine(&self) -> Option<&EngineHandle> {
        match &self.stage {
            Stage::Running(session) => Some(session.engine()),
            Stage::Dialog { .. } | Stage::Restarting { .. } | Stage::Failed(_) | Stage::Closed => None,
        }
    }

    /// Starts the peer again at another difficulty, or closes the window.
    fn recover(&mut self, ctx: &egui::Context, recovery: Recovery) {
        match recovery {
            Recovery::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Recovery::Restart(difficulty) => {
                let Stage::Running(session) = std::mem::replace(&mut self.stage, Stage::Closed) else { return };
                self.stage =
                    match session.stop_for_restart().and_then(|r| starting::restart(r, difficulty, ctx.clone())) {
                        Ok(pending) => Stage::Restarting { pending, difficulty },
                        Err(error) => Stage::Failed(error),
                    };
            }
        }
    }

    /// Shows the dark or the light theme, and remembers which.
    fn set_dark(&mut self, ctx: &egui::Context, dark: bool) {
        self.prefs.dark = dark;
        theme::set_dark(ctx, dark);
    }

    fn dialog_ui(&mut self, ui: &mut Ui) {
        let Stage::Dialog { dialog, starter, starting } = &mut self.stage else { return };
        if let Some((back, outcome)) = starting.as_ref().and_then(Pending::poll) {
            *starter = Some(back);
            *starting = None;
            match outcome {
                Ok(running) => {
                    self.stage = Stage::Running(Box::new(Session::new(running, ui.ctx())));
                    return;
                }
                Err(error) => dialog.set_error(error),
            }
        }
        let logo = self.logo.as_ref();
        let busy = starting.as_ref().map(|s| s.what.as_str());
        let choice = egui::CentralPanel::default().show(ui, |ui| dialog.ui(ui, logo, busy)).inner;
        self.prefs.dialog = dialog.fields().clone();
        if let Some(choice) = choice
            && let Some(lent) = starter.take()
        {
            match starting::start(lent, choice, ui.ctx().clone()) {
                Ok(started) => *starting = Some(started),
                Err(error) => self.stage = Stage::Failed(error),
            }
        }
    }

    /// While the peer starts again: a spinner, then the running peer (or why not).
    fn restarting_ui(&mut self, ui: &mut Ui) {
        let Stage::Restarting { pending, difficulty } = &self.stage else { return };
        if let Some(outcome) = pending.poll() {
            self.stage = match outcome {
                Ok(running) => {
                    self.toasts.push(Tone::Info, format!("Started again at difficulty {difficulty}"));
                    Stage::Running(Box::new(Session::new(running, ui.ctx())))
                }
                Err(error) => Stage::Failed(error),
            };
            return;
        }
        egui::CentralPanel::default().show(ui, |ui| {
            ui.centered_and_justified(|ui| {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(&pending.what);
                });
            });
        });
    }

    fn main_ui(&mut self, ui: &mut Ui) {
        // Taken out while drawing, so the views can borrow the rest of the app.
        let stage = std::mem::replace(&mut self.stage, Stage::Closed);
        if let Stage::Running(session) = &stage {
            self.session_ui(ui, session);
        }
        self.stage = stage;
    }

    fn session_ui(&mut self, ui: &mut Ui, session: &Session) {
        egui::Panel::top("menu").show(ui, |ui| self.menu(ui, session));
        let asked = egui::Panel::bottom("status").show(ui, |ui| status::ui(ui, session)).inner;
        if let Some(reason) = session.engine().failure() {
            self.recovery = self.recovery.or(recovery::stopped_modal(ui.ctx(), session, &reason));
        }
        self.recovery = self.recovery.or(asked);
        egui::Panel::left("navigation").resizable(false).exact_size(236.0).show(ui, |ui| {
            self.navigation(ui, session);
            ui.add_space(8.0);
            ui.separator();
            self.actions.ui(ui, session.engine());
        });
        egui::CentralPanel::default().show(ui, |ui| match self.view {
            View::Chain => self.chain.ui(ui, session.snapshot()),
            View::Peers => self.peers.ui(ui, session.snapshot(), session.version()),
            View::Mining => self.mining.ui(ui, session),
            View::Consensus => consensus::ui(ui, session),
            View::Forks => self.forks.ui(ui, session),
            View::Log => self.log.ui(ui, self.log_buffer.as_ref()),
        });
    }

    fn navigation(&mut self, ui: &mut Ui, session: &Session) {
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if let Some(logo) = &self.logo {
                ui.add(egui::Image::new(logo).fit_to_exact_size(egui::vec2(32.0, 32.0)));
            }
            ui.heading(RichText::new("Blockpeer").strong());
        });
        ui.add_space(8.0);
        let snapshot = session.snapshot();
        for view in View::ALL {
            let count = match view {
                View::Chain => snapshot.height.to_string(),
                View::Peers => snapshot.peers.len().to_string(),
                View::Mining if snapshot.mining => "on".to_owned(),
                View::Forks if !snapshot.record.reorgs().is_empty() => snapshot.record.reorgs().len().to_string(),
                _ => String::new(),
            };
            let selected = self.view == view;
            let button = egui::Button::selectable(selected, RichText::new(view.title()).size(15.0))
                .right_text(RichText::new(count).color(theme::palette(ui).muted))
                .min_size(egui::vec2(ui.available_width(), 30.0));
            if ui.add(button).clicked() {
                self.view = view;
            }
        }
    }

    fn menu(&mut self, ui: &mut Ui, session: &Session) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Export the chain as JSON…").clicked() {
                    self.exports.start(Export::Chain, session.snapshot().clone(), ui.ctx());
                }
                if ui.button("Export the peers as CSV…").clicked() {
                    self.exports.start(Export::Peers, session.snapshot().clone(), ui.ctx());
                }
                if ui.button("Export the forks and history as JSON…").clicked() {
                    self.exports.start(Export::Forks, session.snapshot().clone(), ui.ctx());
                }
                let url = session.running().web_url.as_deref();
                if ui.add_enabled(url.is_some(), egui::Button::new("Open the web page")).clicked()
                    && let Some(url) = url
                {
                    ui.ctx().open_url(egui::OpenUrl::new_tab(url));
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("View", |ui| {
                for view in View::ALL {
                    ui.radio_value(&mut self.view, view, view.title());
                }
                ui.separator();
                let mut dark = self.prefs.dark;
                if ui.checkbox(&mut dark, "Dark theme").changed() {
                    self.set_dark(ui.ctx(), dark);
                }
                let zoom = ui.ctx().zoom_factor();
                for (label, factor) in [("Zoom in", zoom * 1.1), ("Zoom out", zoom / 1.1), ("Actual size", 1.0)] {
                    if ui.button(label).clicked() {
                        ui.ctx().set_zoom_factor(factor.clamp(0.5, 3.0));
                    }
                }
            });
            ui.menu_button("Network", |ui| {
                if ui.button("Flood now").clicked() {
                    session.engine().command(Command::FloodNow);
                }
                if ui.button("Run consensus now").clicked() {
                    session.engine().command(Command::ConsensusNow);
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let icon = if self.prefs.dark { "☀" } else { "🌙" };
                if ui.button(icon).on_hover_text("switch between light and dark").clicked() {
                    self.set_dark(ui.ctx(), !self.prefs.dark);
                }
            });
        });
    }
}

impl eframe::App for BlockpeerApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.first_frame.on_frame(ctx, frame, matches!(self.stage, Stage::Dialog { .. }));
        if let Some(bench) = &mut self.bench {
            match bench.frame(frame.info().cpu_usage) {
                BenchFrame::Show(view, offset) => {
                    self.view = view;
                    self.chain.scroll_to = Some(offset);
                    ctx.request_repaint();
                }
                BenchFrame::Done => {
                    self.bench = None;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
        }
        if let Stage::Running(session) = &mut self.stage
            && session.poll(&mut self.toasts)
        {
            ctx.request_repaint();
        }
        if let Some(recovery) = self.recovery.take() {
            self.recover(ctx, recovery);
        }
        self.exports.poll(&mut self.toasts);
        self.prefs.zoom = ctx.zoom_factor();
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        match &self.stage {
            Stage::Dialog { .. } => self.dialog_ui(ui),
            Stage::Running(_) => self.main_ui(ui),
            Stage::Restarting { .. } => self.restarting_ui(ui),
            Stage::Failed(error) => self.recovery = recovery::failed_page(ui, error),
            Stage::Closed => {}
        }
        self.toasts.show(ui.ctx());
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.prefs.save(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Dropping the session shuts the engine down and flushes the chain.
        if matches!(std::mem::replace(&mut self.stage, Stage::Closed), Stage::Running(_)) {
            tracing::info!("window closed; the peer has stopped");
        }
    }
}

/// The icon as a texture for the dialog and the navigation.
fn load_logo(ctx: &egui::Context) -> Option<egui::TextureHandle> {
    let icon = eframe::icon_data::from_png_bytes(crate::ICON_PNG).ok()?;
    let size = [usize::try_from(icon.width).ok()?, usize::try_from(icon.height).ok()?];
    let image = egui::ColorImage::from_rgba_unmultiplied(size, &icon.rgba);
    Some(ctx.load_texture("blockpeer-logo", image, egui::TextureOptions::LINEAR))
}
