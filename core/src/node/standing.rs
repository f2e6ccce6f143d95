//! Where a peer stands with our chain, from the last chain it told us of (a STATS
//! reply, or a block it announced): the same tip, behind on our chain, ahead, or on
//! another chain.
//!
//! A report is judged against our chain *as it was when the report came*: a peer that
//! was level with us then, on the blocks we still hold, agrees — our chain has only grown
//! since, and nothing says that it has not grown with us. Only a report that was already
//! short of our tip when it came makes a peer "behind".

use crate::chain::Chain;
use serde::Serialize;

/// The chain a peer last told us of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Its length (some peers send the top index: see [`standing`]).
    pub height: u64,
    /// Its tip; `None` for an empty chain.
    pub hash: Option<String>,
    /// Our chain's length when the report came.
    pub our_len: u64,
}

/// How a peer stands with us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// It has not told us its chain (or it has none).
    Unknown,
    /// Its tip is ours (or was, when it last told us, and our chain has only grown since).
    Agrees,
    /// Its tip is an earlier block of our chain.
    Behind {
        /// Blocks it lacks.
        by: u64,
    },
    /// It reports a longer chain than ours.
    Ahead {
        /// Blocks more than ours.
        by: u64,
    },
    /// Its tip is not a block of our chain.
    OtherChain,
}

/// How the peer that sent `report` stands with `chain`.
pub fn standing(report: Option<&Report>, chain: &Chain) -> Standing {
    let Some((report, hash)) = report.and_then(|r| r.hash.as_deref().map(|h| (r, h))).filter(|(r, _)| r.height > 0)
    else {
        return Standing::Unknown;
    };
    let ours = chain.len();
    let holds = |len: u64| len.checked_sub(1).and_then(|top| chain.get(top)).is_some_and(|b| b.hash == hash);
    // Most peers send their length; one sends its top index (PROTOCOL.md §8 #1).
    let len = [Some(report.height), report.height.checked_add(1)].into_iter().flatten().find(|len| holds(*len));
    match len {
        Some(len) if len == ours || len >= report.our_len => Standing::Agrees,
        Some(len) => Standing::Behind { by: ours - len },
        None if report.height > ours => Standing::Ahead { by: report.height - ours },
        None => Standing::OtherChain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::chain_of;

    fn report(height: u64, hash: Option<&str>, our_len: u64) -> Report {
        Report { height, hash: hash.map(str::to_owned), our_len }
    }

    #[test]
    fn a_report_is_judged_by_our_chain_when_it_came() {
        let chain = chain_of(5, 1, "m");
        let tip = |len: u64| chain.get(len - 1).map(|b| b.hash.clone()).unwrap_or_default();
        assert_eq!(standing(None, &chain), Standing::Unknown);
        assert_eq!(standing(Some(&report(0, None, 5)), &chain), Standing::Unknown);
        assert_eq!(standing(Some(&report(5, Some(&tip(5)), 5)), &chain), Standing::Agrees);
        // Level with us when it told us; we have added a block since.
        assert_eq!(standing(Some(&report(4, Some(&tip(4)), 4)), &chain), Standing::Agrees);
        // Already short of our tip when it told us.
        assert_eq!(standing(Some(&report(3, Some(&tip(3)), 5)), &chain), Standing::Behind { by: 2 });
        // Its top index rather than its length.
        assert_eq!(standing(Some(&report(4, Some(&tip(5)), 5)), &chain), Standing::Agrees);
        assert_eq!(standing(Some(&report(9, Some(&"0".repeat(64)), 5)), &chain), Standing::Ahead { by: 4 });
        assert_eq!(standing(Some(&report(3, Some(&"0".repeat(64)), 5)), &chain), Standing::OtherChain);
    }
}
