//! `blockpeer --version`: what a bug report needs — the version, the commit it was built
//! from (build.rs) and the CPU kernel its miner threads use here. Choosing the kernel
//! times the candidates once (a few milliseconds), so only `--version` pays for it,
//! never a plain start.

/// The commit the binary was built from (`BLOCKPEER_COMMIT` or git), or "unknown".
pub const COMMIT: &str = env!("BLOCKPEER_COMMIT");
/// The date of that commit (or `SOURCE_DATE_EPOCH`'s), `YYYY-MM-DD`, or "unknown".
pub const DATE: &str = env!("BLOCKPEER_DATE");

/// The text `blockpeer --version` prints.
pub fn text() -> String {
    let chosen = blockpeer_core::miner::cpu_kernel();
    let candidates = blockpeer_core::miner::cpu_kernels().join(", ");
    format!(
        "blockpeer {}\ncommit: {COMMIT} ({DATE})\ncpu kernel: {chosen} (the fastest here of: {candidates})\n",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_version_the_commit_and_a_kernel_this_cpu_runs() {
        let text = text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("blockpeer {}", env!("CARGO_PKG_VERSION")));
        assert!(lines[1].starts_with("commit: ") && lines[1].len() > "commit: ".len(), "{text}");
        let kernel = lines[2].strip_prefix("cpu kernel: ").and_then(|k| k.split(' ').next()).unwrap_or_default();
        assert!(blockpeer_core::miner::cpu_kernels().contains(&kernel), "{text}");
    }
}
