//! Where the peer graph puts its nodes: a force-directed layout (nodes repel, edges
//! pull, a weak spring holds everything near the centre) whose steps shrink as it
//! cools, then stop — a settled graph never jitters. A change of nodes or edges warms
//! it a little so it can make room. Pure and deterministic: the same nodes and edges,
//! in any order, give the same picture.

use eframe::egui::{Rect, Vec2, pos2, vec2};
use std::collections::BTreeSet;

/// Preferred length of an edge, in layout units.
const SPACING: f32 = 110.0;
/// Least clearance between two node circles.
const GAP: f32 = 8.0;
/// Largest step of a fresh layout.
const START_TEMPERATURE: f32 = 60.0;
/// Largest step after nodes or edges changed.
const REHEAT_TEMPERATURE: f32 = 20.0;
/// How much the largest step shrinks each step.
const COOLING: f32 = 0.94;
/// Below this largest step the layout is settled and stops moving.
const FROZEN: f32 = 0.1;
/// Strength of the pull towards the centre.
const GRAVITY: f32 = 0.05;

/// A node to lay out.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSpec {
    /// Identifies the node across updates (a peer's address).
    pub key: String,
    /// Radius of its circle.
    pub radius: f32,
    /// Held at the centre (our own node).
    pub pinned: bool,
}

/// The positions of a graph's nodes, kept across frames.
#[derive(Clone, Debug, Default)]
pub struct GraphLayout {
    keys: Vec<String>,
    pos: Vec<Vec2>,
    radius: Vec<f32>,
    pinned: Vec<bool>,
    edges: Vec<(usize, usize)>,
    temperature: f32,
}

impl GraphLayout {
    /// Shows `nodes` linked by `edges` (pairs of keys; unknown keys and repeats are
    /// ignored). Known nodes keep their place; new ones start next to a neighbour.
    /// Returns whether the nodes or edges changed.
    pub fn update(&mut self, nodes: &[NodeSpec], edges: &[(String, String)]) -> bool {
        let mut specs: Vec<&NodeSpec> = nodes.iter().collect();
        specs.sort_by(|a, b| a.key.cmp(&b.key));
        specs.dedup_by(|a, b| a.key == b.key);
        let keys: Vec<String> = specs.iter().map(|s| s.key.clone()).collect();
        let index = |key: &str| keys.binary_search_by(|k| k.as_str().cmp(key)).ok();
        let edge_set: BTreeSet<(usize, usize)> = edges
            .iter()
            .filter_map(|(a, b)| Some((index(a)?, index(b)?)))
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect();
        let edges: Vec<(usize, usize)> = edge_set.into_iter().collect();
        let changed = keys != self.keys || edges != self.edges;
        let fresh = self.keys.is_empty();
        let mut pos: Vec<Option<Vec2>> = keys.iter().map(|k| self.position(k)).collect();
        for (i, spec) in specs.iter().enumerate() {
            if spec.pinned {
                pos[i] = Some(Vec2::ZERO);
            }
        }
        // New nodes, in key order: next to their first placed neighbour, else on a ring.
        for i in 0..keys.len() {
            if pos[i].is_some() {
                continue;
            }
            let angle = key_angle(&keys[i]);
            let direction = vec2(angle.cos(), angle.sin());
            let neighbour = edges
                .iter()
                .filter_map(|&(a, b)| {
                    if a == i {
                        Some(b)
                    } else if b == i {
                        Some(a)
                    } else {
                        None
                    }
                })
                .find_map(|n| pos[n]);
            pos[i] = Some(match neighbour {
                Some(at) => at + direction * SPACING * 0.6,
                None => direction * SPACING * 2.0,
            });
        }
        self.pos = pos.into_iter().map(|p| p.unwrap_or(Vec2::ZERO)).collect();
        self.radius = specs.iter().map(|s| s.radius).collect();
        self.pinned = specs.iter().map(|s| s.pinned).collect();
        self.keys = keys;
        self.edges = edges;
        if changed {
            let warmth = if fresh { START_TEMPERATURE } else { REHEAT_TEMPERATURE };
            self.temperature = self.temperature.max(warmth);
        }
        self.separate();
        changed
    }

    /// One step of the simulation; returns whether the layout is still moving.
    pub fn step(&mut self) -> bool {
        if self.settled() {
            return false;
        }
        let n = self.keys.len();
        let mut push = vec![Vec2::ZERO; n];
        for i in 0..n {
            for j in i + 1..n {
                let (delta, distance) = self.apart(i, j);
                let force = delta / distance * (SPACING * SPACING / distance);
                push[i] += force;
                push[j] -= force;
            }
        }
        for &(a, b) in &self.edges {
            let (delta, distance) = self.apart(a, b);
            let force = delta / distance * (distance * distance / SPACING);
            push[a] -= force;
            push[b] += force;
        }
        for (i, p) in push.iter_mut().enumerate() {
            *p -= self.pos[i] * GRAVITY;
        }
        for i in (0..n).filter(|&i| !self.pinned[i]) {
            let length = push[i].length();
            if length > 0.0 {
                self.pos[i] += push[i] / length * length.min(self.temperature);
            }
        }
        self.temperature *= COOLING;
        self.separate();
        !self.settled()
    }

    /// Whether the layout has stopped moving.
    pub fn settled(&self) -> bool {
        self.temperature < FROZEN
    }

    /// Where the node `key` is.
    pub fn position(&self, key: &str) -> Option<Vec2> {
        self.keys.binary_search_by(|k| k.as_str().cmp(key)).ok().map(|i| self.pos[i])
    }

    /// The smallest rectangle holding every node's circle.
    pub fn bounds(&self) -> Rect {
        let mut bounds = Rect::NOTHING;
        for (p, r) in self.pos.iter().zip(&self.radius) {
            bounds = bounds.union(Rect::from_center_size(pos2(p.x, p.y), Vec2::splat(2.0 * r)));
        }
        bounds
    }

    /// The vector from `j` to `i` and its length (never zero: coinciding nodes are
    /// pushed apart in a direction that depends only on their indices).
    fn apart(&self, i: usize, j: usize) -> (Vec2, f32) {
        let delta = self.pos[i] - self.pos[j];
        let distance = delta.length();
        if distance > 0.01 {
            (delta, distance)
        } else {
            let angle = (i * 7 + j * 13) as f32;
            (vec2(angle.cos(), angle.sin()) * 0.01, 0.01)
        }
    }

    /// Moves overlapping circles apart until none overlap (or a bounded number of
    /// sweeps has run; the forces then finish the job).
    fn separate(&mut self) {
        let n = self.keys.len();
        for _ in 0..100 {
            let mut moved = false;
            for i in 0..n {
                for j in i + 1..n {
                    let (delta, distance) = self.apart(i, j);
                    let overlap = self.radius[i] + self.radius[j] + GAP - distance;
                    if overlap <= 0.0 {
                        continue;
                    }
                    let direction = delta / distance;
                    let (share_i, share_j) = match (self.pinned[i], self.pinned[j]) {
                        (true, true) => continue,
                        (true, false) => (0.0, 1.0),
                        (false, true) => (1.0, 0.0),
                        (false, false) => (0.5, 0.5),
                    };
                    // A hair more than the overlap, so rounding cannot leave them touching.
                    let shift = overlap + 0.01;
                    self.pos[i] += direction * shift * share_i;
                    self.pos[j] -= direction * shift * share_j;
                    moved = true;
                }
            }
            if !moved {
                return;
            }
        }
    }
}

/// A direction for a new node that depends only on its key (FNV-1a).
fn key_angle(key: &str) -> f32 {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    (hash % 3600) as f32 / 3600.0 * std::f32::consts::TAU
}

#[cfg(test)]
mod tests {
    use super::*;

    fn star(peers: usize, extra_links: bool) -> (Vec<NodeSpec>, Vec<(String, String)>) {
        let mut nodes = vec![NodeSpec { key: "us".into(), radius: 16.0, pinned: true }];
        let mut edges = Vec::new();
        for i in 0..peers {
            let key = format!("127.0.0.1:{}", 9000 + i);
            nodes.push(NodeSpec { key: key.clone(), radius: 8.0 + (i % 5) as f32 * 3.0, pinned: false });
            edges.push(("us".to_owned(), key.clone()));
            if extra_links && i > 0 && i % 3 == 0 {
                edges.push((key, format!("127.0.0.1:{}", 9000 + i - 1)));
            }
        }
        (nodes, edges)
    }

    fn settle(layout: &mut GraphLayout) -> usize {
        let mut steps = 0;
        while layout.step() {
            steps += 1;
            assert!(steps < 1000, "the layout never settles");
        }
        steps
    }

    fn positions(layout: &GraphLayout, nodes: &[NodeSpec]) -> Vec<Vec2> {
        nodes.iter().map(|n| layout.position(&n.key).unwrap()).collect()
    }

    #[test]
    fn fifty_nodes_settle_without_overlapping() {
        let (nodes, edges) = star(50, true);
        let mut layout = GraphLayout::default();
        layout.update(&nodes, &edges);
        settle(&mut layout);
        for (i, a) in nodes.iter().enumerate() {
            for b in &nodes[i + 1..] {
                let distance = (layout.position(&a.key).unwrap() - layout.position(&b.key).unwrap()).length();
                assert!(distance >= a.radius + b.radius, "{} and {} overlap ({distance})", a.key, b.key);
            }
        }
        assert_eq!(layout.position("us"), Some(Vec2::ZERO), "we stay in the centre");
    }

    #[test]
    fn the_same_graph_in_any_order_gives_the_same_layout() {
        let (nodes, edges) = star(30, true);
        let mut first = GraphLayout::default();
        first.update(&nodes, &edges);
        settle(&mut first);
        let (mut shuffled_nodes, mut shuffled_edges) = (nodes.clone(), edges.clone());
        shuffled_nodes.reverse();
        shuffled_edges.reverse();
        let mut second = GraphLayout::default();
        second.update(&shuffled_nodes, &shuffled_edges);
        settle(&mut second);
        assert_eq!(positions(&first, &nodes), positions(&second, &nodes));
    }

    #[test]
    fn a_settled_layout_stays_still() {
        let (nodes, edges) = star(20, true);
        let mut layout = GraphLayout::default();
        layout.update(&nodes, &edges);
        settle(&mut layout);
        let before = positions(&layout, &nodes);
        assert!(!layout.update(&nodes, &edges), "the same graph is no change");
        for _ in 0..100 {
            assert!(!layout.step());
        }
        assert_eq!(positions(&layout, &nodes), before);
    }

    #[test]
    fn a_new_peer_moves_the_others_only_a_little() {
        let (mut nodes, mut edges) = star(20, false);
        let mut layout = GraphLayout::default();
        layout.update(&nodes, &edges);
        settle(&mut layout);
        let before = positions(&layout, &nodes);
        nodes.push(NodeSpec { key: "127.0.0.1:9999".into(), radius: 10.0, pinned: false });
        edges.push(("us".into(), "127.0.0.1:9999".into()));
        assert!(layout.update(&nodes, &edges));
        let steps = settle(&mut layout);
        assert!(steps < 200, "{steps} steps to settle again");
        for (old, new) in before.iter().zip(positions(&layout, &nodes)) {
            assert!((*old - new).length() < SPACING, "a node jumped from {old:?} to {new:?}");
        }
    }

    #[test]
    fn removed_nodes_are_forgotten() {
        let (nodes, edges) = star(5, false);
        let mut layout = GraphLayout::default();
        layout.update(&nodes, &edges);
        layout.update(&nodes[..3], &edges);
        assert!(layout.position(&nodes[4].key).is_none());
        assert!(layout.bounds().contains(pos2(0.0, 0.0)));
    }
}
