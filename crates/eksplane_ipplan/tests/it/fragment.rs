use crate::util::*;
use eksplane_ipplan::{
    Allocator, Policy, ReservationKind, Shortage, SplitMix64, expected_free_blocks,
    fragment_after_singles,
};

#[test]
fn splitmix_is_fixed() {
    let mut a = SplitMix64::new(7);
    let mut b = SplitMix64::new(7);
    let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
    let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
    assert_eq!(xs, ys);
    // SplitMix64's published first output for seed 0.
    assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    let mut r = SplitMix64::new(1);
    assert!((0..1000).all(|_| r.below(10) < 10));
}

#[test]
fn scattered_ips_destroy_blocks_between_the_bounds() {
    let s = space("10.0.0.0/22");
    // 64 blocks, 62 wholly free; 60 single IPs.
    let f = fragment_after_singles(&s, 60, 1);
    assert_eq!(f.free_prefixes_before, 62);
    assert_eq!(f.placed, 60);
    assert_eq!(f.free_prefixes_worst, 2);
    // Best: the two edge blocks hold 12 + 15 free addresses, then 33 more
    // break ceil(33/16) = 3 blocks.
    assert_eq!(f.free_prefixes_best, 59);
    assert!(f.free_prefixes_random >= f.free_prefixes_worst);
    assert!(f.free_prefixes_random <= f.free_prefixes_best);
    // Random scattering: 60 IPs over 1,019 addresses leave about 23 of 62
    // blocks (62 x C(1019-16, 60) / C(1019, 60) = 23.3).
    assert!(f.free_prefixes_random < 30, "{f:?}");
    assert!((f.free_prefixes_expected - 23.3).abs() < 0.1, "{f:?}");
    assert!(
        (f.free_prefixes_expected - f64::from(f.free_prefixes_random)).abs() < 8.0,
        "{f:?}"
    );
}

#[test]
fn expectation_edges() {
    assert_eq!(expected_free_blocks(10, 160, 0), 10.0);
    assert_eq!(expected_free_blocks(10, 160, 160), 0.0);
    assert!(expected_free_blocks(10, 160, 1) < 10.0);
}

#[test]
fn prefixes_come_from_reservations_first_and_singles_never_do() {
    let mut s = space("10.0.0.0/24");
    s.add_reservation(&reservation(
        "subnet-a",
        "10.0.0.64/27",
        ReservationKind::Prefix,
    ))
    .expect("ok");
    for policy in [Policy::Random, Policy::Packed, Policy::Scattered] {
        let mut a = Allocator::new(&s, policy, 3);
        assert_eq!(a.free_reserved_blocks(), 2);
        let b1 = a.take_block().expect("ok");
        let b2 = a.take_block().expect("ok");
        let mut got = [b1, b2];
        got.sort();
        assert_eq!(got, [4, 5]);
        // Every single lands outside the reservation.
        let mut offs = Vec::new();
        while let Ok(o) = a.take_single() {
            offs.push(o);
        }
        assert_eq!(offs.len() as u32, 251 - 32);
        assert!(
            offs.iter()
                .all(|o| !(64..96).contains(o) && !s.is_aws_reserved(*o))
        );
        assert_eq!(a.take_single(), Err(Shortage::Address));
        assert_eq!(a.take_block(), Err(Shortage::Block));
    }
}
