//! Property tests against a brute-force enumeration of every address.

use eksplane_ipplan::{
    Allocator, InUse, Policy, Reservation, ReservationKind, SubnetInput, SubnetSpace,
    fragment_after_singles,
};
use ipnet::Ipv4Net;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

#[derive(Debug, Clone)]
struct Case {
    cidr: Ipv4Net,
    taken: Vec<u32>,
    prefixes: Vec<u32>,
    reservations: Vec<(u32, u8, bool)>,
}

fn case() -> impl Strategy<Value = Case> {
    (24u8..=28, any::<u32>()).prop_flat_map(|(len, raw)| {
        let size = 1u32 << (32 - len);
        let blocks = size / 16;
        let base = (10u32 << 24) | (raw & 0x00FF_FFFF & !(size - 1));
        let cidr = Ipv4Net::new(Ipv4Addr::from(base), len).expect("valid");
        (
            Just(cidr),
            proptest::collection::vec(0..size, 0..(size as usize)),
            proptest::collection::vec(0..blocks, 0..4),
            proptest::collection::vec((0..size, 26u8..=32, any::<bool>()), 0..5),
        )
            .prop_map(move |(cidr, taken, prefixes, res)| {
                let taken = taken
                    .into_iter()
                    .filter(|&o| o >= 4 && o != size - 1)
                    .collect();
                let prefixes = prefixes
                    .into_iter()
                    .filter(|&b| b != 0 && b != blocks - 1)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let mut reservations: Vec<(u32, u8, bool)> = Vec::new();
                for (off, rlen, explicit) in res {
                    let rlen = rlen.max(cidr.prefix_len());
                    let rsize = 1u32 << (32 - rlen);
                    let start = off & !(rsize - 1);
                    let clash = reservations.iter().any(|&(s, l, _)| {
                        let e = s + (1u32 << (32 - l));
                        start < e && s < start + rsize
                    });
                    if !clash {
                        reservations.push((start, rlen, explicit));
                    }
                }
                Case {
                    cidr,
                    taken,
                    prefixes,
                    reservations,
                }
            })
    })
}

fn build(c: &Case) -> SubnetSpace {
    let base = u32::from(c.cidr.network());
    let mut s = SubnetSpace::new(&SubnetInput::new("subnet-p", c.cidr, None)).expect("valid");
    s.add_in_use(&InUse {
        subnet_id: "subnet-p".to_string(),
        private_ips: c.taken.iter().map(|&o| Ipv4Addr::from(base + o)).collect(),
        prefixes: c
            .prefixes
            .iter()
            .map(|&b| Ipv4Net::new(Ipv4Addr::from(base + b * 16), 28).expect("valid"))
            .collect(),
    })
    .expect("in-use inside");
    for &(start, len, explicit) in &c.reservations {
        s.add_reservation(&Reservation {
            subnet_id: "subnet-p".to_string(),
            cidr: Ipv4Net::new(Ipv4Addr::from(base + start), len).expect("valid"),
            kind: if explicit {
                ReservationKind::Explicit
            } else {
                ReservationKind::Prefix
            },
        })
        .expect("reservation inside");
    }
    s
}

/// One address: (AWS-reserved, taken, explicit, prefix-reserved).
type Bits = (bool, bool, bool, bool);

/// Per address, by enumeration.
fn brute(c: &Case) -> Vec<Bits> {
    let size = 1u32 << (32 - c.cidr.prefix_len());
    (0..size)
        .map(|o| {
            let aws = o < 4 || o == size - 1;
            let taken = c.taken.contains(&o) || c.prefixes.contains(&(o / 16));
            let in_res = |explicit: bool| {
                c.reservations
                    .iter()
                    .any(|&(s, l, e)| e == explicit && o >= s && o < s + (1u32 << (32 - l)))
            };
            (aws, taken, in_res(true), in_res(false))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn counts_agree_with_enumeration(c in case()) {
        let s = build(&c);
        let k = s.counts();
        let b = brute(&c);
        let size = b.len() as u32;
        let n = |f: &dyn Fn(&Bits) -> bool| b.iter().filter(|x| f(x)).count() as u32;
        prop_assert_eq!(k.size, size);
        prop_assert_eq!(k.usable, size - 5);
        prop_assert_eq!(k.taken, n(&|x| !x.0 && x.1));
        prop_assert_eq!(k.reserved_explicit, n(&|x| !x.0 && x.2));
        prop_assert_eq!(k.reserved_prefix, n(&|x| !x.0 && x.3));
        prop_assert_eq!(k.free_addresses, n(&|x| !x.0 && !x.1 && !x.2));
        prop_assert_eq!(k.free_for_secondary, n(&|x| !x.0 && !x.1 && !x.2 && !x.3));
        prop_assert!(k.free_addresses <= k.usable && k.usable <= k.size);
        prop_assert!(k.taken + k.free_addresses <= k.usable);
        prop_assert!(k.free_prefixes * 16 <= k.free_addresses);
        let free_blocks: Vec<u32> = (0..size / 16)
            .filter(|&blk| (blk * 16..blk * 16 + 16).all(|o| {
                let x = b[o as usize];
                !x.0 && !x.1 && !x.2
            }))
            .collect();
        prop_assert_eq!(k.free_prefixes, free_blocks.len() as u32);
        let reserved_free = free_blocks
            .iter()
            .filter(|&&blk| (blk * 16..blk * 16 + 16).all(|o| b[o as usize].3))
            .count() as u32;
        prop_assert_eq!(k.free_prefixes_reserved, reserved_free);
        // Free prefixes never overlap taken, reserved or AWS-reserved addresses.
        let base = u32::from(c.cidr.network());
        for p in s.free_prefix_blocks() {
            prop_assert_eq!(p.prefix_len(), 28);
            let start = u32::from(p.network()) - base;
            prop_assert_eq!(start % 16, 0);
            for o in start..start + 16 {
                let x = b[o as usize];
                prop_assert!(!x.0 && !x.1 && !x.2);
            }
        }
        // Block states agree with the masks.
        for (blk, st) in s.block_states().iter().enumerate() {
            prop_assert_eq!(st.prefix_possible(), free_blocks.contains(&(blk as u32)));
        }
    }

    #[test]
    fn allocators_only_hand_out_pickable_addresses(c in case(), seed in any::<u64>()) {
        let s = build(&c);
        let b = brute(&c);
        for policy in [Policy::Random, Policy::Packed, Policy::Scattered] {
            let mut a = Allocator::new(&s, policy, seed);
            let mut seen = BTreeSet::new();
            while let Ok(o) = a.take_single() {
                let x = b[o as usize];
                prop_assert!(!x.0 && !x.1 && !x.2 && !x.3, "{:?} gave {}", policy, o);
                prop_assert!(seen.insert(o));
            }
            prop_assert_eq!(seen.len() as u32, s.counts().free_for_secondary);
        }
    }

    #[test]
    fn random_fragmentation_lies_between_the_bounds(c in case(), k in 0u32..64, seed in any::<u64>()) {
        let s = build(&c);
        let f = fragment_after_singles(&s, k, seed);
        prop_assert!(f.free_prefixes_worst <= f.free_prefixes_random, "{:?}", f);
        prop_assert!(f.free_prefixes_random <= f.free_prefixes_best, "{:?}", f);
        prop_assert!(f.free_prefixes_best <= f.free_prefixes_before);
        prop_assert_eq!(f.free_prefixes_before, s.counts().free_prefixes);
    }
}

proptest! {
    /// Count-only occupancy: both layouts leave exactly the available count
    /// free; scattering never leaves more free /28 blocks than packing, and
    /// packing leaves as many whole blocks as the free count can (brute force
    /// over the layout's own free addresses).
    #[test]
    fn unknown_layouts_bound_the_free_blocks(len in 20u8..=28, available_frac in 0u32..=100) {
        use eksplane_ipplan::UnknownLayout;
        let cidr = Ipv4Net::new(Ipv4Addr::new(10, 0, 0, 0), len).expect("valid");
        let input = SubnetInput::new("subnet-p", cidr, None);
        let empty = SubnetSpace::new(&input).expect("valid");
        let free0 = empty.counts().free_addresses;
        let available = free0 * available_frac / 100;
        let mut worst = empty.clone();
        worst.fill_unknown(free0 - available, UnknownLayout::Scattered);
        let mut best = empty.clone();
        best.fill_unknown(free0 - available, UnknownLayout::Packed);
        prop_assert_eq!(worst.counts().free_addresses, available);
        prop_assert_eq!(best.counts().free_addresses, available);
        prop_assert!(worst.counts().free_prefixes <= best.counts().free_prefixes);
        // No layout can leave more whole blocks than available / 16, and
        // packing (partial blocks first) leaves exactly that many.
        let blocks0 = empty.counts().free_prefixes;
        prop_assert_eq!(best.counts().free_prefixes, (available / 16).min(blocks0));
        // Scattered: one taken address per block while they last.
        prop_assert_eq!(worst.counts().free_prefixes, blocks0.saturating_sub(free0 - available));
    }
}
