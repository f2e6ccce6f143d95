//! How numbers, times, hashes and peers are written in the window, in one place.

use blockpeer_core::node::{Learned, PeerView, Snapshot, Traffic};

/// The first `n` characters of `hash` (all of it when shorter).
pub fn short(hash: &str, n: usize) -> &str {
    blockpeer_core::chain::prefix_chars(hash, n)
}

/// `12.3 MH/s`-style hash rates.
pub fn hashrate(per_sec: f64) -> String {
    scaled(per_sec, "H/s")
}

/// `1.2 kB`-style byte counts.
pub fn bytes(count: u64) -> String {
    scaled(count as f64, "B")
}

fn scaled(value: f64, unit: &str) -> String {
    const PREFIXES: [&str; 5] = ["", "k", "M", "G", "T"];
    let mut value = value;
    let mut prefix = 0;
    while value >= 1000.0 && prefix < PREFIXES.len() - 1 {
        value /= 1000.0;
        prefix += 1;
    }
    if prefix == 0 { format!("{value:.0} {unit}") } else { format!("{value:.1} {}{unit}", PREFIXES[prefix]) }
}

/// `4 s`, `3 min 20 s`, `2 h 5 min` — a span a person reads at a glance.
pub fn duration(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// `4 s ago`, or `just now`.
pub fn ago(secs: f64) -> String {
    if secs < 1.0 { "just now".to_owned() } else { format!("{} ago", duration(secs)) }
}

/// How long before `now` (Unix seconds) a block was mined at `timestamp`, as a person
/// says it: `45 s ago`, `3 min ago`, `2 h ago`, `12 days ago`; `in the future` for
/// clocks ahead of ours.
pub fn mined_ago(timestamp: u64, now: u64) -> String {
    let Some(secs) = now.checked_sub(timestamp) else {
        return "in the future".to_owned();
    };
    match secs {
        0..60 => format!("{secs} s ago"),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// When a block was mined, in local time with how long ago:
/// `2023-11-06 12:02:29 (3 min ago)`. A timestamp no calendar holds is shown as is.
pub fn mined_at(timestamp: u64, now: u64) -> String {
    let local = i64::try_from(timestamp)
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|utc| utc.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string());
    match local {
        Some(local) => format!("{local} ({})", mined_ago(timestamp, now)),
        None => format!("Unix time {timestamp}"),
    }
}

/// The local time of day at Unix second `at`: `12:03:04` (empty if no calendar holds it).
pub fn clock(at: f64) -> String {
    chrono::DateTime::from_timestamp(at.floor() as i64, 0)
        .map(|utc| utc.with_timezone(&chrono::Local).format("%H:%M:%S").to_string())
        .unwrap_or_default()
}

/// When something happened at Unix second `at`, seen at `now`: `12:03:04 (3 min ago)`.
pub fn when(at: f64, now: f64) -> String {
    format!("{} ({})", clock(at), ago(now - at))
}

/// Unix seconds now, with fractions.
pub fn unix_now_f64() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Unix seconds now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What the miner is doing, in a few words.
pub fn mining(snapshot: &Snapshot) -> String {
    match (snapshot.mining, &snapshot.job) {
        (false, _) => "not mining".to_owned(),
        (true, None) => "mining: waiting for words".to_owned(),
        (true, Some(_)) => format!("mining at {}", hashrate(snapshot.miner.hashrate)),
    }
}

/// How we came to know a peer.
pub fn learned(learned: &Learned) -> String {
    match learned {
        Learned::WellKnown => "well-known peer".to_owned(),
        Learned::Flood => "its FLOOD".to_owned(),
        Learned::ForwardedBy(addr) => format!("via {addr}"),
        Learned::FloodReply => "reply to our FLOOD".to_owned(),
        Learned::Manual => "added by hand".to_owned(),
    }
}

/// A peer's traffic over all message types.
pub fn traffic(peer: &PeerView) -> Traffic {
    peer.traffic.values().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_at_a_glance() {
        assert_eq!(short("abcdef", 4), "abcd");
        assert_eq!(short("ab", 4), "ab");
        assert_eq!(hashrate(950.0), "950 H/s");
        assert_eq!(hashrate(12_345_678.0), "12.3 MH/s");
        assert_eq!(bytes(1_500), "1.5 kB");
        assert_eq!(duration(59.4), "59 s");
        assert_eq!(duration(200.0), "3 min 20 s");
        assert_eq!(duration(7500.0), "2 h 5 min");
        assert_eq!(ago(0.2), "just now");
    }

    #[test]
    fn mining_times_read_as_a_person_says_them() {
        let now = 1_700_000_000;
        assert_eq!(mined_ago(now - 45, now), "45 s ago");
        assert_eq!(mined_ago(now - 200, now), "3 min ago");
        assert_eq!(mined_ago(now - 7300, now), "2 h ago");
        assert_eq!(mined_ago(now - 30 * 86_400, now), "30 days ago");
        assert_eq!(mined_ago(now + 5, now), "in the future");
        let at = mined_at(now - 180, now);
        assert!(at.starts_with("2023-11-1") && at.ends_with(" (3 min ago)"), "{at}");
        assert_eq!(mined_at(u64::MAX, now), format!("Unix time {}", u64::MAX));
    }
}
