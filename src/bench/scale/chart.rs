//! The chart of `bench scale --chart FILE`: cost per peer against network size, both
//! axes logarithmic, as a self-contained SVG (no fonts or libraries needed to draw it).
//! Measured sizes are filled dots on solid lines; extrapolated ones hollow dots on
//! dashed lines. Dotted guides show what grows as N and as N².

use super::Size;
use blockpeer_core::chain::Generation;
use std::fmt::Write;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 460.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 230.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 50.0;

/// One line of the chart: (peers, value, extrapolated) points.
struct Series {
    label: &'static str,
    color: &'static str,
    points: Vec<(f64, f64, bool)>,
}

/// The chart of a network of `generation` as an SVG document.
pub fn svg(sizes: &[Size], generation: Generation) -> String {
    let protocol = generation.join_type();
    let series = series(sizes);
    let all: Vec<(f64, f64)> = series.iter().flat_map(|s| s.points.iter().map(|(n, v, _)| (*n, *v))).collect();
    let (x0, x1) = decades(all.iter().map(|p| p.0));
    let (y0, y1) = decades(all.iter().map(|p| p.1));
    let plot = Plot { x0, x1, y0, y1 };
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{LEFT}" y="24" font-size="15" font-weight="bold">Blockpeer on SimNet: cost per peer against network size ({protocol} generation)</text>
"#
    );
    plot.axes(&mut out);
    plot.guides(&mut out, all.iter().copied().filter(|p| p.0 == 10f64.powi(x0)).map(|p| p.1).next());
    for (i, s) in series.iter().enumerate() {
        plot.line(&mut out, s);
        let y = TOP + 20.0 + 22.0 * i as f64;
        let x = WIDTH - RIGHT + 20.0;
        let _ = writeln!(out, r#"<circle cx="{x}" cy="{}" r="4" fill="{}"/>"#, y - 4.0, s.color);
        let _ = writeln!(out, r#"<text x="{}" y="{y}">{}</text>"#, x + 10.0, s.label);
    }
    let y = TOP + 20.0 + 22.0 * series.len() as f64 + 10.0;
    let x = WIDTH - RIGHT + 20.0;
    let _ = writeln!(out, r#"<text x="{x}" y="{y}" fill="gray">hollow, dashed: extrapolated</text>"#);
    let _ = writeln!(out, r#"<text x="{x}" y="{}" fill="gray">dotted: ∝ N and ∝ N²</text>"#, y + 18.0);
    out + "</svg>\n"
}

/// The decades (powers of ten) around the positive `values`.
fn decades(values: impl Iterator<Item = f64>) -> (i32, i32) {
    let (lo, hi) = values.filter(|v| *v > 0.0).fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (0, 1);
    }
    let lo = lo.log10().floor() as i32;
    (lo, (hi.log10().ceil() as i32).max(lo + 1))
}

fn series(sizes: &[Size]) -> Vec<Series> {
    let mut list = [
        Series { label: "datagrams in / peer / min", color: "#1f77b4", points: Vec::new() },
        Series { label: "KB in / peer / min", color: "#ff7f0e", points: Vec::new() },
        Series { label: "memory / node (KiB)", color: "#2ca02c", points: Vec::new() },
    ];
    for size in sizes {
        let m = &size.measured;
        let n = m.report.peers as f64;
        let figures = match (&size.extrapolated, m.report.per_peer.filter(|_| m.report.finished)) {
            (Some(e), _) => Some((e.per_peer, e.rss_per_node_kib, true)),
            (None, Some(p)) => Some((p, m.rss_per_node_kib, false)),
            (None, None) => None,
        };
        if let Some((p, rss, guessed)) = figures {
            list[0].points.push((n, p.datagrams_in, guessed));
            list[1].points.push((n, p.bytes_in / 1000.0, guessed));
            list[2].points.push((n, rss, guessed));
        }
    }
    list.into_iter().collect()
}

/// The plotting area: decades x0..x1 and y0..y1 (powers of ten).
struct Plot {
    x0: i32,
    x1: i32,
    y0: i32,
    y1: i32,
}

impl Plot {
    fn x(&self, n: f64) -> f64 {
        LEFT + (n.log10() - f64::from(self.x0)) / f64::from(self.x1 - self.x0) * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        let v = v.max(10f64.powi(self.y0));
        HEIGHT - BOTTOM - (v.log10() - f64::from(self.y0)) / f64::from(self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)
    }

    fn axes(&self, out: &mut String) {
        let (left, right, top, bottom) = (LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM);
        for d in self.x0..=self.x1 {
            let x = self.x(10f64.powi(d));
            let _ = writeln!(out, r##"<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#ddd"/>"##);
            let _ = writeln!(out, r#"<text x="{x}" y="{}" text-anchor="middle">{}</text>"#, bottom + 18.0, label(d));
        }
        for d in self.y0..=self.y1 {
            let y = self.y(10f64.powi(d));
            let _ = writeln!(out, r##"<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#ddd"/>"##);
            let _ = writeln!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, left - 8.0, y + 4.0, label(d));
        }
        let (width, height) = (right - left, bottom - top);
        let _ = writeln!(
            out,
            r#"<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="black"/>"#
        );
        let _ = writeln!(
            out,
            r#"<clipPath id="plot"><rect x="{left}" y="{top}" width="{width}" height="{height}"/></clipPath>"#
        );
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">peers in the network (N)</text>"#,
            (left + right) / 2.0,
            HEIGHT - 10.0
        );
    }

    /// Dotted lines ∝ N and ∝ N² from `start` at the smallest size, clipped to the plot.
    fn guides(&self, out: &mut String, start: Option<f64>) {
        let Some(v) = start else { return };
        let (n0, n1) = (10f64.powi(self.x0), 10f64.powi(self.x1));
        for power in [1, 2] {
            let _ = writeln!(
                out,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="gray" stroke-dasharray="2 4" clip-path="url(#plot)"/>"#,
                self.x(n0),
                self.y(v),
                self.x(n1),
                self.y(v * (n1 / n0).powi(power)),
            );
        }
    }

    fn line(&self, out: &mut String, s: &Series) {
        for pair in s.points.windows(2) {
            let ((na, va, _), (nb, vb, guessed)) = (pair[0], pair[1]);
            let dash = if guessed { r#" stroke-dasharray="6 4""# } else { "" };
            let _ = writeln!(
                out,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{dash}/>"#,
                self.x(na),
                self.y(va),
                self.x(nb),
                self.y(vb),
                s.color
            );
        }
        for (n, v, guessed) in &s.points {
            let fill = if *guessed { "white" } else { s.color };
            let _ = writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="4" fill="{fill}" stroke="{}" stroke-width="2"/>"#,
                self.x(*n),
                self.y(*v),
                s.color
            );
        }
    }
}

/// A power of ten, short: 1, 10, 100, 1k … 1G.
fn label(decade: i32) -> String {
    let units = ["", "k", "M", "G", "T"];
    match usize::try_from(decade) {
        Ok(d) if d / 3 < units.len() => format!("{}{}", 10u64.pow((d % 3) as u32), units[d / 3]),
        _ => format!("1e{decade}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::scale::child::Measured;
    use crate::bench::scale::{Estimate, Size};
    use blockpeer_core::testing::scale::{Rates, ScaleReport};

    fn size(peers: usize, per_peer: Option<Rates>, extrapolated: Option<Estimate>) -> Size {
        let report = ScaleReport { peers, finished: per_peer.is_some(), per_peer, ..ScaleReport::default() };
        let measured = Measured { report, wall_s: 1.0, rss_per_node_kib: 200.0, peak_rss_mib: 10.0 };
        Size { measured, extrapolated }
    }

    #[test]
    fn measured_sizes_are_filled_and_extrapolated_ones_hollow() {
        let rates = |d: f64| Rates { datagrams_in: d, datagrams_out: d, bytes_in: 100.0 * d, bytes_out: 100.0 * d };
        let estimate = Estimate { per_peer: rates(1e6), rss_per_node_kib: 900.0, wall_s: 1e5, exponent: 2.0 };
        let sizes =
            [size(10, Some(rates(300.0)), None), size(100, Some(rates(2e4)), None), size(1000, None, Some(estimate))];
        let svg = svg(&sizes, Generation::Flood);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches(r##"fill="white" stroke="#1f77b4""##).count(), 1, "one extrapolated point per line");
        assert_eq!(svg.matches(r##"fill="#1f77b4" stroke="#1f77b4""##).count(), 2);
        assert_eq!(svg.matches("stroke-dasharray=\"6 4\"").count(), 3, "one dashed segment per line");
        for label in ["10</text>", "1k</text>", "1M</text>"] {
            assert!(svg.contains(label), "{label}");
        }
    }
}
