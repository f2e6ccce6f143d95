//! Where the forks are drawn: our chain as a main line (lane 0) and every side block in
//! a lane above it, at its height, joined to the block it was mined on; heights with
//! nothing to show between the forks fold into gaps. Pure and deterministic, so the
//! window and the web page draw the same picture.

use super::SideBlock;
use crate::chain::Block;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The newest blocks of our chain always shown: where new forks appear.
pub const NEWEST_SHOWN: u64 = 6;

/// A column of the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// The blocks at this height.
    Height(u64),
    /// Heights with no fork, folded: how many.
    Gap(u64),
}

/// What a side block hangs off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attach {
    /// Our chain's block in this column.
    Main(usize),
    /// The placed side block with this index in [`Branches::placed`].
    Side(usize),
    /// A block we no longer hold (it left the record, or our chain moved on since).
    Unknown,
    /// Nothing: it is a genesis block.
    Genesis,
}

/// A side block's place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Placed {
    /// Its index in the side blocks given to [`Branches::of`].
    pub side: usize,
    /// Its column.
    pub column: usize,
    /// Its lane: 1 is the first above our chain.
    pub lane: usize,
    /// What it hangs off.
    pub parent: Attach,
}

/// The picture of the forks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Branches {
    /// Left to right, oldest first.
    pub columns: Vec<Column>,
    /// Every side block, each after the one it hangs off.
    pub placed: Vec<Placed>,
    /// Lanes in use besides our chain's.
    pub lanes: usize,
}

/// A side block's parent, as found.
#[derive(Clone, Copy)]
enum Link {
    Main(u64),
    Side(usize),
    Unknown,
    Genesis,
}

impl Branches {
    /// Lays out `side` blocks against our chain `main`.
    pub fn of(main: &[Arc<Block>], side: &[&SideBlock]) -> Self {
        let len = main.len() as u64;
        let main_hash = |height: u64| usize::try_from(height).ok().and_then(|h| main.get(h)).map(|b| b.hash.as_str());
        let by_hash: HashMap<&str, usize> = side.iter().enumerate().map(|(i, s)| (s.block.hash.as_str(), i)).collect();
        let links: Vec<Link> = side
            .iter()
            .map(|s| {
                let Some(below) = s.block.height.checked_sub(1) else {
                    return Link::Genesis;
                };
                let Some(parent) = s.parent.as_deref() else {
                    return Link::Unknown;
                };
                if main_hash(below) == Some(parent) {
                    return Link::Main(below);
                }
                match by_hash.get(parent) {
                    Some(&p) if side[p].block.height == below => Link::Side(p),
                    _ => Link::Unknown,
                }
            })
            .collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); side.len()];
        for (i, link) in links.iter().enumerate() {
            if let Link::Side(p) = link {
                children[*p].push(i);
            }
        }

        let mut heights: BTreeSet<u64> = (len.saturating_sub(NEWEST_SHOWN)..len).collect();
        for s in side {
            let h = s.block.height;
            heights.extend([h.saturating_sub(1), h]);
            if h + 1 < len {
                heights.insert(h + 1);
            }
        }
        let mut columns = Vec::new();
        let mut column_of = HashMap::new();
        for height in heights {
            if let Some(Column::Height(previous)) = columns.last().copied()
                && height > previous + 1
            {
                columns.push(Column::Gap(height - previous - 1));
            }
            column_of.insert(height, columns.len());
            columns.push(Column::Height(height));
        }

        // Segments, lowest start first: a branch keeps its lane along its first child;
        // another child starts a segment of its own, in the lowest lane free there.
        let start = |i: usize| (side[i].block.height, i);
        let mut queue: BTreeSet<(u64, usize)> =
            links.iter().enumerate().filter(|(_, l)| !matches!(l, Link::Side(_))).map(|(i, _)| start(i)).collect();
        let mut lane_ends: Vec<u64> = Vec::new();
        let mut placed = Vec::with_capacity(side.len());
        let mut index_of = vec![0; side.len()];
        while let Some((height, first)) = queue.pop_first() {
            let lane = lane_ends.iter().position(|&end| end < height).unwrap_or_else(|| {
                lane_ends.push(0);
                lane_ends.len() - 1
            });
            let mut at = Some(first);
            while let Some(i) = at {
                let parent = match links[i] {
                    Link::Main(h) => Attach::Main(column_of[&h]),
                    Link::Side(p) => Attach::Side(index_of[p]),
                    Link::Unknown => Attach::Unknown,
                    Link::Genesis => Attach::Genesis,
                };
                index_of[i] = placed.len();
                placed.push(Placed { side: i, column: column_of[&side[i].block.height], lane: lane + 1, parent });
                lane_ends[lane] = side[i].block.height + 1;
                queue.extend(children[i].iter().skip(1).map(|&c| start(c)));
                at = children[i].first().copied();
            }
        }
        Branches { columns, placed, lanes: lane_ends.len() }
    }

    /// The heights shown, left to right.
    pub fn heights(&self) -> impl Iterator<Item = u64> + '_ {
        self.columns.iter().filter_map(|c| match c {
            Column::Height(h) => Some(*h),
            Column::Gap(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::record::Fate;
    use crate::testing::{chain_of, extend_chain, rival_block};

    fn side(block: Block, parent: &str) -> SideBlock {
        SideBlock { block, parent: Some(parent.to_owned()), fate: Fate::Lost, seen_at: 0.0, from: None, ours: false }
    }

    #[test]
    fn branches_hang_off_their_parents_in_lanes_that_never_overlap() {
        let chain = chain_of(40, 1, "main");
        let hash = |h: u64| chain.get(h).unwrap().hash.clone();
        // A two-block branch off block 9, a rival of block 10, and a lone rival of block 30.
        let a10 = rival_block(&chain, 10, "a");
        let (mut branch, _) = crate::chain::Chain::from_blocks(
            chain.blocks().iter().take(10).map(|b| Block::clone(b)).chain([a10.clone()]).collect(),
            *chain.limits(),
        );
        extend_chain(&mut branch, 1, "a", "a");
        let a11 = branch.tip().unwrap().clone();
        let b10 = rival_block(&chain, 10, "b");
        let c30 = rival_block(&chain, 30, "c");
        let sides = [side(a10.clone(), &hash(9)), side(a11, &a10.hash), side(b10, &hash(9)), side(c30, &hash(29))];
        let refs: Vec<&SideBlock> = sides.iter().collect();
        let picture = Branches::of(chain.blocks(), &refs);

        let heights: Vec<u64> = picture.heights().collect();
        assert_eq!(heights, [9, 10, 11, 12, 29, 30, 31, 34, 35, 36, 37, 38, 39]);
        assert_eq!(picture.columns[4], Column::Gap(16), "12 → 29 folds 13–28");
        let place = |i: usize| picture.placed.iter().find(|p| p.side == i).copied().unwrap();
        assert_eq!(place(0).parent, Attach::Main(0), "a10 hangs off block 9's column");
        assert_eq!(place(1).parent, Attach::Side(picture.placed.iter().position(|p| p.side == 0).unwrap()));
        assert_eq!((place(0).lane, place(1).lane), (1, 1), "a branch keeps its lane");
        assert_eq!(place(2).lane, 2, "a second branch at the same height takes the next lane");
        assert_eq!(place(3).lane, 1, "a later fork reuses the first lane");
        assert_eq!(picture.lanes, 2);
        assert!(picture.placed.iter().enumerate().all(|(i, p)| match p.parent {
            Attach::Side(j) => j < i,
            _ => true,
        }));
    }

    #[test]
    fn a_block_whose_parent_is_gone_is_still_placed() {
        let chain = chain_of(5, 1, "main");
        let orphan = side(rival_block(&chain, 3, "o"), &"f".repeat(64));
        let picture = Branches::of(chain.blocks(), &[&orphan]);
        assert_eq!(picture.placed, [Placed { side: 0, column: 3, lane: 1, parent: Attach::Unknown }]);
        assert_eq!(picture.heights().collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        let genesis = SideBlock { parent: None, ..side(rival_block(&chain, 0, "g"), "") };
        assert_eq!(Branches::of(chain.blocks(), &[&genesis]).placed[0].parent, Attach::Genesis, "nothing below it");
    }
}
