//! The history chart of the Forks view: every peer's reported chain height over time —
//! a line each, coloured by how it stood with our chain at the time, as in the peer
//! graph —, our own height over them, and the consensus rounds and reorganisations as
//! marks on the time axis: hover a round for the chains it was offered, a
//! reorganisation for what it cost. Peers split and converge before your eyes.

use super::fork_words::{reorg_card, round_card};
use super::peers::PeerState;
use crate::{fmt, theme};
use blockpeer_core::node::Snapshot;
use blockpeer_core::node::record::{HeightPoint, Reorg, RoundMark};
use eframe::egui::{self, Align2, Color32, FontId, Rect, RichText, Sense, Stroke, Ui, vec2};
use egui_plot::{HoverPosition, Line, Plot, PlotTransform, VLine};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Height of the strip of marks under the chart.
const MARKS: f32 = 22.0;

/// How much of the record the chart spans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Span {
    /// The last ten minutes.
    #[default]
    TenMinutes,
    /// The last hour.
    Hour,
    /// Everything the record holds.
    All,
}

impl Span {
    const ALL: [Span; 3] = [Span::TenMinutes, Span::Hour, Span::All];

    fn label(self) -> &'static str {
        match self {
            Span::TenMinutes => "10 min",
            Span::Hour => "1 h",
            Span::All => "all",
        }
    }

    fn seconds(self) -> Option<f64> {
        match self {
            Span::TenMinutes => Some(600.0),
            Span::Hour => Some(3600.0),
            Span::All => None,
        }
    }
}

/// The chart's state: the span shown.
#[derive(Default)]
pub struct TimelineChart {
    span: Span,
}

/// A run of a series at one standing, as points of a step line.
struct Run {
    state: Option<PeerState>,
    points: Vec<[f64; 2]>,
}

impl TimelineChart {
    /// Draws the chart of `snapshot`'s record at wall-clock `now` (Unix seconds).
    pub fn ui(&mut self, ui: &mut Ui, snapshot: &Snapshot, now: f64) {
        let palette = theme::palette(ui);
        let history = snapshot.record.history();
        let earliest = history
            .peers
            .values()
            .chain([&history.own])
            .filter_map(|s| s.points.front())
            .map(|p| p.at)
            .fold(now, f64::min);
        // A record younger than the span starts at its first point, not in the empty past.
        let since = self.span.seconds().map_or(earliest, |span| (now - span).max(earliest));
        ui.horizontal(|ui| {
            ui.label(RichText::new("Chain height over time").strong());
            for span in Span::ALL {
                ui.selectable_value(&mut self.span, span, span.label());
            }
            legend(ui);
        });
        let present: BTreeSet<String> = snapshot.peers.iter().map(|p| p.address.clone()).collect();
        // Seconds a pixel of the chart spans: finer detail than that cannot be seen.
        let pixel = (now - since).max(1.0) / f64::from(ui.available_width().max(1.0));
        let mut lines = Vec::new();
        for (addr, series) in &history.peers {
            let name = if series.name.is_empty() { addr.to_string() } else { series.name.clone() };
            let end =
                if present.contains(&addr.to_string()) { now } else { series.points.back().map_or(now, |p| p.at) };
            for run in runs(&series.points, (since, end, pixel), |p| Some(PeerState::of_standing(p.standing))) {
                let color = run.state.map_or(palette.muted, |s| s.color(&palette));
                lines.push(Line::new(name.clone(), run.points).color(color).width(1.5).allow_band(false));
            }
        }
        for run in runs(&history.own.points, (since, now, pixel), |_| None) {
            let you = ui.visuals().strong_text_color();
            lines.push(Line::new("you", run.points).color(you).width(2.5).allow_band(false));
        }
        let rounds: Vec<_> = snapshot.record.rounds().iter().filter(|r| r.at >= since).cloned().collect();
        let reorgs: Vec<_> = snapshot.record.reorgs().iter().filter(|r| r.at >= since).cloned().collect();
        let height = (ui.available_height() - MARKS - 8.0).max(120.0);
        let plot = Plot::new("forks_history")
            .height(height)
            .allow_scroll(false)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_boxed_zoom(false)
            .include_x(since)
            .include_x(now)
            .x_axis_formatter(|mark, _| fmt::clock(mark.value))
            .y_axis_formatter(|mark, _| {
                if mark.value < 0.0 || mark.value.fract() != 0.0 { String::new() } else { format!("{}", mark.value) }
            })
            .label_formatter(|position| match position {
                HoverPosition::NearDataPoint { plot_name, position, .. } => {
                    Some(format!("{plot_name}: height {} at {}", position.y.round(), fmt::clock(position.x)))
                }
                HoverPosition::Elsewhere { .. } => None,
            })
            .show(ui, |plot| {
                for round in &rounds {
                    plot.vline(
                        VLine::new("consensus round", round.at).color(palette.muted.gamma_multiply(0.5)).width(1.0),
                    );
                }
                for reorg in &reorgs {
                    plot.vline(VLine::new("reorganisation", reorg.at).color(palette.bad).width(1.5));
                }
                for line in lines {
                    plot.line(line);
                }
            });
        marks(ui, &plot.transform, &rounds, &reorgs, snapshot);
    }
}

/// The step lines of `points` from `since` to `end`, split where `state` changes. Points
/// closer than `pixel` seconds to where the last step began replace it: a chart never
/// holds more steps than it has pixels across, however many points a burst of reports
/// added (what lay between is narrower than a pixel).
fn runs(
    points: &std::collections::VecDeque<HeightPoint>,
    (since, end, pixel): (f64, f64, f64),
    state: impl Fn(&HeightPoint) -> Option<PeerState>,
) -> Vec<Run> {
    let first = points.partition_point(|p| p.at < since).saturating_sub(1);
    let mut runs: Vec<Run> = Vec::new();
    let shown: Vec<&HeightPoint> = points.range(first..).collect();
    for (i, point) in shown.iter().enumerate() {
        let start = point.at.max(since);
        let stop = shown.get(i + 1).map_or(end, |next| next.at);
        if stop < since {
            continue;
        }
        let y = point.height as f64;
        let here = state(point);
        match runs.last_mut() {
            Some(run) if run.state == here => match run.points.as_mut_slice() {
                [.., [began, last_y], [last_stop, stop_y]] if start - *began < pixel => {
                    (*last_y, *last_stop, *stop_y) = (y, stop, y);
                }
                _ => run.points.extend([[start, y], [stop, y]]),
            },
            Some(run) => {
                // The step up or down belongs to the new run, joined to the old one.
                let joint = run.points.last().copied().unwrap_or([start, y]);
                runs.push(Run { state: here, points: vec![joint, [start, y], [stop, y]] });
            }
            None => runs.push(Run { state: here, points: vec![[start, y], [stop, y]] }),
        }
    }
    runs
}

/// The legend: what each colour means.
fn legend(ui: &mut Ui) {
    let palette = theme::palette(ui);
    ui.add_space(12.0);
    for (color, text) in PeerState::ALL
        .iter()
        .filter(|s| **s != PeerState::Stale)
        .map(|s| (s.color(&palette), s.text()))
        .chain([(ui.visuals().strong_text_color(), "you")])
    {
        let (rect, _) = ui.allocate_exact_size(vec2(14.0, 10.0), Sense::hover());
        ui.painter().line_segment([rect.left_center(), rect.right_center()], Stroke::new(3.0, color));
        ui.label(RichText::new(text).small().color(palette.muted));
    }
}

/// The rounds (◆) and reorganisations (▼ with their depth) on the chart's time axis,
/// each with a tooltip.
fn marks(
    ui: &mut Ui,
    transform: &PlotTransform,
    rounds: &[Arc<RoundMark>],
    reorgs: &[Arc<Reorg>],
    snapshot: &Snapshot,
) {
    let palette = theme::palette(ui);
    let (strip, _) = ui.allocate_exact_size(vec2(ui.available_width(), MARKS), Sense::hover());
    let strip = Strip { transform, y: strip.center().y };
    for round in rounds {
        let label = format!("Consensus round at {}", fmt::clock(round.at));
        strip.mark(ui, round.at, ("◆".to_owned(), 10.0, palette.muted), &label, |ui| round_card(ui, round, snapshot));
    }
    for reorg in reorgs {
        let label = format!("Reorganisation at {}", fmt::clock(reorg.at));
        strip
            .mark(ui, reorg.at, (format!("▼{}", reorg.depth), 24.0, palette.bad), &label, |ui| reorg_card(ui, reorg));
    }
}

/// The strip of marks under the chart, on its time axis.
struct Strip<'a> {
    transform: &'a PlotTransform,
    y: f32,
}

impl Strip<'_> {
    /// Draws `text` (`width` wide, in `color`; the accent while hovered) at time `at`,
    /// named `label` for assistive technology, with `card` as its tooltip.
    fn mark(
        &self,
        ui: &mut Ui,
        at: f64,
        (text, width, color): (String, f32, Color32),
        label: &str,
        card: impl FnOnce(&mut Ui),
    ) {
        let frame = self.transform.frame();
        let x = self.transform.position_from_point_x(at);
        if x < frame.left() - 1.0 || x > frame.right() + 1.0 {
            return;
        }
        let rect = Rect::from_center_size(egui::pos2(x, self.y), vec2(width, MARKS - 4.0));
        let response = ui.interact(rect, ui.make_persistent_id((label, at.to_bits())), Sense::hover());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, label));
        let color = if response.hovered() { theme::palette(ui).accent } else { color };
        ui.painter().text(rect.center(), Align2::CENTER_CENTER, text, FontId::monospace(11.0), color);
        response.on_hover_ui(card);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blockpeer_core::node::Standing;
    use blockpeer_core::node::record::Via;
    use std::collections::VecDeque;

    fn series(points: &[(f64, u64)]) -> VecDeque<HeightPoint> {
        points.iter().map(|&(at, h)| HeightPoint::new(at, h, Some("ab"), Standing::Agrees, Via::Stats)).collect()
    }

    #[test]
    fn a_step_line_follows_every_point_a_pixel_apart() {
        let points = series(&[(10.0, 5), (20.0, 6), (30.0, 7)]);
        let runs = runs(&points, (0.0, 40.0, 1.0), |_| None);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].points, vec![[10.0, 5.0], [20.0, 5.0], [20.0, 6.0], [30.0, 6.0], [30.0, 7.0], [40.0, 7.0]]);
    }

    #[test]
    fn a_burst_within_a_pixel_is_one_step_to_its_last_height() {
        let burst: Vec<(f64, u64)> = (0..1_000u32).map(|i| (20.0 + f64::from(i) * 0.001, 6 + u64::from(i))).collect();
        let points = series(&[&[(10.0, 5)], burst.as_slice()].concat());
        let runs = runs(&points, (0.0, 40.0, 1.0), |_| None);
        assert_eq!(runs[0].points, vec![[10.0, 5.0], [20.0, 5.0], [20.0, 1005.0], [40.0, 1005.0]]);
    }

    #[test]
    fn a_change_of_standing_starts_a_run_joined_to_the_last() {
        let points = series(&[(10.0, 5), (10.2, 6), (30.0, 7)]);
        let runs = runs(&points, (0.0, 40.0, 1.0), |p| (p.height == 7).then_some(PeerState::Ahead));
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].points, vec![[10.0, 6.0], [30.0, 6.0]], "two points within a pixel: one step");
        assert_eq!(runs[1].points, vec![[30.0, 6.0], [30.0, 7.0], [40.0, 7.0]]);
    }
}
