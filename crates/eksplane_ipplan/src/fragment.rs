//! How primary and secondary IPs scatter across a subnet and destroy /28
//! blocks: a seeded simulation, with the best and worst cases beside it.
//!
//! **The model.** EC2 does not document which free address it gives an ENI
//! (a node's primary IP, an ENI's primary IP, a secondary IP); this crate
//! models each pick as uniformly random among the addresses EC2 may pick
//! (usable, not taken, not in any reservation: prefix reservations are kept
//! for prefixes, [`crate::sources::SRC_CIDR_RESERVATIONS`]). A /28 prefix goes
//! to a wholly free aligned block, from a prefix reservation first
//! ([`crate::sources::SRC_CNI_PREFIX_RESERVATION`]); among several candidates
//! the pick is random too ("we randomly choose", same source).
//!
//! The bounds do not depend on the model: every single address either lands
//! in a block that already has a hole (no /28 is lost) or in a wholly free
//! block (one /28 is lost). [`Policy::Packed`] always does the first while it
//! can (the most /28 blocks any allocator could leave), [`Policy::Scattered`]
//! always the second (the fewest).
//!
//! The pseudo-random generator is SplitMix64 (Steele, Lea, Flood, "Fast
//! splittable pseudorandom number generators", OOPSLA 2014): fixed, seeded, no
//! clock, the same numbers on every platform.

use crate::space::{BLOCK_SIZE, SubnetSpace};
use serde::Serialize;

/// SplitMix64: a small fixed PRNG, seeded.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; `n > 0`; the bias is below
    /// 2^-32 for the sizes used here).
    pub fn below(&mut self, n: u32) -> u32 {
        ((u64::from(n) * (self.next_u64() >> 32)) >> 32) as u32
    }
}

/// How single addresses are picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Uniformly random among the addresses EC2 may pick (the model).
    Random,
    /// Into blocks that already have a hole first: the most /28s survive.
    Packed,
    /// Into wholly free blocks first: the fewest /28s survive.
    Scattered,
}

/// A set of small integers with O(1) insert, remove and uniform pick.
#[derive(Debug, Clone)]
struct IndexSet {
    items: Vec<u32>,
    pos: Vec<u32>,
}

const ABSENT: u32 = u32::MAX;

impl IndexSet {
    fn new(universe: u32) -> IndexSet {
        IndexSet {
            items: Vec::new(),
            pos: vec![ABSENT; universe as usize],
        }
    }
    fn len(&self) -> u32 {
        self.items.len() as u32
    }
    fn contains(&self, v: u32) -> bool {
        self.pos.get(v as usize).is_some_and(|&p| p != ABSENT)
    }
    fn insert(&mut self, v: u32) {
        if let Some(p) = self.pos.get_mut(v as usize)
            && *p == ABSENT
        {
            *p = self.items.len() as u32;
            self.items.push(v);
        }
    }
    fn remove(&mut self, v: u32) {
        let Some(&p) = self.pos.get(v as usize) else {
            return;
        };
        if p == ABSENT {
            return;
        }
        let last = self.items.len() - 1;
        self.items.swap(p as usize, last);
        let moved = self.items[p as usize];
        self.pos[moved as usize] = p;
        self.items.pop();
        self.pos[v as usize] = ABSENT;
    }
    fn pick(&self, rng: &mut SplitMix64) -> Option<u32> {
        if self.items.is_empty() {
            None
        } else {
            Some(self.items[rng.below(self.len()) as usize])
        }
    }
}

/// Why an allocation could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortage {
    /// No address left for a single IP.
    Address,
    /// No wholly free aligned /28 left.
    Block,
}

/// The free space of one subnet as allocations consume it.
#[derive(Debug, Clone)]
pub struct Allocator {
    policy: Policy,
    rng: SplitMix64,
    /// Addresses EC2 may pick for a single IP.
    singles: IndexSet,
    /// Of those, the ones in blocks that are not wholly free.
    holed: IndexSet,
    /// Wholly free blocks outside prefix reservations.
    free_blocks: IndexSet,
    /// Wholly free blocks inside prefix reservations.
    reserved_blocks: IndexSet,
    /// Per block: its pickable single addresses (bit i = offset block*16+i).
    single_bits: Vec<u16>,
    pub singles_taken: u32,
    pub prefixes_taken: u32,
}

impl Allocator {
    /// The subnet's current free space.
    pub fn new(space: &SubnetSpace, policy: Policy, seed: u64) -> Allocator {
        let n = space.size();
        let blocks = space.block_count();
        let mut a = Allocator {
            policy,
            rng: SplitMix64::new(seed),
            singles: IndexSet::new(n),
            holed: IndexSet::new(if policy == Policy::Packed { n } else { 0 }),
            free_blocks: IndexSet::new(blocks),
            reserved_blocks: IndexSet::new(blocks),
            single_bits: Vec::with_capacity(blocks as usize),
            singles_taken: 0,
            prefixes_taken: 0,
        };
        for b in 0..blocks {
            let bits = space.single_mask(b);
            a.single_bits.push(bits);
            let whole = space.block_free(b);
            if space.block_free_reserved(b) {
                a.reserved_blocks.insert(b);
            } else if whole {
                a.free_blocks.insert(b);
            }
            let mut m = bits;
            while m != 0 {
                let i = m.trailing_zeros();
                m &= m - 1;
                let off = b * BLOCK_SIZE + i;
                a.singles.insert(off);
                if policy == Policy::Packed && !whole {
                    a.holed.insert(off);
                }
            }
        }
        a
    }

    /// Addresses left for single IPs.
    pub fn free_singles(&self) -> u32 {
        self.singles.len()
    }

    /// Wholly free /28 blocks left (reserved ones included).
    pub fn free_blocks(&self) -> u32 {
        self.free_blocks.len() + self.reserved_blocks.len()
    }

    /// Wholly free /28 blocks left inside prefix reservations.
    pub fn free_reserved_blocks(&self) -> u32 {
        self.reserved_blocks.len()
    }

    fn take_single_at(&mut self, off: u32) {
        let b = off / BLOCK_SIZE;
        self.singles.remove(off);
        if self.policy == Policy::Packed {
            self.holed.remove(off);
        }
        if let Some(bits) = self.single_bits.get_mut(b as usize) {
            *bits &= !(1 << (off % BLOCK_SIZE));
        }
        if self.free_blocks.contains(b) {
            self.free_blocks.remove(b);
            if self.policy == Policy::Packed {
                let mut m = self.single_bits.get(b as usize).copied().unwrap_or(0);
                while m != 0 {
                    let i = m.trailing_zeros();
                    m &= m - 1;
                    self.holed.insert(b * BLOCK_SIZE + i);
                }
            }
        }
        // A partly prefix-reserved block that was wholly free also stops
        // being a candidate for a prefix (it is in free_blocks, handled above).
        self.singles_taken += 1;
    }

    fn pick_in_block(&mut self, b: u32) -> Option<u32> {
        let bits = self.single_bits.get(b as usize).copied().unwrap_or(0);
        let n = bits.count_ones();
        if n == 0 {
            return None;
        }
        let mut k = self.rng.below(n);
        let mut m = bits;
        loop {
            let i = m.trailing_zeros();
            if k == 0 {
                return Some(b * BLOCK_SIZE + i);
            }
            k -= 1;
            m &= m - 1;
        }
    }

    /// Takes one address for a primary or secondary IP; returns its offset.
    pub fn take_single(&mut self) -> Result<u32, Shortage> {
        let off = match self.policy {
            Policy::Random => self.singles.pick(&mut self.rng),
            Policy::Packed => match self.holed.pick(&mut self.rng) {
                Some(o) => Some(o),
                None => self.singles.pick(&mut self.rng),
            },
            Policy::Scattered => {
                let mut found = None;
                // Wholly free blocks may have no pickable address when they
                // are partly prefix-reserved; try a few, then any address.
                for _ in 0..4 {
                    match self.free_blocks.pick(&mut self.rng) {
                        Some(b) => {
                            if let Some(o) = self.pick_in_block(b) {
                                found = Some(o);
                                break;
                            }
                        }
                        None => break,
                    }
                }
                found.or_else(|| self.singles.pick(&mut self.rng))
            }
        };
        let off = off.ok_or(Shortage::Address)?;
        self.take_single_at(off);
        Ok(off)
    }

    /// Takes one wholly free aligned /28, from a prefix reservation first;
    /// returns its block index.
    pub fn take_block(&mut self) -> Result<u32, Shortage> {
        let b = match self.reserved_blocks.pick(&mut self.rng) {
            Some(b) => {
                self.reserved_blocks.remove(b);
                b
            }
            None => {
                let b = self
                    .free_blocks
                    .pick(&mut self.rng)
                    .ok_or(Shortage::Block)?;
                self.free_blocks.remove(b);
                b
            }
        };
        let mut m = self.single_bits.get(b as usize).copied().unwrap_or(0);
        while m != 0 {
            let i = m.trailing_zeros();
            m &= m - 1;
            let off = b * BLOCK_SIZE + i;
            self.singles.remove(off);
            if self.policy == Policy::Packed {
                self.holed.remove(off);
            }
        }
        if let Some(bits) = self.single_bits.get_mut(b as usize) {
            *bits = 0;
        }
        self.prefixes_taken += 1;
        Ok(b)
    }
}

/// Wholly free /28 blocks left after `singles` more single IPs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FragmentOutcome {
    /// Single IPs asked for.
    pub singles: u32,
    /// Single IPs placed (fewer when the subnet ran out).
    pub placed: u32,
    /// Free /28 blocks before (reserved ones included).
    pub free_prefixes_before: u32,
    /// After, in the random model (one seeded run).
    pub free_prefixes_random: u32,
    /// The expectation of the random model, computed analytically.
    pub free_prefixes_expected: f64,
    /// The most any placement could leave (packed).
    pub free_prefixes_best: u32,
    /// The fewest any placement could leave (scattered).
    pub free_prefixes_worst: u32,
}

/// Expected wholly free blocks after `k` uniformly random picks without
/// replacement among `pool` addresses, when `blocks` of those blocks have all
/// 16 of their addresses in the pool: a block survives when none of its 16 is
/// picked, with probability C(pool-16, k) / C(pool, k)
/// = prod_{i<16} (pool-k-i)/(pool-i).
pub fn expected_free_blocks(blocks: u32, pool: u32, k: u32) -> f64 {
    if k >= pool {
        return 0.0;
    }
    let mut p = 1.0f64;
    for i in 0..BLOCK_SIZE {
        if pool < i + 1 || pool - k < i + 1 {
            return 0.0;
        }
        p *= f64::from(pool - k - i) / f64::from(pool - i);
    }
    f64::from(blocks) * p
}

/// Analytic bounds on the free /28 blocks after `k` single IPs, from counts
/// alone: `holed` pickable addresses in blocks already broken, `free` wholly
/// free pickable blocks (16 each), `reserved` free blocks in prefix
/// reservations (never touched by single IPs).
/// Returns `(best, worst)`.
pub fn bounds_after_singles(holed: u32, free: u32, reserved: u32, k: u32) -> (u32, u32) {
    // Best: fill the holes, then break one block per 16 picks.
    let best_broken = if k <= holed {
        0
    } else {
        (k - holed).div_ceil(BLOCK_SIZE)
    };
    // Worst: every pick breaks a new block while any is left.
    let worst_broken = k;
    (
        reserved + free.saturating_sub(best_broken),
        reserved + free.saturating_sub(worst_broken),
    )
}

/// What `singles` more primary/secondary IPs do to the subnet's /28 blocks
/// ("after N nodes in secondary-IP mode, M aligned /28 blocks remain").
pub fn fragment_after_singles(space: &SubnetSpace, singles: u32, seed: u64) -> FragmentOutcome {
    let mut random = Allocator::new(space, Policy::Random, seed);
    let before = random.free_blocks();
    let mut placed = 0;
    for _ in 0..singles {
        if random.take_single().is_err() {
            break;
        }
        placed += 1;
    }
    let (holed, free, reserved, pool) = single_counts(space);
    let (best, worst) = bounds_after_singles(holed, free, reserved, placed);
    FragmentOutcome {
        singles,
        placed,
        free_prefixes_before: before,
        free_prefixes_random: random.free_blocks(),
        free_prefixes_expected: f64::from(reserved) + expected_free_blocks(free, pool, placed),
        free_prefixes_best: best,
        free_prefixes_worst: worst,
    }
}

/// `(holed, free, reserved, pool)`: pickable single addresses in blocks that
/// are not wholly free; wholly free unreserved blocks whose 16 addresses are
/// all pickable; free blocks inside prefix reservations; all pickable
/// addresses.
pub fn single_counts(space: &SubnetSpace) -> (u32, u32, u32, u32) {
    let (mut holed, mut free, mut reserved, mut pool) = (0, 0, 0, 0);
    for b in 0..space.block_count() {
        let bits = space.single_mask(b);
        pool += bits.count_ones();
        if space.block_free_reserved(b) {
            reserved += 1;
        } else if space.block_free(b) {
            // Wholly free. When a prefix reservation smaller than a /28
            // covers part of it, fewer than 16 of its addresses are pickable;
            // counting it as 16 keeps `best` an upper and `worst` a lower bound.
            free += 1;
        } else {
            holed += bits.count_ones();
        }
    }
    (holed, free, reserved, pool)
}
