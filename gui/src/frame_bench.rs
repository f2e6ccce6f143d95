//! The frame-time benchmark behind `blockpeer bench gui`: the window scrolls through
//! the chain, then shows the peer table and graph, then the Forks view, timing every frame from one start
//! to the next (layout, painting and the renderer), and reports mean and 95th
//! percentile before it closes.

use crate::views::View;
use crossbeam_channel::Sender;
use std::time::Instant;

/// Frames not counted at the start of each phase (fonts, first layout).
const WARMUP: usize = 10;
/// Points the chain list moves each frame: a fresh page of rows every frame.
const SCROLL_PER_FRAME: f32 = 997.0;

/// What to measure and where to report it.
pub struct BenchPlan {
    /// Frames measured per phase.
    pub frames: usize,
    /// Receives the figures when done.
    pub report: Sender<Vec<FrameTimes>>,
}

/// Frame times of one phase.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameTimes {
    /// What was on screen.
    pub phase: &'static str,
    /// Frames measured.
    pub frames: usize,
    /// Mean frame time, milliseconds.
    pub mean_ms: f64,
    /// 95th percentile, milliseconds.
    pub p95_ms: f64,
    /// Mean time the window's thread spent on a frame (layout, tessellation and
    /// handing it to OpenGL), as eframe measures it; the rest is the renderer.
    pub cpu_ms: f64,
}

const PHASES: [(&str, View); 3] = [
    ("chain view, scrolling", View::Chain),
    ("peers view, table and graph", View::Peers),
    ("forks view, branches and history", View::Forks),
];

/// The benchmark's progress.
pub struct FrameBench {
    plan: BenchPlan,
    phase: usize,
    frame: usize,
    last: Option<Instant>,
    samples: Vec<f64>,
    cpu: Vec<f64>,
    results: Vec<FrameTimes>,
}

/// What the next frame shows.
pub enum BenchFrame {
    /// Show `view`; scroll the chain to the offset.
    Show(View, f32),
    /// Done: the figures were sent; close the window.
    Done,
}

impl FrameBench {
    /// Starts measuring.
    pub fn new(plan: BenchPlan) -> Self {
        Self { plan, phase: 0, frame: 0, last: None, samples: Vec::new(), cpu: Vec::new(), results: Vec::new() }
    }

    /// Called as each frame starts, with the CPU time eframe measured for the last one.
    pub fn frame(&mut self, cpu_secs: Option<f32>) -> BenchFrame {
        let now = Instant::now();
        if let Some(last) = self.last.replace(now)
            && self.frame > WARMUP
        {
            self.samples.push(now.duration_since(last).as_secs_f64() * 1000.0);
            self.cpu.extend(cpu_secs.map(|s| f64::from(s) * 1000.0));
        }
        if self.samples.len() >= self.plan.frames {
            let cpu = std::mem::take(&mut self.cpu);
            let mut times = summarise(PHASES[self.phase].0, std::mem::take(&mut self.samples));
            times.cpu_ms = cpu.iter().sum::<f64>() / cpu.len().max(1) as f64;
            self.results.push(times);
            self.phase += 1;
            self.frame = 0;
        }
        let Some(&(_, view)) = PHASES.get(self.phase) else {
            let _ = self.plan.report.send(std::mem::take(&mut self.results));
            return BenchFrame::Done;
        };
        self.frame += 1;
        BenchFrame::Show(view, self.frame as f32 * SCROLL_PER_FRAME)
    }
}

fn summarise(phase: &'static str, mut samples: Vec<f64>) -> FrameTimes {
    samples.sort_by(f64::total_cmp);
    let frames = samples.len();
    let mean_ms = samples.iter().sum::<f64>() / frames.max(1) as f64;
    let p95_ms = samples.get((frames * 95 / 100).min(frames.saturating_sub(1))).copied().unwrap_or(0.0);
    FrameTimes { phase, frames, mean_ms, p95_ms, cpu_ms: 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let times = summarise("x", (1..=100).map(f64::from).collect());
        assert_eq!((times.frames, times.mean_ms, times.p95_ms), (100, 50.5, 96.0));
    }
}
