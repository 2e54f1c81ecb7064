//! Subnets known only by `AvailableIpAddressCount` (no ENI snapshot): the free
//! count is exact, the /28 fragmentation is bounded, never assumed empty.

use crate::util::*;
use eksplane_aws_data::Catalog;
use eksplane_capacity::CniOptions;
use eksplane_ipplan::{
    BlockState, NodeCount, Occupancy, PlanOptions, TargetVerdict, UnknownLayout, build_spaces,
    build_spaces_with, plan,
};

fn count_only(available: u32, pods: u32, pd: bool) -> eksplane_ipplan::PlanInputs {
    let mut s = subnet("subnet-a", "10.0.0.0/20", "us-east-1a");
    s.available_ip_address_count = Some(available);
    let mut i = inputs(
        vec![s],
        vec![group("m6i.4xlarge", NodeCount::Share(1))],
        pods,
    );
    i.cni = CniOptions {
        prefix_delegation: pd,
        warm_prefix_target: pd.then_some(1),
        ..CniOptions::default()
    };
    i
}

#[test]
fn available_count_is_the_free_count_and_fragmentation_is_bounded() {
    // /20: 4,096 addresses, 4,091 usable, 256 blocks; 187 available.
    let i = count_only(187, 100, true);
    let worst = build_spaces(&i).expect("ok");
    let best = build_spaces_with(&i, UnknownLayout::Packed).expect("ok");
    for s in [&worst[0], &best[0]] {
        assert_eq!(s.counts().free_addresses, 187);
        assert_eq!(s.counts().taken, 4091 - 187);
    }
    assert!(matches!(
        worst[0].occupancy,
        Occupancy::CountOnly {
            taken: 3904,
            layout: UnknownLayout::Scattered
        }
    ));
    // Worst: one taken address in every block: no free /28. Best: packed,
    // 187 free addresses at the end hold 11 whole blocks (the last block has
    // the broadcast address).
    assert_eq!(worst[0].counts().free_prefixes, 0);
    assert_eq!(best[0].counts().free_prefixes, 11);
    // The map shows unknown blocks as unknown.
    let states = worst[0].block_states();
    assert_eq!(states[0], BlockState::AwsReserved);
    assert!(states[1..255].iter().all(|b| *b == BlockState::Unknown));
}

#[test]
fn never_a_green_verdict_on_unknowns() {
    let p = plan(
        &count_only(187, 100, true),
        Catalog::embedded(),
        &PlanOptions::default(),
    )
    .expect("ok");
    let s = &p.subnets[0];
    assert_eq!(s.counts.free_addresses, 187);
    assert_eq!((s.counts.free_prefixes, s.free_prefixes_best), (0, 11));
    assert_eq!(p.cluster.occupancy_unknown, ["subnet-a"]);
    assert_ne!(p.cluster.verdict, TargetVerdict::Holds);
    // Secondary IPs: only the count matters; 187 addresses hold a few nodes.
    let p = plan(
        &count_only(187, 100, false),
        Catalog::embedded(),
        &PlanOptions::default(),
    )
    .expect("ok");
    assert_eq!(p.cluster.verdict, TargetVerdict::Holds);
    let p = plan(
        &count_only(187, 1000, false),
        Catalog::embedded(),
        &PlanOptions::default(),
    )
    .expect("ok");
    assert_eq!(p.cluster.verdict, TargetVerdict::Fails);
}

#[test]
fn with_an_eni_snapshot_the_count_is_not_used() {
    let mut i = count_only(187, 100, true);
    i.in_use.push(in_use("subnet-a", &[ip("10.0.0.10")], &[]));
    let spaces = build_spaces(&i).expect("ok");
    assert_eq!(spaces[0].occupancy, Occupancy::Exact);
    assert_eq!(spaces[0].counts().taken, 1);
}
