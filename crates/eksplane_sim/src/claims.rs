//! An index over one provisioning pass's NodeClaims by what they can still
//! take, so that finding the first claim a pod fits is not a scan of every
//! claim.
//!
//! Karpenter's scheduler tries a pod against each in-progress NodeClaim in
//! order and keeps the first that accepts it (kubernetes-sigs/karpenter
//! pkg/controllers/provisioning/scheduling/scheduler.go `add`, which walks
//! `s.newNodeClaims`); a claim accepts when some instance type left still fits
//! the cumulative requests (nodeclaim.go `Add`, `filterInstanceTypesByRequirements`).
//! [`RoomTree`] keeps, per claim, the room its largest remaining type leaves
//! (CPU, memory, pods) in a segment tree of maxima, so the leftmost claim with
//! room for a pod is found in O(log n) and claims without room are skipped in
//! bulk. Room is a necessary condition only: the caller still runs the full
//! check on the claim found, and asks again from the next index when it fails.

/// What a claim can still take: (millicores, bytes, pods).
pub type Room = (u64, u64, u32);

/// A segment tree of per-claim room maxima, leftmost-first queries.
#[derive(Debug, Clone, Default)]
pub struct RoomTree {
    /// Leaves start at `size`; node `i` holds the element-wise maxima of its
    /// children. Unused leaves hold (0, 0, 0).
    tree: Vec<Room>,
    size: usize,
    len: usize,
}

fn max3(a: Room, b: Room) -> Room {
    (a.0.max(b.0), a.1.max(b.1), a.2.max(b.2))
}

fn fits(r: Room, need: Room) -> bool {
    r.0 >= need.0 && r.1 >= need.1 && r.2 >= need.2
}

impl RoomTree {
    pub fn new() -> RoomTree {
        RoomTree::default()
    }

    /// Claims indexed so far.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends claim `len()` with its room.
    pub fn push(&mut self, room: Room) {
        if self.len == self.size {
            let size = (self.size * 2).max(16);
            let mut tree = vec![(0, 0, 0); 2 * size];
            tree[size..size + self.len]
                .copy_from_slice(&self.tree[self.size..self.size + self.len]);
            for i in (1..size).rev() {
                tree[i] = max3(tree[2 * i], tree[2 * i + 1]);
            }
            self.tree = tree;
            self.size = size;
        }
        self.len += 1;
        self.set(self.len - 1, room);
    }

    /// Sets claim `i`'s room.
    pub fn set(&mut self, i: usize, room: Room) {
        if i >= self.len {
            return;
        }
        let mut k = self.size + i;
        self.tree[k] = room;
        while k > 1 {
            k /= 2;
            self.tree[k] = max3(self.tree[2 * k], self.tree[2 * k + 1]);
        }
    }

    /// The smallest index `>= from` whose room covers `need`.
    pub fn first_fitting(&self, from: usize, need: Room) -> Option<usize> {
        if from >= self.len {
            return None;
        }
        self.descend(1, 0, self.size, from, need)
    }

    fn descend(&self, k: usize, lo: usize, hi: usize, from: usize, need: Room) -> Option<usize> {
        if hi <= from || lo >= self.len || !fits(self.tree[k], need) {
            return None;
        }
        if hi - lo == 1 {
            return Some(lo);
        }
        let mid = (lo + hi) / 2;
        self.descend(2 * k, lo, mid, from, need)
            .or_else(|| self.descend(2 * k + 1, mid, hi, from, need))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The tree answers as a linear scan does.
        #[test]
        fn first_fitting_matches_a_scan(
            rooms in prop::collection::vec((0u64..8, 0u64..8, 0u32..3), 0..70),
            updates in prop::collection::vec((0usize..70, (0u64..8, 0u64..8, 0u32..3)), 0..20),
            need in (0u64..8, 0u64..8, 0u32..3),
            from in 0usize..80,
        ) {
            let mut t = RoomTree::new();
            let mut v = Vec::new();
            for r in rooms {
                t.push(r);
                v.push(r);
            }
            for (i, r) in updates {
                t.set(i, r);
                if i < v.len() {
                    v[i] = r;
                }
            }
            let scan = (from..v.len()).find(|&i| fits(v[i], need));
            prop_assert_eq!(t.first_fitting(from, need), scan);
        }
    }
}
