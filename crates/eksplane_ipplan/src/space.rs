//! Exact address arithmetic per subnet: a 16-bit mask per aligned /28 block
//! (a /16 is 4,096 blocks, 65,536 bits), so every count is a popcount.
//!
//! Facts applied (each cited where used):
//! - AWS reserves the first four addresses and the last address of every
//!   subnet (network, VPC router, DNS, future use, broadcast) ([`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING)).
//! - An IPv4 subnet is /16 to /28 ([`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING)).
//! - Explicit CIDR reservations are never assigned by AWS; prefix
//!   reservations are where AWS puts prefixes ([`SRC_CIDR_RESERVATIONS`](crate::sources::SRC_CIDR_RESERVATIONS)), and
//!   (this crate's reading of the same page: the range is "set aside so that
//!   AWS can't assign them" except as prefixes) never individual secondary or
//!   primary IPs.
//! - A /28 prefix must be aligned and wholly free ([`SRC_CNI_PREFIX_RESERVATION`](crate::sources::SRC_CNI_PREFIX_RESERVATION)).

use crate::error::PlanError;
use crate::input::{InUse, PlanInputs, Reservation, ReservationKind, SubnetInput};
use ipnet::Ipv4Net;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

/// Addresses in a /28 prefix.
pub const BLOCK_SIZE: u32 = 16;
/// The prefix length of a VPC CNI IPv4 prefix.
pub const PREFIX_LEN: u8 = 28;
/// Subnet sizes AWS allows for IPv4: /16 to /28 ([`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING)).
pub const MIN_SUBNET_LEN: u8 = 16;
pub const MAX_SUBNET_LEN: u8 = 28;
/// Addresses AWS reserves in every subnet: the first four and the last
/// ([`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING)).
pub const AWS_RESERVED_PER_SUBNET: u32 = 5;
/// The reserved offsets at the start of a subnet: network address, VPC
/// router, DNS (base + 2), future use ([`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING)).
pub const AWS_RESERVED_HEAD: u32 = 4;

/// What one aligned /28 block of a subnet is, for the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum BlockState {
    /// Wholly free, outside any reservation: a prefix can go here, and so can
    /// secondary IPs (which would destroy it as a prefix).
    Free,
    /// Some addresses taken by ENI IPs; no prefix can go here.
    Partial { taken: u8 },
    /// All 16 taken by ENI IPs.
    Full,
    /// Holds one of the five addresses AWS reserves; never a prefix.
    AwsReserved,
    /// Overlaps an explicit CIDR reservation; AWS assigns nothing there.
    ReservedExplicit,
    /// Wholly inside a prefix reservation and wholly free: kept for prefixes.
    ReservedPrefix,
    /// An assigned /28 prefix.
    AssignedPrefix,
    /// Which addresses are taken here is unknown: the subnet's occupancy is
    /// known only as a count (`AvailableIpAddressCount`), without ENI data.
    Unknown,
}

impl BlockState {
    /// Whether a prefix could be assigned here now.
    pub fn prefix_possible(self) -> bool {
        matches!(self, BlockState::Free | BlockState::ReservedPrefix)
    }
}

/// How well a subnet's taken addresses are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Occupancy {
    /// Every taken address is known (ENI snapshot), or the subnet is planned
    /// and empty.
    Exact,
    /// Only how many are taken is known (`describe-subnets`
    /// `AvailableIpAddressCount`, no ENI snapshot): the free count is exact,
    /// the /28 fragmentation is not. The space holds them in `layout`.
    CountOnly { taken: u32, layout: UnknownLayout },
}

/// Where a [`Occupancy::CountOnly`] subnet's taken addresses are assumed to
/// be, to bound what is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownLayout {
    /// Packed: partly used blocks first, then whole blocks in address order
    /// -- the most free /28 blocks the count allows (best case).
    Packed,
    /// Scattered: one address in each wholly free block first -- the fewest
    /// free /28 blocks (worst case).
    Scattered,
}

/// One subnet's address space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetSpace {
    pub id: String,
    pub label: String,
    pub zone: Option<String>,
    pub vpc_id: Option<String>,
    pub cidr: Ipv4Net,
    base: u32,
    /// Per block: bit i = address `block * 16 + i` is taken (ENI IP or in an
    /// assigned prefix).
    taken: Vec<u16>,
    /// Per block: addresses inside explicit reservations.
    explicit: Vec<u16>,
    /// Per block: addresses inside prefix reservations.
    prefix_res: Vec<u16>,
    /// Per block: an assigned /28 prefix.
    assigned: Vec<bool>,
    reservations: Vec<Reservation>,
    /// Whether the taken addresses are known one by one.
    pub occupancy: Occupancy,
}

/// The counts the JSON report carries for a subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpaceCounts {
    /// Addresses in the CIDR.
    pub size: u32,
    /// `size - 5`: what AWS lets you use.
    pub usable: u32,
    /// 5: the first four and the last address.
    pub reserved: u32,
    /// Taken by ENI IPs (primary and secondary) and assigned prefixes.
    pub taken: u32,
    /// Usable addresses in explicit reservations (taken ones included).
    pub reserved_explicit: u32,
    /// Usable addresses in prefix reservations (taken ones included).
    pub reserved_prefix: u32,
    /// Usable, not taken, not explicitly reserved.
    pub free_addresses: u32,
    /// Free addresses EC2 may pick for a primary or secondary IP: outside
    /// prefix reservations too.
    pub free_for_secondary: u32,
    /// Aligned /28 blocks wholly free (no AWS-reserved, taken or explicitly
    /// reserved address).
    pub free_prefixes: u32,
    /// Of those, wholly inside prefix reservations.
    pub free_prefixes_reserved: u32,
    /// Assigned /28 prefixes.
    pub assigned_prefixes: u32,
}

fn ones(v: u16) -> u32 {
    v.count_ones()
}

fn net_range(n: &Ipv4Net) -> (u32, u64) {
    (
        u32::from(n.network()),
        1u64 << (32 - u32::from(n.prefix_len())),
    )
}

/// `n` with its host bits cleared, or an error naming `what`.
pub(crate) fn canonical(what: impl FnOnce() -> String, n: Ipv4Net) -> Result<Ipv4Net, PlanError> {
    let t = n.trunc();
    if t != n {
        return Err(PlanError::NotCanonical {
            what: what(),
            cidr: n,
            canonical: t,
        });
    }
    Ok(n)
}

impl SubnetSpace {
    /// An empty subnet (nothing taken, nothing reserved) after checking its
    /// size (/16 to /28, [`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING)) and canonical form.
    pub fn new(s: &SubnetInput) -> Result<SubnetSpace, PlanError> {
        let len = s.cidr.prefix_len();
        if !(MIN_SUBNET_LEN..=MAX_SUBNET_LEN).contains(&len) {
            return Err(PlanError::SubnetSize {
                subnet: s.label.clone(),
                cidr: s.cidr,
                len,
            });
        }
        let cidr = canonical(|| format!("subnet {}", s.label), s.cidr)?;
        let blocks = 1usize << (u32::from(PREFIX_LEN - len));
        Ok(SubnetSpace {
            id: s.id.clone(),
            label: s.label.clone(),
            zone: s.zone.clone(),
            vpc_id: s.vpc_id.clone(),
            cidr,
            base: u32::from(cidr.network()),
            taken: vec![0; blocks],
            explicit: vec![0; blocks],
            prefix_res: vec![0; blocks],
            assigned: vec![false; blocks],
            reservations: Vec::new(),
            occupancy: Occupancy::Exact,
        })
    }

    /// Marks `taken` free addresses as taken, laid out as `layout` says, and
    /// records the occupancy as known only by count. Addresses EC2 may pick
    /// for IPs (outside prefix reservations) are used first, then the others.
    pub fn fill_unknown(&mut self, taken: u32, layout: UnknownLayout) {
        let mut left = taken;
        let blocks = self.block_count();
        let take = |s: &mut SubnetSpace, b: u32, n: &mut u32, max_in_block: u32| {
            let mut put = 0;
            for pass in 0..2 {
                for bit in 0..BLOCK_SIZE {
                    if *n == 0 || put == max_in_block {
                        return;
                    }
                    let free = if pass == 0 {
                        s.single_mask(b)
                    } else {
                        s.free_mask(b)
                    };
                    if free & (1 << bit) != 0 {
                        s.taken[b as usize] |= 1 << bit;
                        *n -= 1;
                        put += 1;
                    }
                }
            }
        };
        match layout {
            UnknownLayout::Packed => {
                // Partly used blocks first (they hold no prefix anyway), then
                // whole free blocks in address order.
                let mut order: Vec<u32> = (0..blocks).collect();
                order.sort_by_key(|&b| (self.block_free(b), b));
                for b in order {
                    take(self, b, &mut left, BLOCK_SIZE);
                }
            }
            UnknownLayout::Scattered => {
                for b in 0..blocks {
                    if self.block_free(b) {
                        take(self, b, &mut left, 1);
                    }
                }
                for b in 0..blocks {
                    take(self, b, &mut left, BLOCK_SIZE);
                }
            }
        }
        self.occupancy = Occupancy::CountOnly {
            taken: taken - left,
            layout,
        };
    }

    /// Addresses in the CIDR.
    pub fn size(&self) -> u32 {
        (self.taken.len() as u32) * BLOCK_SIZE
    }

    /// Aligned /28 blocks in the CIDR.
    pub fn block_count(&self) -> u32 {
        self.taken.len() as u32
    }

    /// The AWS-reserved bits of block `b`: offsets 0-3 of the subnet and the
    /// last offset ([`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING)).
    pub fn aws_mask(&self, b: u32) -> u16 {
        let mut m = 0u16;
        if b == 0 {
            m |= (1u16 << AWS_RESERVED_HEAD) - 1;
        }
        if b + 1 == self.block_count() {
            m |= 1 << 15;
        }
        m
    }

    /// The offset of `addr` in the subnet, if inside.
    pub fn offset(&self, addr: Ipv4Addr) -> Option<u32> {
        let a = u32::from(addr);
        let off = a.wrapping_sub(self.base);
        (a >= self.base && off < self.size()).then_some(off)
    }

    /// The address at offset `off` (the caller keeps `off < size()`).
    pub fn addr(&self, off: u32) -> Ipv4Addr {
        Ipv4Addr::from(self.base.wrapping_add(off))
    }

    /// The /28 at block `b`.
    pub fn block_net(&self, b: u32) -> Ipv4Net {
        // Always valid: 28 <= 32.
        Ipv4Net::new(self.addr(b * BLOCK_SIZE), PREFIX_LEN).unwrap_or_default()
    }

    /// Whether the address at `off` is one AWS reserves.
    pub fn is_aws_reserved(&self, off: u32) -> bool {
        off < AWS_RESERVED_HEAD || off + 1 == self.size()
    }

    /// Marks ENI IPs and assigned prefixes as taken, after checking each is
    /// inside the subnet, not AWS-reserved, and (prefixes) an aligned /28.
    pub fn add_in_use(&mut self, u: &InUse) -> Result<(), PlanError> {
        for &ip in &u.private_ips {
            let off = self
                .offset(ip)
                .ok_or_else(|| PlanError::AddressOutsideSubnet {
                    subnet: self.label.clone(),
                    addr: ip,
                    cidr: self.cidr,
                })?;
            if self.is_aws_reserved(off) {
                return Err(PlanError::AddressAwsReserved {
                    subnet: self.label.clone(),
                    addr: ip,
                });
            }
            self.taken[(off / BLOCK_SIZE) as usize] |= 1 << (off % BLOCK_SIZE);
        }
        for &p in &u.prefixes {
            if p.prefix_len() != PREFIX_LEN {
                return Err(PlanError::PrefixNotSlash28 {
                    subnet: self.label.clone(),
                    prefix: p,
                });
            }
            if p.trunc() != p {
                return Err(PlanError::PrefixNotAligned {
                    subnet: self.label.clone(),
                    prefix: p,
                    aligned: p.trunc(),
                });
            }
            if !self.cidr.contains(&p) {
                return Err(PlanError::PrefixOutsideSubnet {
                    subnet: self.label.clone(),
                    prefix: p,
                    cidr: self.cidr,
                });
            }
            let b = (u32::from(p.network()) - self.base) / BLOCK_SIZE;
            if self.aws_mask(b) != 0 {
                return Err(PlanError::PrefixAwsReserved {
                    subnet: self.label.clone(),
                    prefix: p,
                });
            }
            if self.assigned[b as usize] {
                return Err(PlanError::OverlappingPrefixes {
                    subnet: self.label.clone(),
                    a: p,
                    b: p,
                });
            }
            self.assigned[b as usize] = true;
            self.taken[b as usize] = u16::MAX;
        }
        Ok(())
    }

    /// Records a subnet CIDR reservation after checking it lies in the subnet
    /// and overlaps no other ([`SRC_CIDR_RESERVATIONS`](crate::sources::SRC_CIDR_RESERVATIONS): "the CIDR ranges
    /// cannot overlap"). A reservation may cover addresses already in use.
    pub fn add_reservation(&mut self, r: &Reservation) -> Result<(), PlanError> {
        let cidr = canonical(|| format!("{}: CIDR reservation", self.label), r.cidr)?;
        if !self.cidr.contains(&cidr) {
            return Err(PlanError::ReservationOutsideSubnet {
                subnet: self.label.clone(),
                cidr,
                subnet_cidr: self.cidr,
            });
        }
        if let Some(o) = self
            .reservations
            .iter()
            .find(|o| o.cidr.contains(&cidr) || cidr.contains(&o.cidr))
        {
            return Err(PlanError::OverlappingReservations {
                subnet: self.label.clone(),
                a: o.cidr,
                b: cidr,
            });
        }
        let (start, len) = net_range(&cidr);
        let first = start - self.base;
        let target = match r.kind {
            ReservationKind::Explicit => &mut self.explicit,
            ReservationKind::Prefix => &mut self.prefix_res,
        };
        if len >= u64::from(BLOCK_SIZE) {
            let b0 = (first / BLOCK_SIZE) as usize;
            let nb = (len / u64::from(BLOCK_SIZE)) as usize;
            for m in &mut target[b0..b0 + nb] {
                *m = u16::MAX;
            }
        } else {
            // Smaller than a /28: inside one block, aligned.
            let b = (first / BLOCK_SIZE) as usize;
            let bit0 = first % BLOCK_SIZE;
            let mask = (((1u32 << len) - 1) << bit0) as u16;
            target[b] |= mask;
        }
        self.reservations.push(Reservation {
            subnet_id: self.id.clone(),
            cidr,
            kind: r.kind,
        });
        Ok(())
    }

    /// The reservations recorded.
    pub fn reservations(&self) -> &[Reservation] {
        &self.reservations
    }

    /// Block `b`'s masks: (AWS-reserved, taken, explicit, prefix-reserved).
    pub fn block_masks(&self, b: u32) -> (u16, u16, u16, u16) {
        let i = b as usize;
        (
            self.aws_mask(b),
            self.taken[i],
            self.explicit[i],
            self.prefix_res[i],
        )
    }

    /// Usable addresses of block `b` that are not taken and not explicitly
    /// reserved.
    pub fn free_mask(&self, b: u32) -> u16 {
        let (aws, t, e, _) = self.block_masks(b);
        !(aws | t | e)
    }

    /// Free addresses of block `b` that EC2 may pick as a primary or
    /// secondary IP (outside prefix reservations too).
    pub fn single_mask(&self, b: u32) -> u16 {
        let (aws, t, e, p) = self.block_masks(b);
        !(aws | t | e | p)
    }

    /// Block `b` is wholly free: a prefix fits.
    pub fn block_free(&self, b: u32) -> bool {
        self.free_mask(b) == u16::MAX
    }

    /// Block `b` is wholly free and wholly inside prefix reservations.
    pub fn block_free_reserved(&self, b: u32) -> bool {
        self.block_free(b) && self.prefix_res[b as usize] == u16::MAX
    }

    /// The state of block `b`, for the map. Precedence: assigned prefix,
    /// AWS-reserved, explicit reservation, taken (full/partial), prefix
    /// reservation, free.
    pub fn block_state(&self, b: u32) -> BlockState {
        let (aws, t, e, p) = self.block_masks(b);
        if self.assigned[b as usize] {
            BlockState::AssignedPrefix
        } else if aws != 0 {
            BlockState::AwsReserved
        } else if e != 0 {
            BlockState::ReservedExplicit
        } else if t == u16::MAX {
            BlockState::Full
        } else if t != 0 {
            BlockState::Partial {
                taken: t.count_ones() as u8,
            }
        } else if p == u16::MAX {
            BlockState::ReservedPrefix
        } else {
            BlockState::Free
        }
    }

    /// Every block's state, in address order. Where the occupancy is known
    /// only by count, blocks that are not AWS-reserved, explicitly reserved or
    /// an assigned prefix are [`BlockState::Unknown`].
    pub fn block_states(&self) -> Vec<BlockState> {
        (0..self.block_count())
            .map(|b| {
                let st = self.block_state(b);
                match (self.occupancy, st) {
                    (
                        Occupancy::CountOnly { .. },
                        BlockState::Free
                        | BlockState::Partial { .. }
                        | BlockState::Full
                        | BlockState::ReservedPrefix,
                    ) => BlockState::Unknown,
                    _ => st,
                }
            })
            .collect()
    }

    /// The wholly free /28 blocks, in address order.
    pub fn free_prefix_blocks(&self) -> Vec<Ipv4Net> {
        (0..self.block_count())
            .filter(|&b| self.block_free(b))
            .map(|b| self.block_net(b))
            .collect()
    }

    /// All counts ([`SpaceCounts`]).
    pub fn counts(&self) -> SpaceCounts {
        let mut c = SpaceCounts {
            size: self.size(),
            usable: self.size() - AWS_RESERVED_PER_SUBNET,
            reserved: AWS_RESERVED_PER_SUBNET,
            taken: 0,
            reserved_explicit: 0,
            reserved_prefix: 0,
            free_addresses: 0,
            free_for_secondary: 0,
            free_prefixes: 0,
            free_prefixes_reserved: 0,
            assigned_prefixes: 0,
        };
        for b in 0..self.block_count() {
            let (aws, t, e, p) = self.block_masks(b);
            let usable = !aws;
            c.taken += ones(t & usable);
            c.reserved_explicit += ones(e & usable);
            c.reserved_prefix += ones(p & usable);
            c.free_addresses += ones(usable & !t & !e);
            c.free_for_secondary += ones(usable & !t & !e & !p);
            if aws | t | e == 0 {
                c.free_prefixes += 1;
                if p == u16::MAX {
                    c.free_prefixes_reserved += 1;
                }
            }
            c.assigned_prefixes += u32::from(self.assigned[b as usize]);
        }
        c
    }

    /// A copy with `extra` taken addresses marked (offsets; those already
    /// taken or not usable are skipped). For "what if" maps.
    pub fn with_taken(&self, extra: impl IntoIterator<Item = u32>) -> SubnetSpace {
        let mut s = self.clone();
        for off in extra {
            if off < s.size() && !s.is_aws_reserved(off) {
                s.taken[(off / BLOCK_SIZE) as usize] |= 1 << (off % BLOCK_SIZE);
            }
        }
        s
    }
}

fn cidr_list(c: &[Ipv4Net]) -> String {
    c.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks the inputs' subnets, in-use addresses and reservations and builds
/// each subnet's space, in input order.
///
/// Errors: a duplicate subnet id; a subnet outside /16../28 or with host bits;
/// two subnets of one VPC that overlap ([`SRC_SUBNET_SIZING`](crate::sources::SRC_SUBNET_SIZING): "the CIDR blocks
/// of the subnets cannot overlap"); a subnet outside its VPC's CIDRs; in-use
/// addresses, prefixes or reservations outside their subnet, prefixes not an
/// aligned /28, overlapping reservations; in-use data or reservations for an
/// unknown subnet.
///
/// Without any ENI snapshot (`inputs.in_use` empty), a subnet whose
/// `AvailableIpAddressCount` is known has `free - available` addresses taken
/// somewhere: they are laid out [`UnknownLayout::Scattered`] (the worst case
/// for prefixes; [`build_spaces_with`] chooses) and the subnet's occupancy is
/// [`Occupancy::CountOnly`]. With an ENI snapshot every subnet is exact.
pub fn build_spaces(inputs: &PlanInputs) -> Result<Vec<SubnetSpace>, PlanError> {
    build_spaces_with(inputs, UnknownLayout::Scattered)
}

/// [`build_spaces`] with count-only subnets laid out as `layout`.
pub fn build_spaces_with(
    inputs: &PlanInputs,
    layout: UnknownLayout,
) -> Result<Vec<SubnetSpace>, PlanError> {
    let mut spaces = Vec::with_capacity(inputs.subnets.len());
    let mut index: HashMap<&str, usize> = HashMap::new();
    for s in &inputs.subnets {
        if index.insert(s.id.as_str(), spaces.len()).is_some() {
            return Err(PlanError::DuplicateSubnet { id: s.id.clone() });
        }
        spaces.push(SubnetSpace::new(s)?);
    }
    check_vpcs(inputs)?;
    check_overlaps(&spaces)?;
    for u in &inputs.in_use {
        let i = *index
            .get(u.subnet_id.as_str())
            .ok_or_else(|| PlanError::UnknownSubnet {
                what: "in-use addresses".to_string(),
                subnet_id: u.subnet_id.clone(),
            })?;
        spaces[i].add_in_use(u)?;
    }
    for r in &inputs.reservations {
        let i = *index
            .get(r.subnet_id.as_str())
            .ok_or_else(|| PlanError::UnknownSubnet {
                what: format!("CIDR reservation {}", r.cidr),
                subnet_id: r.subnet_id.clone(),
            })?;
        spaces[i].add_reservation(r)?;
    }
    if inputs.in_use.is_empty() {
        for (s, input) in spaces.iter_mut().zip(&inputs.subnets) {
            if let Some(available) = input.available_ip_address_count {
                let taken = s.counts().free_addresses.saturating_sub(available);
                if taken > 0 {
                    s.fill_unknown(taken, layout);
                }
            }
        }
    }
    Ok(spaces)
}

/// Whether any subnet's occupancy is known only by count.
pub fn any_count_only(spaces: &[SubnetSpace]) -> bool {
    spaces
        .iter()
        .any(|s| matches!(s.occupancy, Occupancy::CountOnly { .. }))
}

fn check_vpcs(inputs: &PlanInputs) -> Result<(), PlanError> {
    for v in &inputs.vpcs {
        for c in &v.cidrs {
            canonical(|| format!("VPC {} CIDR", v.id), *c)?;
        }
    }
    if inputs.vpcs.is_empty() {
        return Ok(());
    }
    for s in &inputs.subnets {
        let vpcs: Vec<&crate::input::VpcInput> = match &s.vpc_id {
            Some(id) => {
                let v = inputs.vpcs.iter().find(|v| &v.id == id).ok_or_else(|| {
                    PlanError::UnknownVpc {
                        subnet: s.label.clone(),
                        vpc: id.clone(),
                    }
                })?;
                vec![v]
            }
            None => inputs.vpcs.iter().collect(),
        };
        let inside = vpcs
            .iter()
            .any(|v| v.cidrs.iter().any(|c| c.contains(&s.cidr)));
        if !inside {
            let (vpc, vpc_cidrs) = match vpcs.as_slice() {
                [v] => (v.id.clone(), cidr_list(&v.cidrs)),
                _ => (
                    "every VPC".to_string(),
                    cidr_list(
                        &vpcs
                            .iter()
                            .flat_map(|v| v.cidrs.iter().copied())
                            .collect::<Vec<_>>(),
                    ),
                ),
            };
            return Err(PlanError::SubnetOutsideVpc {
                subnet: s.label.clone(),
                cidr: s.cidr,
                vpc,
                vpc_cidrs,
            });
        }
    }
    Ok(())
}

/// Overlaps within one VPC (subnets of different VPCs may overlap; subnets
/// without a VPC id are taken to share one).
fn check_overlaps(spaces: &[SubnetSpace]) -> Result<(), PlanError> {
    let mut by_vpc: BTreeMap<Option<&str>, Vec<&SubnetSpace>> = BTreeMap::new();
    for s in spaces {
        by_vpc.entry(s.vpc_id.as_deref()).or_default().push(s);
    }
    for list in by_vpc.values_mut() {
        list.sort_by_key(|s| (u32::from(s.cidr.network()), s.cidr.prefix_len()));
        for w in list.windows(2) {
            let (a, b) = (w[0], w[1]);
            // Sorted by start: CIDRs either nest or are disjoint, so the next
            // one overlaps exactly when it starts inside this one.
            if a.cidr.contains(&b.cidr.network()) {
                return Err(PlanError::OverlappingSubnets {
                    a: a.label.clone(),
                    a_cidr: a.cidr,
                    b: b.label.clone(),
                    b_cidr: b.cidr,
                });
            }
        }
    }
    Ok(())
}
