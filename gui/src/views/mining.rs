//! Mining: start and stop, miner threads, CUDA (when there is a device), the job the
//! miners work on, the blocks we found, and the hashrate over the last ten minutes.

use crate::fmt;
use crate::hashrate::WINDOW_SECS;
use crate::session::Session;
use crate::theme;
use blockpeer_core::node::{Command, MinerStats};
use eframe::egui::{self, RichText, Ui};
use egui_plot::{GridInput, GridMark, HoverPosition, Legend, Line, Plot};

/// The mining view's state: the threads slider while it is being dragged.
#[derive(Default)]
pub struct MiningView {
    threads: Option<usize>,
}

impl MiningView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session) {
        let snapshot = session.snapshot();
        let palette = theme::palette(ui);
        ui.heading("Mining");
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let (label, color) =
                if snapshot.mining { ("Stop mining", palette.ok) } else { ("Start mining", palette.muted) };
            let status = RichText::new(fmt::mining(snapshot)).color(color);
            if ui.add(egui::Button::new(RichText::new(label).strong()).min_size(egui::vec2(120.0, 28.0))).clicked() {
                session.engine().command(Command::SetMining(!snapshot.mining));
            }
            ui.label(status);
        });
        ui.add_space(4.0);
        egui::Grid::new("miner_settings").num_columns(2).spacing([16.0, 8.0]).show(ui, |ui| {
            let label = ui.label("Threads");
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).max(snapshot.miner.threads);
            let mut threads = self.threads.unwrap_or(snapshot.miner.threads.max(1));
            ui.horizontal(|ui| {
                let slider = ui.add(egui::Slider::new(&mut threads, 1..=cores).show_value(false)).labelled_by(label.id);
                if slider.dragged() {
                    self.threads = Some(threads);
                } else if slider.changed() || slider.drag_stopped() {
                    self.threads = None;
                    session.engine().set_threads(threads);
                }
                ui.label(format!("{threads} of {cores} cores"));
            });
            ui.end_row();
            ui.label("CUDA");
            ui.horizontal(|ui| cuda_switch(ui, session, &snapshot.miner));
            ui.end_row();
            ui.label("Kernel");
            ui.label(if snapshot.miner.backend.is_empty() { "—" } else { &snapshot.miner.backend });
            ui.end_row();
            ui.label("Blocks found by us");
            ui.label(RichText::new(snapshot.blocks_mined.to_string()).strong());
            ui.end_row();
            ui.label("Current job");
            match &snapshot.job {
                Some(job) => ui.label(format!(
                    "block {} at difficulty {}: {}",
                    job.height,
                    job.difficulty,
                    job.messages.join(" · ")
                )),
                None if snapshot.mining => ui.label(RichText::new("waiting for words to mine").color(palette.muted)),
                None => ui.label(RichText::new("none").color(palette.muted)),
            };
            ui.end_row();
            ui.label("Words waiting");
            ui.label(match snapshot.pending_count {
                0 => "none".to_owned(),
                n => format!("{n}: {}", snapshot.pending_words.iter().take(8).cloned().collect::<Vec<_>>().join(" · ")),
            });
            ui.end_row();
        });
        ui.add_space(8.0);
        ui.label(RichText::new("Hashrate, last 10 minutes").strong());
        chart(ui, session);
    }
}

/// The CUDA switch: on asks the engine to open the GPU (the CPU threads mine until
/// it is ready); beside it the device and its rate, or why CUDA is not available.
fn cuda_switch(ui: &mut Ui, session: &Session, miner: &MinerStats) {
    let mut on = miner.cuda.is_some();
    if ui.checkbox(&mut on, "Mine on the GPU").changed() {
        session.engine().set_cuda(on);
    }
    let palette = theme::palette(ui);
    match (&miner.cuda, &miner.cuda_error) {
        (Some(cuda), _) if cuda.ready => {
            ui.label(format!("{} · {}", cuda.device, crate::fmt::hashrate(cuda.hashrate)));
        }
        (Some(_), _) => {
            ui.label(RichText::new("opening the GPU and compiling the kernel…").color(palette.muted));
        }
        (None, Some(error)) => {
            ui.label(RichText::new(error).small().color(palette.bad));
        }
        (None, None) => {}
    }
}

fn chart(ui: &mut Ui, session: &Session) {
    let palette = theme::palette(ui);
    let now = session.secs();
    let history = session.history();
    let (cpu, cuda) = (history.cpu(now), history.cuda(now));
    // At least 1 kH/s tall, so an idle miner's flat line sits on a readable axis.
    let top = cpu.iter().chain(&cuda).map(|p| p[1]).fold(1000.0, f64::max) * 1.15;
    Plot::new("hashrate")
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .default_x_bounds(-WINDOW_SECS, 12.0)
        .include_y(0.0)
        .include_y(top)
        .x_grid_spacer(minutes)
        .x_axis_formatter(|mark, _| match mark.value {
            v if v.abs() < 0.5 => "now".to_owned(),
            v => format!("{} min", (v / 60.0).round()),
        })
        .y_axis_formatter(|mark, _| if mark.value < 0.0 { String::new() } else { fmt::hashrate(mark.value) })
        .label_formatter(|position| match position {
            HoverPosition::NearDataPoint { plot_name, position, .. } => {
                Some(format!("{plot_name}: {} ({} s ago)", fmt::hashrate(position.y), (-position.x).round()))
            }
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            plot.line(Line::new("CPU", cpu).color(palette.cpu).width(2.0));
            plot.line(Line::new("CUDA", cuda).color(palette.cuda).width(2.0));
        });
}

/// Grid lines every minute, stronger every five.
fn minutes(input: GridInput) -> Vec<GridMark> {
    let (first, last) = ((input.bounds.0 / 60.0).ceil() as i64, (input.bounds.1 / 60.0).floor() as i64);
    (first..=last)
        .map(|m| GridMark { value: m as f64 * 60.0, step_size: if m % 5 == 0 { 300.0 } else { 60.0 } })
        .collect()
}
