//! The tables of `bench scale`, in Markdown (docs/SCALE.md takes them as printed): the
//! figures per size, the datagrams each peer receives by message type, how the new
//! blocks reached the peers (and the slowest blocks, one by one), and a note on every
//! size that had to be stopped.

use super::Size;
use blockpeer_core::testing::scale::{BLOCK_REACH_PERCENT, LEARN_PERCENT, Rates, ScaleReport};
use std::collections::BTreeSet;
use std::fmt::Write;

/// All tables, with the scenario line above them.
pub fn render(sizes: &[Size], params: &str) -> String {
    let mut out = format!("{params}\n\n");
    let _ = writeln!(
        out,
        "| peers | datagrams in / out per peer per min | KB in / out per peer per min | busiest peer, datagrams per \
         min | new block to {BLOCK_REACH_PERCENT} % of peers: median / p90 / p99 / max (s) | joining peer: knows \
         {LEARN_PERCENT} % (s) | joining peer: holds the chain (s, blocks) | memory per node (KiB) | wall (s) |"
    );
    out += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for size in sizes {
        out += &row(size);
    }
    out += &by_kind(sizes);
    out += &paths(sizes);
    for size in sizes.iter().filter(|s| !s.measured.report.finished) {
        out += &stopped_note(size);
    }
    out
}

fn row(size: &Size) -> String {
    let m = &size.measured;
    let r = &m.report;
    let seconds = |s: Option<f64>| s.map_or("—".to_owned(), |s| format!("{s:.3}"));
    if let Some(e) = &size.extrapolated {
        return format!(
            "| {} (stopped) | {} | — | — | — | — | ~{} | ~{} projected |\n",
            r.peers,
            traffic(&e.per_peer, "~"),
            num(e.rss_per_node_kib),
            duration(e.wall_s),
        );
    }
    let Some(p) = r.per_peer.filter(|_| r.finished) else {
        return format!("| {} (stopped) | — | — | — | — | — | — | — | {:.0} |\n", r.peers, m.wall_s);
    };
    format!(
        "| {} | {} | {} | {} / {} / {} / {} ({} of {} blocks) | {} | {} ({}) | {} | {:.1} |\n",
        r.peers,
        traffic(&p, ""),
        r.busiest_peer.map_or("—".to_owned(), num),
        seconds(r.spread_median_s),
        seconds(r.spread_p90_s),
        seconds(r.spread_p99_s),
        seconds(r.spread_max_s),
        r.blocks_spread,
        r.blocks_mined - r.blocks_lost,
        seconds(r.learn_s),
        seconds(r.sync_s),
        r.sync_blocks,
        num(m.rss_per_node_kib),
        m.wall_s,
    )
}

/// The datagram and kilobyte cells of a row, each figure marked with `mark`.
fn traffic(p: &Rates, mark: &str) -> String {
    let pair = |a: f64, b: f64| format!("{mark}{} / {mark}{}", num(a), num(b));
    format!("{} | {}", pair(p.datagrams_in, p.datagrams_out), pair(p.bytes_in / 1000.0, p.bytes_out / 1000.0))
}

/// Datagrams in per peer per minute, by message type, for the sizes that finished.
fn by_kind(sizes: &[Size]) -> String {
    let finished: Vec<&Size> = sizes.iter().filter(|s| s.measured.report.finished).collect();
    let kinds: BTreeSet<&str> =
        finished.iter().flat_map(|s| s.measured.report.by_kind.keys().map(String::as_str)).collect();
    if kinds.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nDatagrams received per peer per minute, by message type:\n\n| peers |");
    for kind in &kinds {
        let _ = write!(out, " {kind} |");
    }
    out += &format!("\n|---:|{}\n", "---:|".repeat(kinds.len()));
    for size in finished {
        let r = &size.measured.report;
        let _ = write!(out, "| {} |", r.peers);
        for kind in &kinds {
            let _ = write!(out, " {} |", r.by_kind.get(*kind).map_or("0".to_owned(), |k| num(k.datagrams_in)));
        }
        out += "\n";
    }
    out
}

/// How each peer's copy of each new block reached it, in percent of the copies the
/// other peers should hold, and the slowest blocks of each size one by one.
fn paths(sizes: &[Size]) -> String {
    let finished: Vec<&ScaleReport> =
        sizes.iter().map(|s| &s.measured.report).filter(|r| r.finished && r.blocks_mined > 0).collect();
    if finished.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nHow the new blocks reached the other peers, in % of the copies they should hold (each peer × each \
         block of the chain):\n\n| peers | blocks in the chain / lost to a fork | the miner's ANNOUNCE | a relayed \
         ANNOUNCE | a repair | a sync after a consensus round | not by the end of the run |\n|---:|---:|---:|---:|\
         ---:|---:|---:|\n",
    );
    for r in &finished {
        let kept = r.blocks_mined - r.blocks_lost;
        let due = (kept * r.peers.saturating_sub(1)).max(1) as f64;
        let p = r.paths;
        let share = |n: u64| format!("{:.2}", 100.0 * n as f64 / due);
        let _ = writeln!(
            out,
            "| {} | {} / {} | {} | {} | {} | {} | {} |",
            r.peers,
            kept,
            r.blocks_lost,
            share(p.announce),
            share(p.relay),
            share(p.repair),
            share(p.sync),
            share((due as u64).saturating_sub(p.total())),
        );
    }
    out += "\nThe slowest blocks of each size, with how their copies arrived (announce / relay / repair / sync):\n\n";
    for r in &finished {
        let mut slow: Vec<_> = r.blocks.iter().filter(|b| b.in_chain).collect();
        slow.sort_by(|a, b| b.reach_s.unwrap_or(f64::INFINITY).total_cmp(&a.reach_s.unwrap_or(f64::INFINITY)));
        let list: Vec<String> = slow
            .iter()
            .take(3)
            .map(|b| {
                let reach = b.reach_s.map_or("never".to_owned(), |s| format!("{s:.3} s"));
                let p = b.paths;
                format!("block {} in {reach} ({} / {} / {} / {})", b.height, p.announce, p.relay, p.repair, p.sync)
            })
            .collect();
        let _ = writeln!(out, "* {} peers: {}", r.peers, list.join("; "));
    }
    out
}

fn stopped_note(size: &Size) -> String {
    let m = &size.measured;
    let r = &m.report;
    let phase = if r.measured_minutes > 0.0 { "in the measured window" } else { "before the measured window" };
    let mut note = format!(
        "\n{} peers: stopped after {:.0} s of wall time at {:.1} s of virtual time ({phase}), having delivered {} \
         datagrams ({}/s).",
        r.peers,
        m.wall_s,
        r.simulated_secs,
        num(r.datagrams_delivered as f64),
        num(r.datagrams_delivered as f64 / m.wall_s.max(1e-9)),
    );
    match &size.extrapolated {
        Some(e) => {
            let _ = write!(
                note,
                " Figures marked ~ are extrapolated from the two largest sizes that finished: datagrams per peer grow \
                 as N^{:.2} there.",
                e.exponent
            );
        }
        None => note += " Run two smaller sizes with it (e.g. --peers 30,100,N) to extrapolate its figures.",
    }
    note + "\n"
}

/// A figure to three significant digits, thousands apart.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_owned();
    }
    let digits = if x.abs() >= 100.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    let magnitude = if x.abs() >= 1000.0 { 10f64.powi(x.abs().log10().floor() as i32 - 2) } else { 1.0 };
    let rounded = if digits == 0 { (x / magnitude).round() * magnitude } else { x };
    let rounded = format!("{rounded:.digits$}");
    let (int, frac) = rounded.split_once('.').map_or((rounded.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 && c.is_ascii_digit() {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    frac.map_or(grouped.clone(), |f| format!("{grouped}.{f}"))
}

/// Seconds as seconds, minutes, hours or days.
fn duration(s: f64) -> String {
    match s {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.0} h", s / 3600.0),
        s => format!("{:.0} days", s / 86_400.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_at_a_glance() {
        assert_eq!(num(854.4), "854");
        assert_eq!(num(88_257.0), "88 300");
        assert_eq!(num(1_234_567.0), "1 230 000");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(0.0197), "0.02");
        assert_eq!(duration(90.0), "90 s");
        assert_eq!(duration(5400.0), "90 min");
        assert_eq!(duration(90_000.0), "25 h");
    }
}
